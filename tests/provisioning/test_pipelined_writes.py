"""Pipelined writes: the groups of steps a plan marks as independent (Step.group: the
portal pages directory with the first gateway address, the page files, the two RADIUS
settings) each go out as one exchange. Against the same deployment sent one command at a
time (ROUTER_API_PIPELINING off), on the same router: the same router afterwards, the same
record of created items (paths, ids, labels, in plan order) and the same verification;
a trap on one page of the group fails the deployment the same way and rolls back exactly;
a link lost after part of the group's answers came back records exactly those ids and
rolls back exactly."""

import pytest

from provisioning.models import Deployment
from provisioning.services.compare import ORDERED_MENUS
from provisioning.services.deploy import _secret_for, verify
from provisioning.services.plan import Plan
from provisioning.services.restore import snapshot
from radius.models import RadiusServer
from routers.choices import RouterStatus
from routers.models import Router
from routers.services.connect import client_for
from tests.provisioning.helpers import (
    HOTSPOT,
    PPPOE,
    TOKEN,
    deploy,
    generate,
    radius_server,
    with_radius,
)
from tests.provisioning.test_faults import router_state
from tests.provisioning.test_pipelined_reads import outcome, prepared
from tests.support.cutting_proxy import CUT_REPLY, CuttingProxy

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]


def created(dep: Deployment) -> list[tuple[str, str, str]]:
    return [(i["path"], i["id"], i["label"]) for i in dep.created_items]


def plan_of(dep: Deployment) -> Plan:
    return Plan.from_dict(dep.config.plan)


def both_ways(acme, routersim, settings, fault=None, redeploy=False) -> dict:
    """The same deployment of the same plan from the same router state: one command at a
    time, then with the plan's groups pipelined. `redeploy`: over a first deployment,
    with a changed portal title."""
    sim, router = prepared(acme, routersim)
    if redeploy:
        assert deploy(router).status == Deployment.Status.COMPLETED
        server = RadiusServer.objects.get(organization=acme)
        generate(router, with_radius(server, {**HOTSPOT, **PPPOE, "portal_title": "New"}))
    before, saved = router_state(sim), sim.save_state()
    results = {}
    for pipelining in (False, True):
        settings.ROUTER_API_PIPELINING = pipelining
        sim.restore_state(saved)
        sim.faults.clear()
        Router.objects.filter(pk=router.pk).update(
            status=RouterStatus.ACTIVE if redeploy else RouterStatus.ONLINE)
        if fault:
            fault(sim)
        dep = deploy(router)
        with client_for(router) as api:  # the verification, on the router as it is now
            problems = verify(dep, snapshot(api), plan_of(dep), _secret_for(plan_of(dep)))
        results[pipelining] = {"outcome": outcome(dep, sim), "created": created(dep),
                               "removed": dep.removed_items,
                               "verification": problems, "strict": router_state(sim),
                               "dep": dep}
    one, together = results[False], results[True]
    for key in ("outcome", "created", "removed", "verification", "strict"):
        assert together[key] == one[key], key
    return {"before": before, "dep": together["dep"], "one": one["dep"],
            "created": together["created"], "verification": together["verification"],
            "router": together["strict"]}


def test_grouped_steps_give_the_same_router_record_and_verification(acme, routersim,
                                                                    settings):
    seen = both_ways(acme, routersim, settings)
    dep, plan = seen["dep"], plan_of(seen["dep"])
    assert dep.status == Deployment.Status.COMPLETED
    assert seen["verification"] == []
    adds = [s for s in plan.steps if s.action == "add"]
    assert [(path, label) for path, _, label in seen["created"]] == [
        (s.path, s.label) for s in adds]  # in plan order
    assert all(item_id for _, item_id, _ in seen["created"])
    # Round trips: the snapshot, one per batch (a group is one), the verification read.
    assert dep.round_trips == len(plan.batches()) + 2
    assert seen["one"].round_trips == len(plan.steps) + 2 * 16  # everything one by one


def test_the_plan_groups_only_independent_steps(acme, routersim):
    sim, router = prepared(acme, routersim)
    plan = Plan.from_dict(router.configs.get(kind="service").plan)
    groups = [[s for _, s in batch] for batch in plan.batches() if len(batch) > 1]
    pages = [("/file", "add")] * 8
    assert [[(s.path, s.action) for s in group] for group in groups] == [
        # The directory, the gateway address and the two pools: nothing names another.
        [("/file", "add"), ("/ip/address", "add"), ("/ip/pool", "add"), ("/ip/pool", "add")],
        # The pages (each named by its directory) and the profiles (naming the directory
        # and the pools): all made in the exchange before.
        [*pages, ("/ip/hotspot/profile", "add"), ("/ppp/profile", "add")],
        # The servers, each naming its profile and pool.
        [("/ip/hotspot", "add"), ("/interface/pppoe-server/server", "add")],
        [("/ip/dhcp-server", "add"), ("/ip/dhcp-server/network", "add")],
        [("/radius", "add"), ("/ppp/aaa", "set"), ("/radius/incoming", "set")],
    ]
    assert plan.steps[0].params["type"] == "directory"
    assert {s.label.split()[-1] for s in groups[1][:8]} == {
        "login.html", "alogin.html", "status.html", "logout.html", "error.html",
        "redirect.html", "rlogin.html", "md5.js"}
    # Ordered lists (firewall filter and NAT, the walled garden) go one rule at a time.
    for batch in plan.batches():
        if any(step.path in ORDERED_MENUS for _, step in batch):
            assert len(batch) == 1
    # hotspot + PPPoE + RADIUS: 28 steps in 12 exchanges, + the snapshot and verification.
    assert (len(plan.steps), len(plan.batches())) == (28, 12)


def test_old_plans_without_groups_still_deploy_one_step_at_a_time(acme, routersim):
    sim, router = prepared(acme, routersim)
    config = router.configs.get(kind="service")
    for step in config.plan["steps"]:  # as plans were stored before steps had groups
        del step["group"]
    config.save(update_fields=["plan"])
    dep = deploy(router)
    assert dep.status == Deployment.Status.COMPLETED
    assert dep.round_trips == len(config.plan["steps"]) + 2


def test_a_trap_on_one_page_of_the_group_rolls_back_exactly(acme, routersim, settings):
    # /file add: the 1st is the directory; the 4th is the third page (status.html).
    seen = both_ways(acme, routersim, settings, lambda sim: sim.faults.trap(
        "/file/add", "failure: injected", nth=sim.faults.calls("/file/add") + 4))
    dep, result = seen["dep"], seen["dep"]
    assert result.status == Deployment.Status.FAILED
    assert result.router_message == "failure: injected"
    assert "portal page status.html" in result.failed_step
    assert result.rolled_back and result.rollback_clean
    assert seen["router"] == seen["before"]
    # Every answer of the group was read: each page that came back is on record.
    pages = [label for path, _, label in seen["created"] if label.startswith("portal page ")]
    assert pages == [f"portal page {n}" for n in ("login.html", "alogin.html", "logout.html",
                                                  "error.html", "redirect.html",
                                                  "rlogin.html", "md5.js")]
    # Progress is recorded after a group's answers: none for a group that failed.
    assert not dep.events.filter(message__contains=": portal page ").exists()


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_a_link_lost_inside_the_group_records_exactly_the_answers_that_came(
        acme, routersim, settings, pipelining):
    settings.ROUTER_API_PIPELINING = pipelining
    sim = routersim()
    proxy = CuttingProxy(sim.host, sim.port)
    try:
        sim.add_user("api-r1", TOKEN, "full")
        router = Router.objects.create(
            organization=acme, name="r1", host=proxy.host, api_port=proxy.port,
            api_username="api-r1", config_token=TOKEN, status=RouterStatus.ONLINE)
        generate(router, with_radius(radius_server(acme), {**HOTSPOT, **PPPOE}))
        before, saved = router_state(sim), sim.save_state()
        proxy.arm()
        whole = deploy(router)
        assert whole.status == Deployment.Status.COMPLETED
        plan = plan_of(whole)
        # Command k's answer is the k-th (no latency: in order, one `!done` each).
        files = [k for k, w in enumerate(proxy.words, 1) if w == b"/file/add"]
        pages = files[1:]
        pages_group = {s.group for s in plan.steps if s.label.startswith("portal page ")}
        assert len(pages) == 8 and len(pages_group) == 1 and pages_group != {""}
        first_page = next(n for n, (_, _, label) in enumerate(created(whole))
                          if label.startswith("portal page "))
        for j, k in enumerate(pages):
            sim.restore_state(saved)
            Router.objects.filter(pk=router.pk).update(status=RouterStatus.ONLINE)
            proxy.arm(CUT_REPLY, k)  # pages 1..j answered, then the link is gone
            dep = deploy(router)
            assert dep.status == Deployment.Status.FAILED, j
            assert "connection lost" in dep.error
            # Exactly the ids that came back, each as the whole deployment got it.
            assert created(dep) == created(whole)[:first_page + j], j
            assert dep.rolled_back and dep.rollback_clean, dep.events.last().message
            assert router_state(sim) == before, j  # pages whose ids never came: removed
    finally:
        proxy.close()


def test_a_redeploy_removes_the_previous_pages_in_one_exchange(acme, routersim, settings):
    seen = both_ways(acme, routersim, settings, redeploy=True)
    dep, one, plan = seen["dep"], seen["one"], plan_of(seen["dep"])
    assert dep.status == Deployment.Status.COMPLETED and seen["verification"] == []
    removed = [i["path"] for i in dep.removed_items]
    assert removed.count("/file") == 9  # eight pages, then their directory
    saved_by_groups = len(plan.steps) - len(plan.batches())
    # Pipelined: the snapshots, each group of steps and the eight page removes are one
    # round trip each.
    assert one.round_trips - dep.round_trips == 2 * 15 + saved_by_groups + 7


def test_a_trap_on_one_page_remove_rolls_back_exactly(acme, routersim, settings):
    seen = both_ways(acme, routersim, settings, lambda sim: sim.faults.trap(
        "/file/remove", "failure: injected", nth=sim.faults.calls("/file/remove") + 3),
        redeploy=True)
    dep = seen["dep"]
    assert dep.status == Deployment.Status.FAILED
    assert dep.router_message == "failure: injected"
    assert dep.rolled_back and dep.rollback_clean, dep.events.last().message
    assert seen["router"] == seen["before"]  # the first deployment, as it was
    assert [i["path"] for i in dep.removed_items].count("/file") == 8  # the pages group
