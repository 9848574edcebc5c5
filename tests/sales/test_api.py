"""/api/v1/: keys per organization, hashed, revocable; idempotent sales; isolation."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from sales.models import ApiKey, VoucherFact
from sales.services import keys

pytestmark = pytest.mark.django_db(transaction=True)


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def sell(client, key, profile_id, idem=None):
    headers = bearer(key)
    if idem:
        headers["HTTP_IDEMPOTENCY_KEY"] = idem
    return client.post("/api/v1/sales", data={"profile": profile_id},
                       content_type="application/json", **headers)


def test_a_key_is_made_in_the_ui_shown_once_and_stored_hashed(alice_client, acme):
    page = alice_client.post("/sales/api-keys/", {"name": "website"})
    html = page.content.decode()
    key = html.split('<pre>')[1].split("</pre>")[0]
    assert key.startswith("hsk_") and page["Cache-Control"] == "no-store"
    row = ApiKey.objects.get(organization=acme)
    assert row.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiKey.objects.values_list().get())
    assert key not in alice_client.get("/sales/api-keys/").content.decode()


def test_sell_returns_code_password_qr_and_expiry_rules(client, stocked, acme):
    _, key = keys.create(acme, "shop")
    response = sell(client, key, stocked.profile.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    voucher = stocked.vouchers[0]
    assert (body["code"], body["password"]) == (voucher.code, voucher.password)
    assert body["qr_svg"].startswith("<svg") and body["profile"]["price"] == "100.00"
    assert body["profile"]["expiry"]["validity"] == stocked.profile.validity
    assert body["sale"]["channel"] == "api"
    assert VoucherFact.objects.get(kind="sold").api_key.name == "shop"

    looked = client.get(f"/api/v1/vouchers/{voucher.code}", **bearer(key)).json()
    assert looked["sale"]["id"] == body["sale"]["id"] and looked["state"] == "unused"
    now = timezone.now()
    listed = client.get("/api/v1/sales", {"from": (now - dt.timedelta(hours=1)).isoformat(),
                                          "to": (now + dt.timedelta(hours=1)).isoformat()},
                        **bearer(key)).json()
    assert [s["code"] for s in listed["sales"]] == [voucher.code]


def test_a_replayed_idempotency_key_returns_the_first_sale(client, stocked, acme):
    _, key = keys.create(acme, "shop")
    first = sell(client, key, stocked.profile.pk, idem="order-77")
    again = sell(client, key, stocked.profile.pk, idem="order-77")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["code"] == first.json()["code"]
    assert again.json()["sale"]["id"] == first.json()["sale"]["id"]
    assert VoucherFact.objects.filter(kind="sold").count() == 1
    other = sell(client, key, stocked.profile.pk, idem="order-78")
    assert other.json()["code"] != first.json()["code"]
    assert VoucherFact.objects.filter(kind="sold").count() == 2


def test_a_key_of_one_organization_cannot_see_or_sell_anothers(client, stocked, other_org):
    from vouchers.models import VoucherProfile

    _, key = keys.create(other_org, "theirs")
    voucher = stocked.vouchers[0]
    assert sell(client, key, stocked.profile.pk).status_code == 404
    assert client.get(f"/api/v1/vouchers/{voucher.code}", **bearer(key)).status_code == 404
    names = [p["name"] for p in client.get("/api/v1/profiles", **bearer(key)).json()["profiles"]]
    assert set(names) == set(VoucherProfile.objects.filter(organization=other_org)
                             .values_list("name", flat=True))
    assert stocked.profile.pk not in [p["id"] for p in client.get(
        "/api/v1/profiles", **bearer(key)).json()["profiles"]]
    assert not VoucherFact.objects.filter(kind="sold").exists()


def test_revoked_unknown_or_missing_keys_get_401_and_sell_nothing(client, stocked, acme,
                                                                  alice_client):
    row, key = keys.create(acme, "shop")
    alice_client.post(f"/sales/api-keys/{row.pk}/revoke/")
    assert sell(client, key, stocked.profile.pk).status_code == 401
    assert sell(client, "hsk_" + "x" * 43, stocked.profile.pk).status_code == 401
    assert client.get("/api/v1/profiles").status_code == 401
    assert not VoucherFact.objects.filter(kind="sold").exists()


def test_bad_requests_get_clear_errors(client, stocked, acme):
    _, key = keys.create(acme, "shop")
    bad = client.post("/api/v1/sales", data="{", content_type="application/json",
                      **bearer(key))
    assert bad.status_code == 400 and bad.json()["error"]
    assert sell(client, key, "7").status_code == 400
    assert client.get("/api/v1/sales", {"from": "yesterday"}, **bearer(key)).status_code == 400
    assert not VoucherFact.objects.exists()


def test_the_openapi_description_is_served(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.") and "/sales" in doc["paths"]
    assert "Idempotency-Key" in str(doc["paths"]["/sales"]["post"]["parameters"])


def test_a_csv_with_a_bad_range_is_refused_clearly(alice_client, acme):
    bad = alice_client.get("/sales/periods.csv", {"start": "2026-02-01", "end": "2026-01-01"})
    assert bad.status_code == 400 and b"before" in bad.content
    assert alice_client.get("/sales/nothing.csv").status_code == 404


def test_sales_in_a_range_accept_an_unencoded_plus_in_the_offset(client, stocked, acme):
    _, key = keys.create(acme, "shop")
    code = sell(client, key, stocked.profile.pk).json()["code"]
    now = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=3)))
    start = (now - dt.timedelta(hours=1)).replace(microsecond=0).isoformat()
    end = (now + dt.timedelta(hours=1)).replace(microsecond=0).isoformat()
    assert "+03:00" in start
    listed = client.get(f"/api/v1/sales?from={start}&to={end}", **bearer(key))
    assert [s["code"] for s in listed.json()["sales"]] == [code]
    empty = client.get("/api/v1/sales", {"from": end, "to": (now + dt.timedelta(hours=2))
                                         .isoformat()}, **bearer(key))
    assert empty.json()["sales"] == []


def test_operators_see_and_change_only_their_organizations_resellers_and_keys(
        acme, bob_client):
    from sales.models import Reseller

    kiosk = Reseller.objects.create(organization=acme, name="Kiosk")
    row, key = keys.create(acme, "shop")
    assert bob_client.get(f"/sales/resellers/{kiosk.pk}/").status_code == 404
    assert bob_client.post(f"/sales/api-keys/{row.pk}/revoke/").status_code == 404
    assert "Kiosk" not in bob_client.get("/sales/resellers/").content.decode()
    assert row.prefix not in bob_client.get("/sales/api-keys/").content.decode()
    assert keys.authenticate(key) is not None


def test_the_same_idempotency_key_sent_at_once_sells_one_voucher(stocked, acme):
    """Eight requests with one key at the same moment, each on its own connection."""
    import threading

    from django.db import connection

    from sales.services import selling

    row, _ = keys.create(acme, "shop")
    start, results, errors = threading.Barrier(8), [], []

    def buy():
        try:
            start.wait()
            voucher, fact, _replayed = selling.sell_api(row, stocked.profile, "same-key")
            results.append((voucher.code, fact.pk))
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(set(results)) == 1 and len(results) == 8
    assert VoucherFact.objects.filter(kind="sold").count() == 1
