"""A fault at every step of the full plan leaves the router exactly as before; Retry works."""

import datetime as dt

import pytest
from django.utils import timezone

from provisioning.models import Deployment
from provisioning.services.plan import build_plan
from radius.models import RadiusServer
from routers.choices import RouterStatus
from tests.provisioning.helpers import (
    HOTSPOT,
    PPPOE,
    deploy,
    generate,
    online_router,
    radius_server,
    state,
    status,
    with_radius,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]

FULL_CHOICES = {
    "hotspot": {"interfaces": [{"name": "ether2", "gateway": "10.5.50.1/24",
                                "pool": "10.5.50.10-10.5.50.254"}],
                "portal_title": "Cafe WiFi", "dns_name": "hotspot.lan",
                "login_by": ["http-chap", "mac"]},
    "pppoe": {"interfaces": ["ether3"], "service_name": "internet", "local_address": "10.6.0.1",
              "pool": "10.6.0.10-10.6.0.250", "authentication": ["pap", "chap", "mschap2"]},
    "radius": {"server_id": 0, "hotspot": True, "pppoe": True, "incoming": True},
}
# The plan the UI builds for hotspot + PPPoE + RADIUS: one test per step, every step.
STEPS = build_plan(FULL_CHOICES, RadiusServer(host="10.0.0.5", auth_port=1812,
                                              acct_port=1813)).steps


def fault_target(k):
    word = f"{STEPS[k].path}/{STEPS[k].action}"
    nth = sum(1 for s in STEPS[:k + 1] if f"{s.path}/{s.action}" == word)
    return word, nth


def prepared(acme, routersim):
    sim = routersim()
    sim.add("/ip/pool", name="operator-pool", ranges="192.168.88.10-192.168.88.20")
    router = online_router(acme, sim)
    generate(router, with_radius(radius_server(acme), {**HOTSPOT, **PPPOE}))
    return sim, router


def test_the_plan_has_the_steps_this_file_covers(acme, routersim):
    sim, router = prepared(acme, routersim)
    saved = router.configs.get(kind="service").plan["steps"]
    assert [(s["path"], s["action"]) for s in saved] == [(s.path, s.action) for s in STEPS]


@pytest.mark.parametrize("k", range(len(STEPS)), ids=lambda k: f"step{k + 1}")
def test_a_trap_at_step_k_rolls_back_completely_and_retry_succeeds(acme, routersim, k):
    sim, router = prepared(acme, routersim)
    before = state(sim)
    word, nth = fault_target(k)
    sim.faults.trap(word, f"failure: injected at step {k + 1}", nth=nth)
    dep = deploy(router)
    assert dep.status == Deployment.Status.FAILED
    assert dep.router_message == f"failure: injected at step {k + 1}"
    assert f"step {k + 1} of {len(STEPS)}" in dep.failed_step
    assert dep.rolled_back and dep.rollback_clean, dep.events.last().message
    assert state(sim) == before
    assert status(router) == RouterStatus.ONLINE  # as before: nothing deployed, online
    sim.faults.clear()
    assert deploy(router).status == Deployment.Status.COMPLETED
    assert status(router) == RouterStatus.ACTIVE


@pytest.mark.parametrize("k", range(len(STEPS)), ids=lambda k: f"step{k + 1}")
def test_a_dropped_connection_at_step_k_rolls_back_completely(acme, routersim, k):
    sim, router = prepared(acme, routersim)
    before = state(sim)
    word, nth = fault_target(k)
    sim.faults.drop_on(word, nth=nth)
    dep = deploy(router)
    assert dep.status == Deployment.Status.FAILED
    assert "connection lost" in dep.error
    assert dep.rolled_back and dep.rollback_clean
    assert state(sim) == before
    sim.faults.clear()
    assert deploy(router).status == Deployment.Status.COMPLETED


def test_a_failed_redeploy_restores_the_previous_deployment(acme, routersim):
    sim, router = prepared(acme, routersim)
    assert deploy(router).status == Deployment.Status.COMPLETED
    deployed = state(sim)
    generate(router, HOTSPOT)  # a new configuration replacing the old one
    # The second hotspot ever added fails (the first came with the first deployment).
    sim.faults.trap("/ip/hotspot/add", "failure: no more hotspots", nth=2)
    dep = deploy(router)
    assert dep.status == Deployment.Status.FAILED and dep.rollback_clean, \
        [e.message for e in dep.events.all()][-2:]
    assert state(sim) == deployed


def test_a_deployment_left_running_by_a_dead_worker_is_rolled_back(acme, routersim, settings):
    from background import reaper
    from conftest import run_jobs
    from provisioning.services.restore import snapshot
    from provisioning.services.sealing import seal
    from routers.services.connect import client_for

    sim, router = prepared(acme, routersim)
    before = state(sim)
    # What a worker killed after step 3 leaves behind: items on the router, a running row.
    config = router.configs.get(kind="service")
    router.set_status(RouterStatus.PROVISIONING)
    with client_for(router) as api:
        dep = Deployment.objects.create(router=router, config=config, status="running",
                                        before=seal(snapshot(api)), touched=True,
                                        previous_status=RouterStatus.ONLINE)
        for step in STEPS[:3]:
            new_id = api.add(step.path, step.resolved("nas-s3cret!"))
            dep.created_items.append({"path": step.path, "id": new_id, "label": step.label})
    dep.heartbeat_at = timezone.now() - dt.timedelta(minutes=30)
    dep.save()
    assert state(sim) != before
    assert reaper.reap().interrupted == 1
    run_jobs("provisioning")
    dep.refresh_from_db()
    assert dep.status == Deployment.Status.FAILED
    assert dep.rolled_back and dep.rollback_clean
    assert state(sim) == before
    assert status(router) == RouterStatus.ONLINE
