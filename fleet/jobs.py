"""Fleet jobs: thin wrappers that call services. Messages carry ids only."""

from django.conf import settings

from hotspot import queues
from hotspot.jobs import job
from hotspot.periodic import every


@job(queues.IMPORTS, timeout=settings.FLEET_IMPORT_TIMEOUT)
def run_import(run_id: int):
    """Run one queued import (its ImportRun row says what and from where)."""
    from fleet.services.imports import run_import as run

    return run(run_id)


@every("FLEET_HEALTH_INTERVAL_SECONDS", 60)
@job(queues.ROUTER_CHECKS, timeout=settings.FLEET_HEALTH_JOB_TIMEOUT)
def check_fleet_health():
    """Check every router that should answer, concurrently, in this one job."""
    from fleet.services.health import check_fleet

    return check_fleet().summary()


@job(queues.ROUTER_DATA, timeout=60)
def fetch_live_data(router_id: int):
    """Read one router's live data into the cache (someone is looking at its page)."""
    from fleet.services.livedata import fetch_live_data as fetch

    return fetch(router_id)


@every("FLEET_STALE_IMPORTS_INTERVAL_SECONDS", 300)
@job(queues.DEFAULT, timeout=60)
def fail_stale_imports():
    """Fail import runs a lost worker or message left unfinished."""
    from fleet.services.imports import fail_stale_runs

    return fail_stale_runs()


@every("FLEET_DRIFT_INTERVAL_SECONDS", 300)
@job(queues.ROUTER_CHECKS, timeout=getattr(settings, "FLEET_DRIFT_JOB_TIMEOUT", 300))
def check_fleet_drift():
    """Compare every active router with its last deployment, concurrently, in this one job."""
    from fleet.services.drift import check_drift

    return check_drift().summary()


@job(queues.ROUTER_CHECKS, timeout=120)
def check_router_drift(router_id: int):
    """Check one router now (the "Check now" button on its page)."""
    from fleet.services.drift import check_router

    return check_router(router_id)
