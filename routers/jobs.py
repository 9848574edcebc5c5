"""Router jobs: thin wrappers that call services. Messages carry ids only."""

from hotspot import queues
from hotspot.jobs import job


@job(queues.ROUTER_CHECKS, timeout=120)
def probe_due_routers():
    """Probe every router whose next probe is due (concurrently, in this one job)."""
    from routers.services.probing import run_due_probes

    return run_due_probes()
