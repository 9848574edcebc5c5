"""Fleet jobs: thin wrappers that call services. Messages carry row ids only.

An import is a job row of its own (fleet.models.ImportRun); these are `background.Job`
rows of their kind.
"""

from django.conf import settings

from hotspot import queues
from hotspot.jobs import job
from hotspot.periodic import every


@every("FLEET_HEALTH_INTERVAL_SECONDS", 60)
@job(queues.ROUTER_CHECKS, timeout=settings.FLEET_HEALTH_JOB_TIMEOUT)
def check_fleet_health():
    """Health check of every router."""
    from fleet.services.health import check_fleet

    return check_fleet().summary()


@job(queues.ROUTER_DATA, timeout=60)
def fetch_live_data(router_id: int):
    """Live data of a router."""
    from fleet.services.livedata import fetch_live_data as fetch

    return fetch(router_id)


@every("FLEET_DRIFT_INTERVAL_SECONDS", 300)
@job(queues.ROUTER_CHECKS, timeout=settings.FLEET_DRIFT_JOB_TIMEOUT)
def check_fleet_drift():
    """Drift check of every active router."""
    from fleet.services.drift import check_drift

    return check_drift().summary()


@job(queues.ROUTER_CHECKS, timeout=120)
def check_router_drift(router_id: int):
    """Drift check of one router."""
    from fleet.services.drift import check_router

    return check_router(router_id)
