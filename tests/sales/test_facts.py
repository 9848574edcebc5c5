"""Facts are recorded once, whatever calls them again, and the roll-up counts each once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from sales.models import DailySales, SoldStock, VoucherFact
from sales.services import facts, rollup, selling
from vouchers.models import Voucher
from vouchers.services import lifecycle

pytestmark = pytest.mark.django_db(transaction=True)
Kind = VoucherFact.Kind


def rollup_rows(org):
    return sorted(DailySales.objects.filter(organization=org).values_list(
        "day", "kind", "channel", "profile_id", "router_id", "operator_id", "reseller_id",
        "count", "amount"))


def test_printing_twice_records_one_printed_fact(stocked, alice_client):
    first = alice_client.get(f"/vouchers/batches/{stocked.batch.pk}/print/")
    again = alice_client.get(f"/vouchers/batches/{stocked.batch.pk}/print/")
    assert first.status_code == again.status_code == 200
    assert VoucherFact.objects.filter(kind=Kind.PRINTED).count() == 12
    assert DailySales.objects.get(kind="printed").count == 12


def test_the_same_activation_reported_twice_counts_once(stocked, alice):
    voucher = stocked.vouchers[0]
    selling.sell_code(voucher.organization, voucher.code, by=alice)
    at = timezone.now()
    assert facts.activated({voucher.pk: at}) == 1
    assert facts.activated({voucher.pk: at + dt.timedelta(minutes=5)}) == 0
    assert VoucherFact.objects.filter(voucher=voucher, kind=Kind.ACTIVATED).count() == 1
    assert DailySales.objects.get(kind="activated").count == 1
    assert DailySales.objects.get(kind="cohort_activated").count == 1
    assert not SoldStock.objects.exists()


def test_a_voucher_is_sold_once(stocked, alice):
    voucher = stocked.vouchers[0]
    selling.sell_code(voucher.organization, voucher.code, by=alice)
    with pytest.raises(selling.SaleError):
        selling.sell_code(voucher.organization, voucher.code, by=alice)
    assert facts.sold([voucher], "counter") == []  # a retried call adds nothing
    assert DailySales.objects.get(kind="sold").amount == Decimal("100.00")


def test_expiry_records_expired_unused_only_for_unused_vouchers_and_revoke_its_fact(
        stocked, acme):
    unused, used, revoked = stocked.vouchers[:3]
    facts.activated({used.pk: timezone.now()})
    Voucher.objects.filter(pk=used.pk).update(state="active")
    lifecycle.revoke_voucher(revoked)
    Voucher.objects.filter(pk__in=[unused.pk, used.pk]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert lifecycle.expire_vouchers() == 2
    assert lifecycle.expire_vouchers() == 0
    assert list(VoucherFact.objects.filter(kind=Kind.EXPIRED_UNUSED).values_list(
        "voucher_id", flat=True)) == [unused.pk]
    assert list(VoucherFact.objects.filter(kind=Kind.REVOKED).values_list(
        "voucher_id", flat=True)) == [revoked.pk]


def test_rebuild_gives_the_roll_up_counted_as_facts_came(stocked, acme, alice):
    from sales.models import Reseller

    v = stocked.vouchers
    selling.sell_code(acme, v[0].code, by=alice)
    selling.sell_one(acme, stocked.profile, "counter", by=alice)
    reseller = Reseller.objects.create(organization=acme, name="Kiosk")
    selling.hand_to_reseller(stocked.batch, reseller, 3, Decimal("80"), by=alice)
    facts.activated({v[0].pk: timezone.now(), v[2].pk: timezone.now()})
    selling.refund(v[1], by=alice)
    before = rollup_rows(acme)
    stock_before = sorted(SoldStock.objects.values_list("voucher_id", flat=True))
    rollup.rebuild(acme.pk)
    assert rollup_rows(acme) == before
    assert sorted(SoldStock.objects.values_list("voucher_id", flat=True)) == stock_before
    assert len(stock_before) == 2  # 5 sold: 2 activated, 1 refunded


def test_selling_finds_older_unsold_vouchers_after_a_newer_one_was_sold(stocked, acme,
                                                                         alice):
    last = stocked.vouchers[-1]
    selling.sell_code(acme, last.code, by=alice)
    sold = [selling.sell_one(acme, stocked.profile, "counter", by=alice)[0].pk
            for _ in range(11)]
    assert sorted(sold) == [v.pk for v in stocked.vouchers[:11]]
    with pytest.raises(selling.SaleError, match="ready to sell"):
        selling.sell_one(acme, stocked.profile, "counter", by=alice)
    assert VoucherFact.objects.filter(kind=Kind.SOLD).count() == 12


def test_changing_the_time_zone_counts_every_day_again_in_the_new_zone(stocked, acme, alice,
                                                                       alice_client):
    late = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)  # 00:30 on 11 March in Berlin
    facts.sold(stocked.vouchers[:2], "counter", by=alice, at=late)
    assert list(DailySales.objects.filter(kind="sold").values_list("day", "count")) == [
        (dt.date(2026, 3, 10), 2)]
    assert alice_client.post("/sales/settings/", {"time_zone": "Europe/Berlin"}
                             ).status_code == 302
    assert list(DailySales.objects.filter(kind="sold").values_list("day", "count")) == [
        (dt.date(2026, 3, 11), 2)]
    bad = alice_client.post("/sales/settings/", {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 200 and "Mars/Olympus" in bad.content.decode()
    acme.refresh_from_db()
    assert acme.time_zone == "Europe/Berlin"
