"""Stage 2: probing over TCP against simulated routers, run by a real RQ worker."""

import pytest

from conftest import drain_until
from routers.choices import ProbeOutcome, RouterStatus
from routers.models import ProbeAttempt, Router
from routers.services.onboarding import create_router, issue_new_token, latest_config

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


@pytest.fixture(autouse=True)
def fast_probing(settings):
    settings.PROBE_INTERVAL_SECONDS = 0.3
    settings.PROBE_MAX_ATTEMPTS = 4
    settings.ROUTER_CONNECT_TIMEOUT = 1.0


def add_router(org, sim, name="site-1"):
    router, config = create_router(org, name=name, host=sim.host, api_port=sim.port)
    return router, config


def status_of(router):
    return Router.objects.get(pk=router.pk).status


def test_it_brings_a_router_online_once_the_initial_script_is_applied(acme, routersim):
    sim = routersim(identity="MikroTik", version="7.16")
    router, config = add_router(acme, sim)
    sim.import_script(config.operator_script)
    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)
    router.refresh_from_db()
    assert router.routeros_version.startswith("7.16")
    assert router.model
    assert router.last_seen is not None
    assert sim.identity() == "site-1"
    assert router.events.filter(kind="router_connected").count() == 1


def test_it_ends_connection_failed_after_the_configured_attempts_with_a_wrong_token(
        acme, routersim):
    sim = routersim()
    router, config = add_router(acme, sim)
    sim.import_script(config.operator_script.replace(router.config_token, "not-the-token-" * 3))
    assert drain_until(lambda: status_of(router) == RouterStatus.CONNECTION_FAILED, timeout=30)
    attempts = list(ProbeAttempt.objects.filter(router=router).order_by("number"))
    assert [a.number for a in attempts] == [1, 2, 3, 4]
    assert {a.outcome for a in attempts} == {ProbeOutcome.LOGIN_REFUSED}
    assert "initial script" in attempts[-1].hint


def test_it_ends_connection_failed_for_an_offline_router_and_says_why(acme, routersim):
    sim = routersim()
    router, config = add_router(acme, sim)
    sim.import_script(config.operator_script)
    sim.go_offline()
    assert drain_until(lambda: status_of(router) == RouterStatus.CONNECTION_FAILED, timeout=30)
    last = ProbeAttempt.objects.filter(router=router).first()
    assert last.outcome == ProbeOutcome.REFUSED
    assert "/ip service enable api" in last.hint


def test_it_detects_a_router_that_comes_online_during_probing(acme, routersim, settings):
    settings.PROBE_MAX_ATTEMPTS = 30
    sim = routersim()
    router, config = add_router(acme, sim)
    # First attempts fail: the script is not applied yet.
    assert drain_until(lambda: router.probe_log.count() >= 2, timeout=30)
    assert status_of(router) == RouterStatus.PROBING
    sim.import_script(config.operator_script)
    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)
    outcomes = list(router.probe_log.order_by("number").values_list("outcome", flat=True))
    assert outcomes[-1] == ProbeOutcome.CONNECTED
    assert ProbeOutcome.LOGIN_REFUSED in outcomes[:-1]


def test_it_reports_a_hanging_router_as_a_timeout(acme, routersim):
    sim = routersim()
    router, config = add_router(acme, sim)
    sim.import_script(config.operator_script)
    sim.faults.hang()
    assert drain_until(lambda: status_of(router) == RouterStatus.CONNECTION_FAILED, timeout=60)
    assert router.probe_log.first().outcome == ProbeOutcome.TIMEOUT


def test_a_new_token_stops_the_old_one_working(acme, routersim):
    sim = routersim()
    router, config = add_router(acme, sim)
    sim.import_script(config.operator_script)
    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)
    router.refresh_from_db()
    from routers.services.probing import start_probing

    issue_new_token(router)
    start_probing(Router.objects.get(pk=router.pk), "new token")
    assert drain_until(lambda: router.probe_log.count() >= 3, timeout=30)
    assert router.probe_log.first().outcome == ProbeOutcome.LOGIN_REFUSED
    sim.import_script(latest_config(router, "initial").operator_script)
    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)


def test_it_probes_many_routers_in_one_job(acme, routersim):
    sims = routersim(count=5)
    routers = []
    for i, sim in enumerate(sims):
        router, config = add_router(acme, sim, name=f"many-{i}")
        sim.import_script(config.operator_script)
        routers.append(router)
    from conftest import run_jobs

    run_jobs("router-checks")
    assert all(status_of(r) == RouterStatus.ONLINE for r in routers)


def test_it_names_routeros_too_old_with_the_upgrade_lines(acme, routersim, settings):
    settings.PROBE_MAX_ATTEMPTS = 1
    sim = routersim(version="6.48.6")
    router, config = add_router(acme, sim)
    sim.import_script(config.operator_script)
    assert drain_until(lambda: status_of(router) == RouterStatus.CONNECTION_FAILED, timeout=30)
    attempt = router.probe_log.get()
    assert attempt.outcome == ProbeOutcome.TOO_OLD
    assert "6.48.6" in attempt.error
    assert "/system package update install" in attempt.hint


def test_it_reports_tls_to_a_port_without_tls_as_not_answering(acme, routersim, settings):
    settings.PROBE_MAX_ATTEMPTS = 1
    sim = routersim()
    router, config = create_router(acme, name="tls-1", host=sim.host, api_port=sim.port,
                                   use_tls=True)
    sim.import_script(config.operator_script)
    assert drain_until(lambda: status_of(router) == RouterStatus.CONNECTION_FAILED, timeout=30)
    attempt = router.probe_log.get()
    assert attempt.outcome in (ProbeOutcome.TIMEOUT, ProbeOutcome.TLS)
    assert "api-ssl" in attempt.hint
