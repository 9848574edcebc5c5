"""Who is online and what each voucher used, end to end: a client logs in on the simulated
router (the NAS), FreeRADIUS on the shipped configuration writes accounting, the agent
hands it out, the product's periodic job reads it."""

import pytest

from accounting.models import DailyUsage, Session
from conftest import run_jobs
from hotspot import queues
from vouchers.models import Voucher, VoucherProfile
from vouchers.services.generate import generate_batch

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]
MiB = 2**20


@pytest.fixture
def voucher(hotspot_site):
    profile = VoucherProfile.objects.create(
        organization=hotspot_site.server.organization, name="hour 1G", time_limit=3600,
        data_limit=1024 * MiB, shared_users=1, validity_seconds=86400)
    batch = generate_batch(profile.organization, profile, 1, radius_server=hotspot_site.server)
    run_jobs(queues.RADIUS_SYNC)
    return batch.vouchers.get()


def read_accounting():
    """What the scheduler does every ACCOUNTING_PULL_SECONDS, run by a real worker."""
    from accounting.jobs import pull_all_accounting
    from hotspot.jobs import enqueue

    enqueue(pull_all_accounting)
    run_jobs()  # the periodic job enqueues one pull per server; the same burst runs it


def test_a_client_shows_online_with_its_mac_and_usage_moves_with_interim_updates(
        hotspot_site, voucher, alice_client):
    nas = hotspot_site.sim.nas
    assert nas.login(voucher.code, voucher.password, "3A:BB:CC:00:00:42").accepted
    read_accounting()

    page = alice_client.get("/sessions/").content.decode()
    assert voucher.code in page and "3A:BB:CC:00:00:42" in page
    assert ">random<" in page  # 0x3A: a locally administered address
    assert alice_client.get(f"/sessions/?router={hotspot_site.router.pk}").content.decode(
    ).count(voucher.code) == 1
    session = Session.objects.get(username=voucher.code)
    assert (session.router, session.voucher_id, session.online) == (hotspot_site.router,
                                                                     voucher.pk, True)
    voucher.refresh_from_db()
    assert voucher.state == Voucher.State.ACTIVE and voucher.first_used_at

    nas.advance(seconds=300, bytes_in=10 * MiB, bytes_out=30 * MiB)  # one interim update
    read_accounting()
    session.refresh_from_db()
    assert (session.seconds, session.bytes_in, session.bytes_out) == (300, 10 * MiB, 30 * MiB)
    detail = alice_client.get(f"/vouchers/v/{voucher.pk}/").content.decode()
    assert "5m 00s" in detail and "55m 00s" in detail  # used, and left of the hour
    assert "984.0\xa0MB" in detail  # 1 GiB - 40 MiB left
    assert "10.0\xa0MB up / 30.0\xa0MB down" in detail

    nas.logout(voucher.code)
    read_accounting()
    session.refresh_from_db()
    assert not session.online and session.terminate_cause == "User-Request"
    assert voucher.code not in alice_client.get("/sessions/").content.decode()
    day, = DailyUsage.objects.filter(username=voucher.code)
    assert (day.sessions, day.seconds, day.bytes_in, day.bytes_out) == (1, 300, 10 * MiB,
                                                                        30 * MiB)


def test_bob_sees_none_of_alices_sessions(hotspot_site, voucher, bob_client):
    assert hotspot_site.sim.nas.login(voucher.code, voucher.password).accepted
    read_accounting()
    assert Session.objects.filter(username=voucher.code).exists()

    assert voucher.code not in bob_client.get("/sessions/").content.decode()
    assert bob_client.get(f"/vouchers/v/{voucher.pk}/").status_code == 404
    assert bob_client.get(f"/sessions/?router={hotspot_site.router.pk}").status_code == 404


def test_a_used_up_voucher_is_marked_used_up_and_removed_from_radius(hotspot_site, voucher):
    nas = hotspot_site.sim.nas
    assert nas.login(voucher.code, voucher.password).accepted
    assert nas.advance(seconds=3600) == [voucher.code]  # the router ends it at the hour
    read_accounting()
    run_jobs(queues.RADIUS_SYNC)

    voucher.refresh_from_db()
    assert voucher.state == Voucher.State.USED_UP
    assert voucher.radius_sync_status == Voucher.SyncStatus.SYNCED  # i.e. gone from RADIUS
    again = nas.login(voucher.code, voucher.password)
    assert not again.accepted
