"""The daily roll-up (DailySales) and the stock of sold, unused vouchers (SoldStock):
counted as facts are inserted (`count`), rebuilt from the facts (`rebuild`)."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction

from sales.models import DailySales, SoldStock, VoucherFact

Kind = VoucherFact.Kind
MONEY = (Kind.SOLD, Kind.REFUNDED)
ENDS_STOCK = (Kind.ACTIVATED, Kind.EXPIRED_UNUSED, Kind.REVOKED, Kind.REFUNDED)
KEY = ("organization_id", "day", "kind", "channel", "profile_id", "router_id", "operator_id",
       "reseller_id")


def zone(organization_id: int) -> zoneinfo.ZoneInfo:
    from accounts.models import Organization

    name = Organization.objects.filter(pk=organization_id).values_list(
        "time_zone", flat=True).first()
    return zoneinfo.ZoneInfo(name or "UTC")


def _key(fact, kind, tz, at=None):
    return (fact.organization_id, (at or fact.at).astimezone(tz).date(), kind,
            fact.channel or "", fact.profile_id, fact.router_id or 0, fact.operator_id or 0,
            fact.reseller_id or 0)


def count(facts: list[VoucherFact]) -> None:
    """Add newly inserted facts to the roll-up and the stock (same transaction)."""
    if not facts:
        return
    zones = {org: zone(org) for org in {f.organization_id for f in facts}}
    sums: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    for fact in facts:
        row = sums[_key(fact, fact.kind, zones[fact.organization_id])]
        row[0] += 1
        if fact.kind in MONEY and fact.price is not None:
            row[1] += fact.price
    activated = [f.voucher_id for f in facts if f.kind == Kind.ACTIVATED]
    if activated:
        # Activation rate of a period's sales: counted on the sale's day, with its terms.
        for sale in VoucherFact.objects.filter(voucher_id__in=activated, kind=Kind.SOLD):
            sums[_key(sale, "cohort_activated", zones[sale.organization_id])][0] += 1
    _upsert(sums)
    sold = [f for f in facts if f.kind == Kind.SOLD]
    ended = [f.voucher_id for f in facts if f.kind in ENDS_STOCK]
    if sold:
        already_ended = set(VoucherFact.objects.filter(
            voucher_id__in=[f.voucher_id for f in sold], kind__in=ENDS_STOCK)
            .values_list("voucher_id", flat=True))
        SoldStock.objects.bulk_create(
            [SoldStock(voucher_id=f.voucher_id, organization_id=f.organization_id,
                       sold_at=f.at, profile_id=f.profile_id, reseller_id=f.reseller_id or 0,
                       channel=f.channel) for f in sold if f.voucher_id not in already_ended],
            ignore_conflicts=True)
    if ended:
        SoldStock.objects.filter(voucher_id__in=ended).delete()


def _upsert(sums: dict[tuple, list]) -> None:
    """Add counts to roll-up rows, creating them; keys in order, so two transactions
    adding to the same rows wait for each other instead of deadlocking."""
    if not sums:
        return
    table = DailySales._meta.db_table
    keys = sorted(sums, key=lambda k: tuple(str(x) for x in k))
    marks = ", ".join(["(" + ", ".join(["%s"] * (len(KEY) + 2)) + ")"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(KEY)}, count, amount) VALUES {marks}"
            f" ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET count = {table}.count +"
            f" excluded.count, amount = {table}.amount + excluded.amount",
            [x for k in keys for x in (*k, sums[k][0], sums[k][1])])


@transaction.atomic
def rebuild(organization_id: int) -> None:
    """The roll-up and stock of one organization counted again from its facts, days in its
    current time zone (aggregated in the database: a million facts take seconds)."""
    DailySales.objects.filter(organization_id=organization_id).delete()
    SoldStock.objects.filter(organization_id=organization_id).delete()
    if connection.vendor != "postgresql":
        # SQLite (development): counted in Python, as if every fact came again.
        facts = VoucherFact.objects.filter(organization_id=organization_id).order_by("pk")
        for start in range(0, facts.count(), 5000):
            count(list(facts[start:start + 5000]))
        return
    tz = str(zone(organization_id))
    facts, daily, stock = (VoucherFact._meta.db_table, DailySales._meta.db_table,
                           SoldStock._meta.db_table)
    dims = ("channel, profile_id, COALESCE(router_id, 0), COALESCE(operator_id, 0),"
            " COALESCE(reseller_id, 0)")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {daily} ({', '.join(KEY)}, count, amount)"
            f" SELECT organization_id, (at AT TIME ZONE %s)::date, kind, {dims}, count(*),"
            "  COALESCE(sum(price) FILTER (WHERE kind IN ('sold', 'refunded')), 0)"
            f" FROM {facts} WHERE organization_id = %s"
            f" GROUP BY organization_id, 2, kind, {dims}", [tz, organization_id])
        cursor.execute(
            f"INSERT INTO {daily} ({', '.join(KEY)}, count, amount)"
            f" SELECT s.organization_id, (s.at AT TIME ZONE %s)::date, 'cohort_activated',"
            " s.channel, s.profile_id, COALESCE(s.router_id, 0), COALESCE(s.operator_id, 0),"
            " COALESCE(s.reseller_id, 0), count(*), 0"
            f" FROM {facts} s JOIN {facts} a ON a.voucher_id = s.voucher_id"
            "  AND a.kind = 'activated'"
            " WHERE s.organization_id = %s AND s.kind = 'sold'"
            " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8", [tz, organization_id])
        cursor.execute(
            f"INSERT INTO {stock} (voucher_id, organization_id, sold_at, profile_id,"
            " reseller_id, channel)"
            " SELECT s.voucher_id, s.organization_id, s.at, s.profile_id,"
            f" COALESCE(s.reseller_id, 0), s.channel FROM {facts} s"
            " WHERE s.organization_id = %s AND s.kind = 'sold' AND NOT EXISTS ("
            f"  SELECT 1 FROM {facts} e WHERE e.voucher_id = s.voucher_id"
            "  AND e.kind IN ('activated', 'expired_unused', 'revoked', 'refunded'))",
            [organization_id])
