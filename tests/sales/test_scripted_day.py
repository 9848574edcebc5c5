"""A day of sales, driven through the real paths (pages, the API, FreeRADIUS with the
simulated router as NAS, the accounting feed, the expiry job), in an organization whose
day is not UTC's: every report and CSV gives exactly the expected figures."""

import csv
import datetime as dt
import io
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import run_jobs
from hotspot import queues
from sales.models import Reseller, VoucherFact
from sales.services import keys
from tests.radius.test_accounting_end_to_end import read_accounting
from vouchers.models import Voucher, VoucherProfile
from vouchers.services import lifecycle
from vouchers.services.generate import generate_batch

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]


def far_zone(now: dt.datetime) -> str:
    """A zone whose date differs from UTC's right now (UTC+13 in UTC's afternoon, UTC-12
    in its morning): a report counting in UTC would put the day's sales on another day."""
    return "Etc/GMT-13" if now.hour >= 12 else "Etc/GMT+12"


def read_csv(client, table, **query):
    response = client.get(f"/sales/{table}.csv", query)
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def figures(row):
    return {k: row[k] for k in ("sold", "revenue", "refunded", "refunds", "net", "activated",
                                "activation_rate", "used_up", "expired_unused", "printed")}


def line(sold=0, revenue="0", refunded=0, refunds="0", net="0", activated=0, rate="",
         used_up=0, expired=0, printed=0):
    return {"sold": str(sold), "revenue": revenue, "refunded": str(refunded),
            "refunds": refunds, "net": net, "activated": str(activated),
            "activation_rate": rate, "used_up": str(used_up), "expired_unused": str(expired),
            "printed": str(printed)}


def test_a_scripted_day_gives_exact_figures_in_every_report_and_csv(
        hotspot_site, acme, alice, alice_client, client):
    zone_name = far_zone(timezone.now())
    assert alice_client.post("/sales/settings/", {"time_zone": zone_name}).status_code == 302
    acme.refresh_from_db()
    assert acme.time_zone == zone_name
    tz = zoneinfo.ZoneInfo(zone_name)
    today = timezone.now().astimezone(tz).date()
    assert today != timezone.now().date()  # the report's day is not UTC's
    tomorrow = today + dt.timedelta(days=1)
    expiry = dt.datetime.combine(tomorrow, dt.time(2), tzinfo=tz)

    day_pass = VoucherProfile.objects.create(
        organization=acme, name="Day pass", data_limit=1_000_000, price=Decimal("100"),
        validity=VoucherProfile.Validity.AFTER_FIRST_USE, validity_seconds=86400)
    fixed = VoucherProfile.objects.create(
        organization=acme, name="Event", price=Decimal("50"),
        validity=VoucherProfile.Validity.FIXED, fixed_expiry=expiry)
    a = generate_batch(acme, day_pass, 10, router=hotspot_site.router,
                       radius_server=hotspot_site.server)
    b = generate_batch(acme, fixed, 2, radius_server=hotspot_site.server)
    run_jobs(queues.RADIUS_SYNC)
    A, B = list(a.vouchers.order_by("pk")), list(b.vouchers.order_by("pk"))

    # Printed (twice: counted once).
    alice_client.get(f"/vouchers/batches/{a.pk}/print/")
    alice_client.get(f"/vouchers/batches/{a.pk}/print/")
    # At the counter: a printed card by its code, then the next voucher of a profile.
    alice_client.post("/sales/sell/", {"card-code": A[0].code})
    page = alice_client.post("/sales/sell/", {"sell-profile": day_pass.pk}).content.decode()
    assert A[1].code in page and "<svg" in page
    alice_client.post("/sales/sell/", {"card-code": B[0].code})
    # Through the API, the request retried with the same Idempotency-Key.
    _, key = keys.create(acme, "website")
    for _ in range(2):
        sold = client.post("/api/v1/sales", {"profile": day_pass.pk},
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_IDEMPOTENCY_KEY="order-1")
        assert sold.json()["code"] == A[2].code
    # Handed to a reseller: three vouchers at 80.
    kiosk = Reseller.objects.create(organization=acme, name="Kiosk")
    alice_client.post(f"/sales/resellers/{kiosk.pk}/",
                      {"hand-batch": a.pk, "hand-count": 3, "hand-price": "80"})
    assert list(VoucherFact.objects.filter(reseller=kiosk).values_list(
        "voucher_id", flat=True).order_by("voucher_id")) == [A[3].pk, A[4].pk, A[5].pk]

    # Activated through RADIUS: first logins, read from the accounting feed; A[0] logs in
    # a second time (a second Accounting-Start) and the feed is read again: still one.
    nas = hotspot_site.sim.nas
    assert nas.login(A[0].code, A[0].password, "AA:BB:CC:00:00:01").accepted
    assert nas.login(A[3].code, A[3].password, "AA:BB:CC:00:00:02").accepted
    read_accounting()
    nas.logout(A[0].code)
    assert nas.login(A[0].code, A[0].password, "AA:BB:CC:00:00:01").accepted
    read_accounting()
    read_accounting()
    assert VoucherFact.objects.filter(kind="activated").count() == 2
    # Used up: A[0] reaches its 1 MB; the router ends the session, accounting says so.
    assert nas.advance(seconds=60, bytes_in=1_200_000, user=A[0].code) == [A[0].code]
    read_accounting()
    run_jobs(queues.RADIUS_SYNC)
    assert Voucher.objects.get(pk=A[0].pk).state == "used_up"
    # Refunded at the counter: the second sale given back (and revoked).
    alice_client.post("/sales/sell/", {"refund-code": A[1].code})
    assert Voucher.objects.get(pk=A[1].pk).state == "revoked"
    # Expired unused: the expiry job, run after the Event vouchers' fixed expiry (the
    # next local day).
    assert lifecycle.expire_vouchers(now=expiry + dt.timedelta(minutes=1)) == 2
    assert lifecycle.expire_vouchers(now=expiry + dt.timedelta(minutes=2)) == 0
    alice_client.post(f"/sales/resellers/{kiosk.pk}/", {"pay-amount": "100"})

    query = {"start": today.isoformat(), "end": tomorrow.isoformat(), "grain": "day"}
    day1 = line(7, "590.00", 1, "100.00", "490.00", 2, "28.6", 1, 0, 10)
    day2 = line(expired=2, rate="")
    assert [figures(r) for r in read_csv(alice_client, "periods", **query)] == [day1, day2]
    assert [r["period"] for r in read_csv(alice_client, "periods", **query)] == [
        today.isoformat(), tomorrow.isoformat()]
    # In UTC the same facts would fall on other days: nothing on the UTC dates alone.
    utc_day = timezone.now().date()
    if utc_day not in (today, tomorrow):
        assert all(r["sold"] == "0" for r in read_csv(
            alice_client, "periods", start=utc_day.isoformat(), end=utc_day.isoformat()))

    def table(name):
        return {r[name]: figures(r) for r in read_csv(alice_client, name, **query)}

    assert table("profile") == {
        "Day pass": line(6, "540.00", 1, "100.00", "440.00", 2, "33.3", 1, 0, 10),
        "Event": line(1, "50.00", 0, "0", "50.00", 0, "0.0", 0, 2, 0),
    }
    assert table("channel") == {
        "Counter": line(3, "250.00", 1, "100.00", "150.00", 1, "33.3"),
        "Reseller": line(3, "240.00", 0, "0", "240.00", 1, "33.3"),
        "API": line(1, "100.00", 0, "0", "100.00", 0, "0.0"),
        "—": line(used_up=1, expired=2, printed=10),
    }
    assert table("reseller") == {
        "Kiosk": line(3, "240.00", 0, "0", "240.00", 1, "33.3"),
        "no reseller": line(4, "350.00", 1, "100.00", "250.00", 1, "25.0", 1, 2, 10),
    }
    assert table("operator") == {
        "alice": line(6, "490.00", 1, "100.00", "390.00", 2, "33.3", 0, 0, 10),
        "nobody (API, system)": line(1, "100.00", 0, "0", "100.00", 0, "0.0", 1, 2, 0),
    }
    assert table("router") == {
        "cafe-1": line(6, "540.00", 1, "100.00", "440.00", 2, "33.3", 1, 0, 10),
        "no router": line(1, "50.00", 0, "0", "50.00", 0, "0.0", 0, 2, 0),
    }
    stock = read_csv(alice_client, "stock", **query)
    assert [(r["age"], r["vouchers"]) for r in stock][0] == ("under 1 day", "3")  # A2, A4, A5
    assert sum(int(r["vouchers"]) for r in stock) == 3

    month = read_csv(alice_client, "periods", start=today.replace(day=1).isoformat(),
                     end=tomorrow.isoformat(), grain="month")
    assert sum(Decimal(r["net"]) for r in month) == Decimal("490.00")
    assert sum(int(r["sold"]) for r in month) == 7

    weeks = read_csv(alice_client, "periods", start=today.isoformat(),
                     end=tomorrow.isoformat(), grain="week")
    monday = today - dt.timedelta(days=today.weekday())
    assert weeks[0]["period"] == monday.isoformat()
    assert (sum(int(r["sold"]) for r in weeks), sum(int(r["expired_unused"]) for r in weeks)
            ) == (7, 2)

    html = alice_client.get("/sales/", query).content.decode()
    assert 'data-total="net"><strong>490.00</strong>' in html
    assert html.count("<svg") >= 3 and "<script" not in html.split("<main>")[1]
    ledger = alice_client.get("/sales/sell/", {"look-code": A[0].code}).content.decode()
    assert re.findall(r'data-fact="(\w+)"', ledger) == ["printed", "sold", "activated",
                                                         "used_up"]
    kiosk_page = alice_client.get(f"/sales/resellers/{kiosk.pk}/").content.decode()
    assert 'data-balance="owed"><strong>140.00</strong>' in kiosk_page
    assert 'data-balance="unused">2<' in kiosk_page
