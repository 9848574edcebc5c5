"""Drift: hand edits of what the product deployed, found by a real worker over TCP."""

import pytest
from django.urls import reverse

from conftest import run_jobs, run_periodic
from fleet.jobs import check_fleet_drift
from fleet.models import DriftReport
from provisioning.models import Deployment
from provisioning.services.plan import Plan
from routers.choices import RouterStatus
from tests.provisioning.helpers import (
    HOTSPOT,
    deploy,
    generate,
    online_router,
    radius_server,
    state,
    with_radius,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def deployed(org, sim, data=HOTSPOT, name="edge-1"):
    """A router the product deployed `data` on; returns (router, plan)."""
    router = online_router(org, sim, name=name)
    config = generate(router, data)
    assert deploy(router).status == "completed"
    router.refresh_from_db()
    return router, Plan.from_dict(config.plan)


def run_drift_check():
    """Submit the periodic job as the scheduler does and let a real worker run it."""
    return run_periodic(check_fleet_drift)


def report_of(router):
    return DriftReport.objects.get(router=router)


def tagged(sim, path, plan):
    return next(r for r in sim.items(path)
                if r.get("comment") == plan.tag or r.get("name", "").startswith(f"hs{plan.tag_id}"))


def test_it_flags_exactly_a_changed_pool_and_a_deleted_profile(acme, routersim):
    sim = routersim()
    router, plan = deployed(acme, sim)
    pool = tagged(sim, "/ip/pool", plan)
    profile = tagged(sim, "/ip/hotspot/profile", plan)
    sim.set_item("/ip/pool", pool[".id"], ranges="10.5.50.100-10.5.50.120")
    sim.remove_item("/ip/hotspot/profile", profile[".id"])

    summary = run_drift_check()

    assert (summary["checked"], summary["drifted"]) == (1, 1)
    report = report_of(router)
    assert report.flagged
    by_path = {i["path"]: i for i in report.items}
    assert sorted(by_path) == ["/ip/hotspot/profile", "/ip/pool"]
    assert by_path["/ip/pool"]["kind"] == "changed"
    assert by_path["/ip/pool"]["changes"] == [{"field": "ranges",
                                               "expected": "10.5.50.10-10.5.50.254",
                                               "found": "10.5.50.100-10.5.50.120"}]
    assert by_path["/ip/hotspot/profile"]["kind"] == "deleted"
    assert by_path["/ip/hotspot/profile"]["label"] == "hotspot profile for ether2"


def test_reapply_restores_the_deployed_state_and_the_next_check_is_clean(
        acme, alice_client, routersim):
    sim = routersim()
    router, plan = deployed(acme, sim)
    as_deployed = state(sim)
    pool = tagged(sim, "/ip/pool", plan)
    sim.set_item("/ip/pool", pool[".id"], ranges="10.5.50.100-10.5.50.120")
    sim.remove_item("/ip/hotspot/profile", tagged(sim, "/ip/hotspot/profile", plan)[".id"])
    run_drift_check()
    assert report_of(router).flagged

    response = alice_client.post(reverse("fleet:drift-reapply", args=[router.pk]))

    assert response.status_code == 302
    run_jobs("provisioning")
    dep = Deployment.objects.filter(router=router).first()
    assert dep.status == "completed", dep.error
    assert not report_of(router).flagged  # the redeploy verified every item it made
    assert run_drift_check()["drifted"] == 0
    report = report_of(router)
    assert (report.clean, report.items, report.deployment_id) == (True, [], dep.pk)
    assert state(sim) == as_deployed
    router.refresh_from_db()
    assert router.status == RouterStatus.ACTIVE


def test_an_untouched_deployment_is_clean(acme, routersim):
    sim = routersim()
    router, _ = deployed(acme, sim, with_radius(radius_server(acme), HOTSPOT))
    assert run_drift_check()["drifted"] == 0
    report = report_of(router)
    assert (report.clean, report.items, report.error) == (True, [], "")
    assert report.checked_at is not None


def test_items_the_operator_made_are_not_drift(acme, routersim):
    sim = routersim()
    pool_id = sim.add_item("/ip/pool", name="operator-pool", ranges="192.168.88.10-192.168.88.20")
    nat_id = sim.add_item("/ip/firewall/nat", chain="srcnat", action="masquerade",
                          comment="by hand")
    router, _ = deployed(acme, sim)
    sim.set_item("/ip/pool", pool_id, ranges="192.168.88.30-192.168.88.40")
    sim.remove_item("/ip/firewall/nat", nat_id)
    run_drift_check()
    assert report_of(router).clean


def test_a_changed_setting_and_secret_are_flagged_without_showing_the_secret(
        acme, routersim):
    sim = routersim()
    router, plan = deployed(acme, sim, with_radius(radius_server(acme), HOTSPOT))
    sim.set_singleton("/radius/incoming", accept="no")
    sim.set_item("/radius", sim.items("/radius")[0][".id"], secret="guessed")
    run_drift_check()
    items = {i["path"]: i for i in report_of(router).items}
    assert sorted(items) == ["/radius", "/radius/incoming"]
    [change] = items["/radius/incoming"]["changes"]
    assert (change["field"], change["expected"]) == ("accept", "yes")
    assert change["found"] in ("no", "false")
    assert items["/radius"]["changes"] == [{"field": "secret", "expected": "(hidden)",
                                            "found": "(hidden)"}]
    assert "nas-s3cret!" not in str(report_of(router).items)
    assert "guessed" not in str(report_of(router).items)


def test_the_router_page_shows_the_drift_and_the_reapply_button(acme, alice_client, routersim):
    sim = routersim()
    router, plan = deployed(acme, sim)
    sim.remove_item("/ip/pool", tagged(sim, "/ip/pool", plan)[".id"])
    run_drift_check()
    page = alice_client.get(reverse("routers:detail", args=[router.pk])).content.decode()
    assert "hotspot pool for ether2" in page
    assert "deleted" in page
    assert reverse("fleet:drift-reapply", args=[router.pk]) in page
    badge = alice_client.get(reverse("fleet:drift", args=[router.pk]))
    assert badge.status_code == 286  # nothing queued: the panel stops polling
    assert f'id="router-{router.pk}-drift"' in badge.content.decode()
    assert ">drift</span>" in badge.content.decode()
    listing = alice_client.get(reverse("routers:list")).content.decode()
    assert f'id="router-{router.pk}-drift"><span class="badge badge-failed"' in listing


def test_check_now_queues_one_check_of_this_router(acme, alice_client, routersim):
    sim = routersim()
    router, _ = deployed(acme, sim)
    response = alice_client.post(reverse("fleet:drift-check", args=[router.pk]),
                                 HTTP_HX_REQUEST="true")
    assert "Checking the router" in response.content.decode()
    run_jobs("router-checks")
    assert report_of(router).clean
    page = alice_client.get(reverse("fleet:drift", args=[router.pk])).content.decode()
    assert "No drift" in page and "Checking" not in page


def test_a_router_that_does_not_answer_keeps_its_last_result(acme, routersim, settings):
    settings.FLEET_DRIFT_TIMEOUT = 1.0
    sim = routersim()
    router, plan = deployed(acme, sim)
    sim.remove_item("/ip/pool", tagged(sim, "/ip/pool", plan)[".id"])
    run_drift_check()
    sim.go_offline()
    assert run_drift_check()["unreadable"] == 1
    report = report_of(router)
    assert report.flagged and report.error


def test_a_hanging_router_costs_one_timeout(acme, routersim, settings):
    settings.FLEET_DRIFT_TIMEOUT = 1.0
    sims = routersim(count=2)
    hanging, _ = deployed(acme, sims[0], name="edge-1")
    healthy, _ = deployed(acme, sims[1], name="edge-2")
    sims[0].faults.hang()
    summary = run_drift_check()
    assert (summary["checked"], summary["unreadable"]) == (2, 1)
    assert report_of(healthy).clean and report_of(healthy).checked_at
    assert report_of(hanging).error and report_of(hanging).checked_at is None


def test_another_organization_gets_404(acme, bob_client, routersim):
    sim = routersim()
    router, _ = deployed(acme, sim)
    for name in ("fleet:drift-reapply", "fleet:drift-check"):
        assert bob_client.post(reverse(name, args=[router.pk])).status_code == 404
    assert bob_client.get(reverse("fleet:drift", args=[router.pk])).status_code == 404
    assert Deployment.objects.filter(router=router).count() == 1


def test_it_is_registered_as_a_periodic_job():
    from hotspot import periodic

    assert periodic.Periodic("fleet.jobs.check_fleet_drift", "FLEET_DRIFT_INTERVAL_SECONDS",
                             300) \
        in periodic.PERIODIC
