"""A session the router dropped without its Stop is closed by the reconciler, usage kept."""

import pytest

from accounting.models import Session
from conftest import run_jobs
from hotspot import queues
from hotspot.jobs import enqueue
from tests.radius.test_accounting_end_to_end import read_accounting
from vouchers.models import VoucherProfile
from vouchers.services.generate import generate_batch

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]
MiB = 2**20


@pytest.fixture
def voucher(hotspot_site, settings):
    settings.ACCOUNTING_RECONCILE_GRACE_SECONDS = 0
    profile = VoucherProfile.objects.create(organization=hotspot_site.server.organization,
                                            name="hour", time_limit=3600, shared_users=1)
    batch = generate_batch(profile.organization, profile, 1, radius_server=hotspot_site.server)
    run_jobs(queues.RADIUS_SYNC)
    return batch.vouchers.get()


def reconcile():
    from accounting.jobs import reconcile_sessions

    enqueue(reconcile_sessions)
    run_jobs()


def test_a_session_dropped_without_a_stop_is_closed_and_its_usage_kept(hotspot_site, voucher,
                                                                       alice_client):
    nas = hotspot_site.sim.nas
    assert nas.login(voucher.code, voucher.password, "AA:BB:CC:00:00:31").accepted
    nas.advance(seconds=600, bytes_in=2 * MiB, bytes_out=6 * MiB)
    assert nas.vanish(voucher.code) == 1  # gone from the router, no Stop sent
    read_accounting()
    assert Session.objects.get(username=voucher.code).online  # the zombie
    # Simultaneous-Use = 1: the zombie keeps the voucher out.
    assert not nas.login(voucher.code, voucher.password, "AA:BB:CC:00:00:31").accepted

    reconcile()

    session = Session.objects.get(username=voucher.code)
    assert not session.online and session.terminate_cause == "Stale-Session"
    assert (session.seconds, session.bytes_in, session.bytes_out) == (600, 2 * MiB, 6 * MiB)
    assert session.stopped_at == session.updated_at  # stopped at its last update
    assert voucher.code not in alice_client.get("/sessions/").content.decode()
    # The slot is free again, and the history still counts: 50 minutes are left.
    again = nas.login(voucher.code, voucher.password, "AA:BB:CC:00:00:31")
    assert again.accepted and again.reply["Session-Timeout"] == 3000


def test_sessions_the_router_still_lists_are_left_open(hotspot_site, voucher):
    assert hotspot_site.sim.nas.login(voucher.code, voucher.password).accepted
    read_accounting()

    reconcile()

    assert Session.objects.get(username=voucher.code).online


def test_an_unreachable_router_closes_nothing(hotspot_site, voucher):
    assert hotspot_site.sim.nas.login(voucher.code, voucher.password).accepted
    hotspot_site.sim.nas.vanish(voucher.code)
    read_accounting()
    hotspot_site.sim.go_offline()

    reconcile()

    assert Session.objects.get(username=voucher.code).online
