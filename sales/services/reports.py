"""Sales reports, read from the daily roll-up (DailySales, days in the organization's
time zone) and the stock of sold, unused vouchers. Every table is a list of rows with
the same columns as its CSV."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from sales.models import DailySales, SoldStock
from sales.services.rollup import zone

GRAINS = {"day": None, "week": TruncWeek, "month": TruncMonth}
DIMENSIONS = {
    "router": "router_id", "profile": "profile_id", "operator": "operator_id",
    "reseller": "reseller_id", "channel": "channel",
}
# Columns of every period and dimension table.
COLUMNS = ["sold", "revenue", "refunded", "refunds", "net", "activated", "activation_rate",
           "used_up", "expired_unused", "printed"]
STOCK_AGES = [(0, 1, "under 1 day"), (1, 7, "1–7 days"), (7, 30, "7–30 days"),
              (30, 90, "30–90 days"), (90, None, "over 90 days")]


@dataclass
class Report:
    start: dt.date
    end: dt.date  # inclusive
    grain: str
    time_zone: str
    periods: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    by: dict[str, list[dict]] = field(default_factory=dict)
    stock: list[dict] = field(default_factory=list)


def _blank() -> dict:
    return {"sold": 0, "revenue": Decimal(0), "refunded": 0, "refunds": Decimal(0),
            "activated": 0, "cohort": 0, "used_up": 0, "expired_unused": 0, "printed": 0}


def _add(row: dict, kind: str, count: int, amount: Decimal) -> None:
    if kind == "sold":
        row["sold"] += count
        row["revenue"] += amount
    elif kind == "refunded":
        row["refunded"] += count
        row["refunds"] += amount
    elif kind == "cohort_activated":
        row["cohort"] += count
    elif kind in row:
        row[kind] += count


def _finish(row: dict) -> dict:
    row["net"] = row["revenue"] - row["refunds"]
    # Of the vouchers sold in this period (or group), the share used at least once since.
    row["activation_rate"] = (round(100 * row["cohort"] / row["sold"], 1)
                              if row["sold"] else None)
    return row


def build(organization, start: dt.date, end: dt.date, grain: str = "day") -> Report:
    """The report of local days start..end (inclusive), periods of `grain`."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}")
    report = Report(start, end, grain, str(zone(organization.pk)))
    days = DailySales.objects.filter(organization=organization, day__gte=start, day__lte=end)
    if GRAINS[grain] is None:
        rows, key = days, "day"
    else:
        rows, key = days.annotate(period=GRAINS[grain]("day")), "period"
    per: dict = defaultdict(_blank)
    for r in rows.values(key, "kind").annotate(n=Sum("count"), a=Sum("amount")).order_by():
        _add(per[_as_date(r[key])], r["kind"], r["n"], r["a"] or Decimal(0))
    report.periods = [{"period": p, **_finish(per[p])} for p in _all_periods(start, end, grain)]
    totals = _blank()
    for p in per.values():
        for k in totals:
            totals[k] += p[k]
    report.totals = _finish(totals)
    names = _names(organization)
    for name, column in DIMENSIONS.items():
        groups: dict = defaultdict(_blank)
        for r in days.values(column, "kind").annotate(n=Sum("count"), a=Sum("amount")).order_by():
            _add(groups[r[column]], r["kind"], r["n"], r["a"] or Decimal(0))
        for row in groups.values():
            # Grouped by the sale's terms, "activated" means: of these sales, used since.
            row["activated"] = row["cohort"]
        table = [{name: names[name](value), **_finish(groups[value])}
                 for value in groups]
        report.by[name] = sorted(table, key=lambda row: (-row["net"], str(row[name])))
    report.stock = stock(organization)
    return report


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _all_periods(start: dt.date, end: dt.date, grain: str) -> list[dt.date]:
    """Every period of the range, empty ones included (a chart without gaps)."""
    if grain == "day":
        first, step = start, None
    elif grain == "week":
        first, step = start - dt.timedelta(days=start.weekday()), None
    else:
        first, step = start.replace(day=1), "month"
    out, current = [], first
    while current <= end:
        out.append(current)
        if step == "month":
            current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            current += dt.timedelta(days=7 if grain == "week" else 1)
    return out


def _names(organization) -> dict:
    """Readable names for each dimension's ids (one query per dimension)."""
    from django.contrib.auth import get_user_model

    from routers.models import Router
    from sales.models import Reseller
    from vouchers.models import VoucherProfile

    routers = dict(Router.objects.filter(organization=organization).values_list("pk", "name"))
    profiles = dict(VoucherProfile.objects.filter(organization=organization)
                    .values_list("pk", "name"))
    users = dict(get_user_model().objects.filter(operator__organization=organization)
                 .values_list("pk", "username"))
    resellers = dict(Reseller.objects.filter(organization=organization)
                     .values_list("pk", "name"))
    channels = {"": "—", "counter": "Counter", "reseller": "Reseller", "api": "API"}
    return {
        "router": lambda v: routers.get(v, "no router") if v else "no router",
        "profile": lambda v: profiles.get(v, f"profile {v}"),
        "operator": lambda v: users.get(v, f"user {v}") if v else "nobody (API, system)",
        "reseller": lambda v: resellers.get(v, f"reseller {v}") if v else "no reseller",
        "channel": lambda v: channels.get(v, v),
    }


def stock(organization, now: dt.datetime | None = None) -> list[dict]:
    """Sold vouchers nobody has used yet, by age of the sale."""
    now = now or timezone.now()
    aggregates = {}
    for i, (low, high, _label) in enumerate(STOCK_AGES):
        bucket = Q(sold_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            bucket &= Q(sold_at__gt=now - dt.timedelta(days=high))
        aggregates[f"n{i}"] = Count("pk", filter=bucket)
        aggregates[f"o{i}"] = Min("sold_at", filter=bucket)
    found = SoldStock.objects.filter(organization=organization).aggregate(**aggregates)
    return [{"age": label, "vouchers": found[f"n{i}"], "oldest_sale": found[f"o{i}"]}
            for i, (_low, _high, label) in enumerate(STOCK_AGES)]


def month_range(organization, year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def today(organization) -> dt.date:
    return timezone.now().astimezone(zone(organization.pk)).date()
