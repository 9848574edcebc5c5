"""Router jobs: thin wrappers that call services. Messages carry row ids only."""

from hotspot import queues
from hotspot.jobs import job
from hotspot.periodic import every


# The scheduler checks every PROBE_TICK_SECONDS whether some router is due.
@every("PROBE_TICK_SECONDS", 1, when="routers.services.probing.any_due")
@job(queues.ROUTER_CHECKS, timeout=120)
def probe_due_routers():
    """Probe of the routers being onboarded."""
    from routers.services.probing import run_due_probes

    return run_due_probes()
