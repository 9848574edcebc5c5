"""RADIUS jobs: thin, take ids only."""

from background.lifecycle import JobFailed
from hotspot import queues
from hotspot.jobs import job
from radius import nas
from radius.client import AgentError
from radius.models import RadiusServer


@job(queues.RADIUS_SYNC, retry_delays=(10, 30, 60))
def sync_nas(server_id: int) -> int | None:
    """Sync of a RADIUS server's NAS list."""
    server = RadiusServer.objects.filter(pk=server_id).first()
    if server is None:
        return None
    try:
        return nas.sync_nas(server)
    except AgentError as exc:  # the agent is down or refused: retried, then failed
        raise JobFailed(str(exc)) from None
