"""A Disconnect that really disconnects: RADIUS Disconnect-Request from the agent, checked
on the router through its API, removal through the API when the router did not."""

import pytest

from accounting.models import Disconnect, Session
from conftest import run_jobs
from hotspot import queues
from tests.radius.test_accounting_end_to_end import read_accounting
from vouchers.models import Voucher, VoucherProfile
from vouchers.services.generate import generate_batch
from vouchers.services.lifecycle import expire_vouchers, revoke_voucher

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def online(hotspot_site):
    """A voucher logged in on the router, the product reading its accounting."""
    profile = VoucherProfile.objects.create(organization=hotspot_site.server.organization,
                                            name="day", time_limit=86400, shared_users=1)
    batch = generate_batch(profile.organization, profile, 1, radius_server=hotspot_site.server)
    run_jobs(queues.RADIUS_SYNC)
    voucher = batch.vouchers.get()
    assert hotspot_site.sim.nas.login(voucher.code, voucher.password, "AA:BB:CC:00:00:51"
                                      ).accepted
    read_accounting()
    return voucher, Session.objects.get(username=voucher.code)


def router_lists(site, code) -> bool:
    return site.sim.item("/ip/hotspot/active", user=code) is not None


def test_disconnect_from_the_ui_is_acked_and_the_session_is_gone_everywhere(
        hotspot_site, online, alice_client):
    voucher, session = online

    button = alice_client.post(f"/sessions/{session.pk}/disconnect/", headers={"HX-Request": "true"})
    assert b"disconnecting" in button.content
    run_jobs()

    record = Disconnect.objects.get(session=session)
    assert (record.status, record.radius_answer, record.method) == ("done", "Disconnect-ACK",
                                                                     "radius")
    assert "gone from the router" in record.message
    assert not router_lists(hotspot_site, voucher.code)
    assert hotspot_site.sim.nas.received()[-1] == ("disconnect", {
        "user": voucher.code, "session_id": session.session_id, "address": session.ip})
    session.refresh_from_db()
    assert not session.online and session.terminate_cause == "Admin-Reset"
    assert voucher.code not in alice_client.get("/sessions/").content.decode()
    page = alice_client.get(f"/vouchers/v/{voucher.pk}/").content.decode()
    assert "Disconnect-ACK" in page and "gone from the router" in page


def test_an_acked_disconnect_that_leaves_the_client_online_is_removed_through_the_api(
        hotspot_site, online, alice_client):
    voucher, session = online
    hotspot_site.sim.nas.fault(ack_without_disconnect=True)  # what peers' users report

    alice_client.post(f"/sessions/{session.pk}/disconnect/")
    run_jobs()

    record = Disconnect.objects.get(session=session)
    assert (record.status, record.radius_answer, record.method) == ("done", "Disconnect-ACK",
                                                                     "api")
    assert "still listed after the acknowledgement" in record.message
    assert "removed through the API" in record.message
    assert not router_lists(hotspot_site, voucher.code)
    session.refresh_from_db()
    assert not session.online  # the router sent its Stop when the row was removed


def test_a_router_that_ignores_disconnect_requests_is_handled_through_the_api(
        hotspot_site, online):
    voucher, session = online
    hotspot_site.sim.nas.fault(ignore_incoming=True)
    from accounting.services.disconnect import request_disconnect

    request_disconnect(session)
    run_jobs()

    record = Disconnect.objects.get(session=session)
    assert (record.status, record.radius_answer, record.method) == ("done", "no answer", "api")
    assert not router_lists(hotspot_site, voucher.code)


def test_a_voucher_revoked_while_online_is_kicked(hotspot_site, online):
    voucher, session = online

    revoke_voucher(voucher)
    run_jobs()  # the sync removes it from RADIUS, the disconnect ends the session

    assert not router_lists(hotspot_site, voucher.code)
    record = Disconnect.objects.get(session=session)
    assert (record.reason, record.status) == ("revoked", "done")
    assert not hotspot_site.sim.nas.login(voucher.code, voucher.password).accepted


def test_an_expired_voucher_is_kicked(hotspot_site, online):
    voucher, session = online
    from django.utils import timezone

    Voucher.objects.filter(pk=voucher.pk).update(expires_at=timezone.now())
    assert expire_vouchers() == 1
    run_jobs()

    assert not router_lists(hotspot_site, voucher.code)
    assert Disconnect.objects.get(session=session).reason == "expired"


def test_bob_cannot_disconnect_alices_session(online, bob_client):
    _, session = online
    assert bob_client.post(f"/sessions/{session.pk}/disconnect/").status_code == 404
    assert not Disconnect.objects.exists()
