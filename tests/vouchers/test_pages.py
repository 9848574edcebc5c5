import csv
import io

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from conftest import run_jobs
from hotspot import events, queues
from hotspot.asgi import application
from radius.models import RadiusServer
from vouchers.models import VoucherBatch, VoucherProfile
from vouchers.services.generate import generate_batch
from vouchers.services.sync import publish_progress


@pytest.fixture
def server(acme):
    return RadiusServer.objects.create(organization=acme, name="main", host="h",
                                       nas_secret="s", agent_url="http://127.0.0.1:9/radius/",
                                       agent_token="t")


@pytest.fixture
def profile(acme):
    return VoucherProfile.objects.get(organization=acme, name="1 hour")


@pytest.fixture
def batch(acme, profile, server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # enqueue the sync job
        return generate_batch(acme, profile, 12, radius_server=server, separate_password=True,
                              login_url="http://hotspot.acme/login")


def generate(client, **data):
    return client.post("/vouchers/batches/new/", {
        "code_length": 8, "alphabet": "upper", "login_url": "http://hotspot.lan/login", **data,
    })


def test_it_generates_from_the_page_and_answers_at_once(alice_client, profile, server):
    response = generate(alice_client, profile=profile.pk, radius_server=server.pk, count=25)

    batch = VoucherBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/vouchers/batches/{batch.pk}/"
    page = alice_client.get(response["Location"]).content.decode()
    assert f'ws-connect="/ws/batches/{batch.pk}/"' in page
    assert "25 pending" in page


@pytest.mark.parametrize("count, message", [(0, "greater than or equal to 1"),
                                            (10**9, "At most 100,000")])
def test_it_refuses_counts_out_of_range_with_a_message(alice_client, profile, server, count,
                                                       message):
    response = generate(alice_client, profile=profile.pk, radius_server=server.pk, count=count)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not VoucherBatch.objects.exists()


def test_it_refuses_an_unknown_or_foreign_profile(alice_client, server, other_org):
    foreign = VoucherProfile.objects.filter(organization=other_org).first()
    for profile_id in (foreign.pk, 999999):
        response = generate(alice_client, profile=profile_id, radius_server=server.pk, count=5)
        assert "Select a valid choice" in response.content.decode()
    assert not VoucherBatch.objects.exists()


def test_it_answers_the_polling_fallback_with_286_when_done(alice_client, batch):
    url = f"/vouchers/batches/{batch.pk}/progress/"
    response = alice_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and b'hx-trigger="every 3s"' in response.content

    run_jobs(queues.RADIUS_SYNC)  # the agent is down: all end failed, the sync is over
    response = alice_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 286
    assert b"12 failed" in response.content


def test_it_exports_a_streamed_csv_with_passwords(alice_client, batch):
    response = alice_client.get(f"/vouchers/batches/{batch.pk}/vouchers.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["code", "password", "profile"]
    assert {(r[0], r[1]) for r in rows[1:]} == set(batch.vouchers.values_list("code", "password"))


def test_it_prints_cards_with_local_qr_codes_opening_the_login(alice_client, batch):
    page = alice_client.get(f"/vouchers/batches/{batch.pk}/print/?anyway=1").content.decode()
    voucher = batch.vouchers.first()
    assert page.count('class="voucher-card"') == 12
    assert page.count("<svg") == 12
    assert voucher.code in page and voucher.password in page and "0.50" in page
    assert "https://" not in page.split("<body", 1)[1]  # no external QR service


def test_it_warns_before_printing_vouchers_that_are_not_in_radius(alice_client, batch):
    page = alice_client.get(f"/vouchers/batches/{batch.pk}/print/").content.decode()
    assert 'class="voucher-card"' not in page
    assert "12 of 12 vouchers are not in RADIUS yet (still syncing)" in page
    assert "Print all 12 anyway" in page

    batch.vouchers.filter(pk__in=batch.vouchers.order_by("pk")[:5].values("pk")).update(
        radius_sync_status="synced")
    batch.vouchers.filter(radius_sync_status="pending").update(radius_sync_status="failed")
    page = alice_client.get(f"/vouchers/batches/{batch.pk}/print/").content.decode()
    assert "7 of 12 vouchers are not in RADIUS (7 failed)" in page
    sheet = alice_client.get(f"/vouchers/batches/{batch.pk}/print/?only=synced").content.decode()
    assert sheet.count('class="voucher-card"') == 5


def test_it_filters_and_paginates_the_vouchers(alice_client, batch):
    code = batch.vouchers.first().code
    response = alice_client.get(f"/vouchers/batches/{batch.pk}/", {"q": code},
                                headers={"HX-Request": "true", "HX-Target": "voucher-table"})
    assert response.content.decode().count("<code>") == 2  # its code and its password
    assert b"<html" not in response.content


def test_it_asks_before_revoking_and_revokes_on_post(alice_client, batch):
    confirm = alice_client.get(f"/vouchers/batches/{batch.pk}/revoke/confirm/")
    assert b"cannot be undone" in confirm.content
    assert alice_client.get(f"/vouchers/batches/{batch.pk}/revoke/").status_code == 405

    alice_client.post(f"/vouchers/batches/{batch.pk}/revoke/")
    assert set(batch.vouchers.values_list("state", "radius_sync_status")) == {
        ("revoked", "pending")
    }


@pytest.mark.parametrize("suffix", ["", "progress/", "vouchers.csv", "print/",
                                    "revoke/confirm/"])
def test_it_gives_404_for_another_organizations_batch(bob_client, batch, suffix):
    assert bob_client.get(f"/vouchers/batches/{batch.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("action", ["retry", "revoke", "verify"])
def test_it_gives_404_for_actions_on_another_organizations_batch(bob_client, batch, action):
    assert bob_client.post(f"/vouchers/batches/{batch.pk}/{action}/").status_code == 404
    assert set(batch.vouchers.values_list("state", flat=True)) == {"unused"}


async def _connect(path, user):
    def session_cookie():
        c = Client()
        c.force_login(user)
        return c.cookies["sessionid"].value

    cookie = await sync_to_async(session_cookie)()
    communicator = WebsocketCommunicator(application, path, headers=[
        (b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())])
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.mark.django_db(transaction=True)
async def test_it_pushes_progress_over_the_websocket_and_refuses_other_organizations(
    alice, bob, acme
):
    def make():
        profile = VoucherProfile.objects.filter(organization=acme).first()
        server = RadiusServer.objects.create(organization=acme, name="m", host="h",
                                             nas_secret="s", agent_url="http://h/",
                                             agent_token="t")
        return generate_batch(acme, profile, 3, radius_server=server)

    batch = await sync_to_async(make)()
    path = f"/ws/batches/{batch.pk}/"
    _, connected, code = await _connect(path, bob)
    assert (connected, code) == (False, 4404)

    communicator, connected, _ = await _connect(path, alice)
    assert connected
    await sync_to_async(publish_progress)(batch)
    html = await communicator.receive_from(timeout=3)
    assert f'id="batch-{batch.pk}-progress"' in html and 'hx-swap-oob="true"' in html
    assert events.batch_group(acme.pk, batch.pk)
    await communicator.disconnect()
