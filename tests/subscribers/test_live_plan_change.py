"""A plan change on an online subscriber reaches its session on the router: CoA with the
new Mikrotik-Rate-Limit (RouterOS applies it to a live PPP session), else a disconnect;
both recorded on the subscriber's history. The whole chain runs: FreeRADIUS on the shipped
configuration, the agent (live_server), a simulated router deployed by the product with
PPPoE on RADIUS as the NAS, real workers."""

import pytest

from accounting.models import Disconnect, Session
from conftest import run_jobs
from hotspot import queues
from subscribers.models import Event
from subscribers.services import lifecycle
from tests.radius.test_accounting_end_to_end import read_accounting
from tests.subscribers.helpers import plan

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]


def rates_on_router(site) -> list[str]:
    return [s["rate_limit"] for s in site.sim.nas.sessions() if s["kind"] == "ppp"]


@pytest.fixture
def online_subscriber(hotspot_site, acme):
    slow = plan(acme, name="slow", rate="1M/5M", pool="pppoe-pool")
    sub = lifecycle.create_subscriber(acme, username="o'neil$", password="pw'1",
                                      plan=slow, radius_server=hotspot_site.server,
                                      router=hotspot_site.router)
    run_jobs(queues.RADIUS_SYNC)
    result = hotspot_site.sim.nas.login("o'neil$", "pw'1", "AA:BB:CC:00:00:77", kind="ppp")
    assert result.accepted, hotspot_site.freeradius.output()[-2000:]
    assert rates_on_router(hotspot_site) == ["1M/5M"]
    read_accounting()
    assert Session.objects.get(username="o'neil$").online
    return sub


def test_a_plan_change_reaches_the_online_session_by_coa(hotspot_site, acme, alice,
                                                         online_subscriber):
    sub = online_subscriber
    fast = plan(acme, name="fast", rate="4M/20M 8M/40M 2M/10M 16/16", pool="pppoe-pool")
    assert lifecycle.change_plan(sub, fast, alice)
    run_jobs()
    assert rates_on_router(hotspot_site) == ["4M/20M 8M/40M 2M/10M 16/16"]
    assert hotspot_site.sim.nas.received()[-1][0] == "coa"
    coa = Event.objects.get(subscriber=sub, kind="coa")
    assert "CoA-ACK" in coa.message and "4M/20M" in coa.message
    assert Event.objects.filter(subscriber=sub, kind="plan_changed", actor=alice).exists()
    assert not Disconnect.objects.exists()


def test_where_coa_does_not_apply_the_session_is_disconnected(hotspot_site, acme,
                                                              online_subscriber):
    sub = online_subscriber
    hotspot_site.sim.nas.fault(ignore_incoming=True)  # no answer to CoA nor Disconnect
    fast = plan(acme, name="fast", rate="4M/20M", pool="pppoe-pool")
    assert lifecycle.change_plan(sub, fast)
    run_jobs()
    event = Event.objects.get(subscriber=sub, kind="disconnect")
    assert "CoA not applied (no answer)" in event.message
    record = Disconnect.objects.get()
    assert (record.status, record.method) == ("done", "api")  # the API fallback
    assert rates_on_router(hotspot_site) == []  # gone: the next login gets the new plan
    assert hotspot_site.sim.nas.login("o'neil$", "pw'1", "AA:BB:CC:00:00:77",
                                      kind="ppp").accepted
    assert rates_on_router(hotspot_site) == ["4M/20M"]


def test_suspending_an_online_subscriber_disconnects_it(hotspot_site, acme,
                                                        online_subscriber):
    sub = online_subscriber
    lifecycle.suspend(sub, reason="unpaid")
    run_jobs()
    assert rates_on_router(hotspot_site) == []
    assert Disconnect.objects.get().status == "done"
    assert not hotspot_site.sim.nas.login("o'neil$", "pw'1", "AA:BB:CC:00:00:77",
                                          kind="ppp").accepted
    assert list(Event.objects.filter(subscriber=sub).order_by("at", "id")
                .values_list("kind", flat=True)) == ["created", "suspended", "disconnect"]
