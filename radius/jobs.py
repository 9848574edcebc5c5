"""RADIUS jobs: thin, take ids only."""

from rq import Retry

from hotspot import queues
from hotspot.jobs import job
from radius import nas
from radius.models import RadiusServer


@job(queues.RADIUS_SYNC, retry=Retry(max=3, interval=[10, 30, 60]))
def sync_nas(server_id: int) -> int | None:
    server = RadiusServer.objects.filter(pk=server_id).first()
    return nas.sync_nas(server) if server else None
