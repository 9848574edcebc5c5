"""Pipelined reads (ROUTER_API_PIPELINING, on by default) against one print at a time, on
the same plan and the same router: the snapshot, the verification, the outcome and the
router afterwards are the same, including when one pipelined read is refused (a trap)
or the link is lost in the middle of a pipelined read (the rollback is still exact)."""

import re

import pytest

from provisioning.models import Deployment
from provisioning.services import compare, sealing
from provisioning.services.deploy import _secret_for, verify
from provisioning.services.plan import Plan
from provisioning.services.restore import SNAPSHOT_MENUS, snapshot
from routers.choices import RouterStatus
from routers.models import Router
from routers.services.connect import client_for
from tests.provisioning.helpers import (
    HOTSPOT,
    PPPOE,
    deploy,
    generate,
    online_router,
    radius_server,
    state,
    with_radius,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def prepared(acme, routersim):
    sim = routersim()
    sim.add("/ip/pool", name="operator-pool", ranges="192.168.88.10-192.168.88.20")
    router = online_router(acme, sim)
    generate(router, with_radius(radius_server(acme), {**HOTSPOT, **PPPOE}))
    return sim, router


def still(snap: dict) -> dict:
    """A snapshot without what moves by itself between two reads (traffic counters)."""
    return {path: [{k: v for k, v in row.items() if k not in compare.VOLATILE
                    and k not in ("bytes", "packets")} for row in rows]
            for path, rows in snap.items()}


def unnamed(text: str) -> str:
    """A lost link's message without the command it names: one at a time, that is the
    command whose answer never came; pipelined, the one being sent when the loss showed
    (the router may have died on an earlier one of the batch: no client can tell)."""
    return re.sub(r"(: )/[\w/-]+(: connection lost)", r"\1<command>\2", text)


def outcome(dep: Deployment, sim) -> dict:
    """What an operator and the router see after a deployment."""
    events = [(e.stage, e.level, unnamed(e.message)) for e in dep.events.order_by("pk")]
    return {"status": dep.status, "error": unnamed(dep.error),
            "router_message": dep.router_message,
            "failed_step": dep.failed_step, "rolled_back": dep.rolled_back,
            "rollback_clean": dep.rollback_clean, "events": events,
            "before": still(sealing.unseal(dep.before)) if dep.before else None,
            "after": still(sealing.unseal(dep.after)) if dep.after else None,
            "router": state(sim)}


def both_ways(acme, routersim, settings, fault=None):
    """The same deployment of the same plan, from the same router state: one read at a
    time, then pipelined."""
    sim, router = prepared(acme, routersim)
    before, saved = state(sim), sim.save_state()
    results = {}
    for pipelining in (False, True):
        settings.ROUTER_API_PIPELINING = pipelining
        sim.restore_state(saved)
        sim.faults.clear()
        Router.objects.filter(pk=router.pk).update(status=RouterStatus.ONLINE)
        if fault:
            fault(sim)
        dep = deploy(router)
        results[pipelining] = (outcome(dep, sim), before, dep.round_trips)
    return results


def same(results) -> dict:
    (one_by_one, before, slow_trips), (together, _, fast_trips) = (results[False],
                                                                    results[True])
    assert together == one_by_one
    return {"outcome": together, "before": before, "trips": (slow_trips, fast_trips)}


def test_a_deployment_reads_the_same_snapshot_and_verification_both_ways(
        acme, routersim, settings):
    seen = same(both_ways(acme, routersim, settings))
    assert seen["outcome"]["status"] == Deployment.Status.COMPLETED
    assert set(seen["outcome"]["after"]) == set(SNAPSHOT_MENUS)
    slow, fast = seen["trips"]
    plan = Plan.from_dict(Deployment.objects.latest("pk").config.plan)
    grouped = len(plan.steps) - len(plan.batches())  # steps sent inside a group's exchange
    # Each snapshot: one round trip; each group of independent steps: one round trip.
    assert fast == slow - 2 * (len(SNAPSHOT_MENUS) - 1) - grouped


def test_verification_finds_the_same_differences_both_ways(acme, routersim, settings):
    sim, router = prepared(acme, routersim)
    dep = deploy(router)
    assert dep.status == Deployment.Status.COMPLETED
    plan = Plan.from_dict(dep.config.plan)
    pool = sim.item("/ip/pool", name="hs-pool-ether2") or next(
        r for r in sim.items("/ip/pool") if r.get("name") != "operator-pool")
    sim.set_item("/ip/pool", pool[".id"], ranges="10.5.50.10-10.5.50.11")  # drifted
    found = {}
    for pipelining in (False, True):
        settings.ROUTER_API_PIPELINING = pipelining
        with client_for(router) as api:
            snap = snapshot(api)
            found[pipelining] = (still(snap), verify(dep, snap, plan, _secret_for(plan)),
                                 api.calls)
    assert found[True][:2] == found[False][:2]
    assert any("ranges" in problem for problem in found[True][1]), found[True][1]
    assert (found[False][2], found[True][2]) == (len(SNAPSHOT_MENUS), 1)


@pytest.mark.parametrize("nth", [1, 2], ids=["before", "verification"])
def test_a_trap_on_one_pipelined_read_fails_the_same_way_and_rolls_back_exactly(
        acme, routersim, settings, nth):
    # The 1st /ip/pool print is in the snapshot before any change; the 2nd in the
    # verification read after every step.
    seen = same(both_ways(acme, routersim, settings, lambda sim: sim.faults.trap(
        "/ip/pool/print", "failure: injected",
        nth=sim.faults.calls("/ip/pool/print") + nth)))
    result = seen["outcome"]
    assert result["status"] == Deployment.Status.FAILED
    assert result["router_message"] == "failure: injected"
    assert result["rolled_back"] and result["rollback_clean"]
    assert result["router"] == seen["before"]
    stages = [stage for stage, _, _ in result["events"]]
    assert ("verifying_deployment" in stages) == (nth == 2)  # refused where it was meant


@pytest.mark.parametrize("nth", [1, 2], ids=["before", "verification"])
def test_a_link_lost_in_a_pipelined_read_rolls_back_exactly_both_ways(
        acme, routersim, settings, nth):
    seen = same(both_ways(acme, routersim, settings, lambda sim: sim.faults.drop_on(
        "/ip/hotspot/print", nth=sim.faults.calls("/ip/hotspot/print") + nth)))
    result = seen["outcome"]
    assert result["status"] == Deployment.Status.FAILED
    assert "connection lost" in result["error"]
    assert result["rolled_back"] and result["rollback_clean"]
    assert result["router"] == seen["before"]
    stages = [stage for stage, _, _ in result["events"]]
    assert ("verifying_deployment" in stages) == (nth == 2)
