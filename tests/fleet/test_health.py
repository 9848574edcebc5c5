"""Fleet health checks over TCP against simulated routers, run by a real RQ worker."""

import pytest

from conftest import run_periodic
from fleet.jobs import check_fleet_health
from routers.choices import RouterStatus
from routers.models import Router

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


@pytest.fixture(autouse=True)
def fast_checks(settings):
    settings.FLEET_HEALTH_TIMEOUT = 1.0
    settings.FLEET_OFFLINE_AFTER_MISSED = 1


def routers_for(org, sims, status=RouterStatus.ONLINE):
    """Router rows for simulated routers, created directly (as an existing fleet would be)."""
    rows = [Router(organization=org, name=f"fleet-{i}", host=s.host, api_port=s.port,
                   api_username="admin", config_token="", status=status)
            for i, s in enumerate(sims)]
    return Router.objects.bulk_create(rows)


def run_health_check():
    """Submit the periodic job as the scheduler does and let a real worker run it."""
    return run_periodic(check_fleet_health)


def statuses():
    return dict(Router.objects.values_list("pk", "status"))


def test_it_marks_exactly_the_dead_routers_offline_among_1000(acme, routersim):
    sims = routersim(count=1000)
    routers = routers_for(acme, sims)
    refusing, hanging = list(range(0, 1000, 40)), list(range(20, 1000, 40))
    for i in refusing:
        sims[i].go_offline()
    for i in hanging:
        sims[i].faults.hang()
    dead = {routers[i].pk for i in refusing + hanging}

    report = run_health_check()

    assert report["checked"] == 1000
    assert (report["answered"], report["went_offline"]) == (950, 50)
    now = statuses()
    assert {pk for pk, s in now.items() if s == RouterStatus.OFFLINE} == dead
    assert all(s == RouterStatus.ONLINE for pk, s in now.items() if pk not in dead)
    assert Router.objects.filter(last_seen__isnull=False).count() == 950
    # 25 hanging routers at 1 s each, checked one after another, would take 25 s; they
    # are checked side by side, so the whole run costs a few timeouts (a bound, not a
    # speed goal: those live in bench/bench_fleet.py).
    assert report["seconds"] < 15


def test_it_waits_for_the_configured_missed_checks_before_offline(acme, routersim, settings):
    settings.FLEET_OFFLINE_AFTER_MISSED = 2
    sim = routersim()
    [router] = routers_for(acme, [sim])
    sim.go_offline()
    run_health_check()
    router.refresh_from_db()
    assert (router.status, router.missed_checks) == (RouterStatus.ONLINE, 1)
    run_health_check()
    router.refresh_from_db()
    assert (router.status, router.missed_checks) == (RouterStatus.OFFLINE, 2)
    assert "no answer to 2 health checks" in router.events.first().message


def test_it_brings_a_deployed_router_back_to_active(acme, routersim):
    sim = routersim()
    [router] = routers_for(acme, [sim])
    router.set_status(RouterStatus.PROVISIONING, "deploy")
    router.set_status(RouterStatus.ACTIVE, "deployed")
    sim.go_offline()
    run_health_check()
    router.refresh_from_db()
    assert router.status == RouterStatus.OFFLINE
    sim.come_online()
    report = run_health_check()
    router.refresh_from_db()
    assert router.status == RouterStatus.ACTIVE
    assert report["came_back"] == 1
    assert router.missed_checks == 0


def test_it_brings_a_router_never_deployed_back_to_online(acme, routersim):
    sim = routersim()
    [router] = routers_for(acme, [sim], status=RouterStatus.OFFLINE)
    report = run_health_check()
    router.refresh_from_db()
    assert router.status == RouterStatus.ONLINE
    assert report["came_back"] == 1


def test_it_leaves_routers_that_are_not_expected_to_answer_alone(acme, routersim):
    sim = routersim()
    sim.go_offline()
    [router] = routers_for(acme, [sim], status=RouterStatus.PROVISIONING)
    report = run_health_check()
    router.refresh_from_db()
    assert report["checked"] == 0
    assert router.status == RouterStatus.PROVISIONING


def test_it_is_registered_as_a_periodic_job():
    from hotspot import periodic

    assert periodic.Periodic("fleet.jobs.check_fleet_health", "FLEET_HEALTH_INTERVAL_SECONDS",
                             60) \
        in periodic.PERIODIC
