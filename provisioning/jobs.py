"""Provisioning jobs: thin; the deployment row holds the state."""

from hotspot import queues
from hotspot.jobs import job
from hotspot.periodic import every


@job(queues.PROVISIONING, timeout=900)
def deploy(deployment_id: int):
    from provisioning.services.deploy import run_deployment

    return run_deployment(deployment_id)


@every("DEPLOY_REAPER_SECONDS", 60)
@job(queues.DEFAULT, timeout=600)
def reap_stale_deployments():
    """Roll back deployments left running by a worker that died."""
    from provisioning.services.deploy import reap_stale_deployments as reap

    return reap()
