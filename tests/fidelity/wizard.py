"""The wizard as an operator drives it, through its own endpoints, on a simulated router:
stage 1 (create the router, apply its initial script on the router), stage 2 (a real
worker probes it), stage 3 (discovery), stage 4 (generate), stage 5 (deploy), plus
redeploy, removal and a drift check. Used by the fidelity tests on every profile."""

from __future__ import annotations

import json

from conftest import drain_until, run_jobs, run_periodic
from provisioning.models import Deployment
from routers.choices import RouterStatus
from routers.models import Router
from routers.services.onboarding import create_router


def onboard(org, sim, name="site-1") -> Router:
    """Stages 1-2: the router exists, its initial script is applied, probing brings it
    online (the product's own API group and user, not an admin account)."""
    router, config = create_router(org, name=name, host=sim.host, api_port=sim.port)
    sim.import_script(config.operator_script)
    assert drain_until(lambda: Router.objects.get(pk=router.pk).status == RouterStatus.ONLINE,
                       timeout=60), list(router.probe_log.values_list("error", flat=True))
    return Router.objects.get(pk=router.pk)


def interfaces(client, router, refresh=True) -> dict:
    response = client.get(f"/api/routers/{router.pk}/interfaces" + ("?refresh=1" if refresh
                                                                       else ""))
    assert response.status_code == 200, response.content
    return response.json()


def generate(client, router, data):
    return client.post(f"/api/routers/{router.pk}/generate-service-config", json.dumps(data),
                       content_type="application/json")


def deploy(client, router) -> Deployment:
    response = client.post(f"/api/routers/{router.pk}/deploy-service-config")
    assert response.status_code == 202, response.content
    run_jobs("provisioning")
    return Deployment.objects.get(pk=response.json()["deployment_id"])


def remove(client, router) -> Deployment:
    """The "Remove configuration" confirmation posts kind=remove to the deploy view."""
    response = client.post(f"/routers/{router.pk}/services/deploy/", {"kind": "remove"})
    assert response.status_code == 302
    run_jobs("provisioning")
    return Deployment.objects.filter(router=router).first()


def drift(router):
    """The periodic drift check as the scheduler runs it; the router's report."""
    from fleet.jobs import check_fleet_drift
    from fleet.models import DriftReport

    run_periodic(check_fleet_drift)
    return DriftReport.objects.get(router=router)


def status(router) -> str:
    return Router.objects.get(pk=router.pk).status
