"""One function per fact of a voucher's commercial life. Each fact is recorded once: the
row is inserted with ON CONFLICT DO NOTHING against the (voucher, kind) constraint, and
only rows actually inserted reach the daily roll-up and the stock of sold vouchers, in the
same transaction. A retry, a re-sync or a second Accounting-Start therefore counts nothing
twice. Views, jobs and the accounting feed call these; nothing else writes facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from sales.models import VoucherFact
from sales.services import rollup

Kind = VoucherFact.Kind
Channel = VoucherFact.Channel
# Facts after which a sold voucher is no longer unused stock.
ENDS_STOCK = (Kind.ACTIVATED, Kind.EXPIRED_UNUSED, Kind.REVOKED, Kind.REFUNDED)
COLUMNS = ("organization_id", "voucher_id", "kind", "at", "profile_id", "router_id",
           "channel", "price", "operator_id", "reseller_id", "api_key_id")
CHUNK = 1000


def _ids(vouchers) -> list[int]:
    return [v if isinstance(v, int) else v.pk for v in vouchers]


def _record(kind: str, times: dict[int, dt.datetime], **terms) -> list[VoucherFact]:
    """Insert fact `kind` for these vouchers ({voucher id: time}) where none is yet;
    returns the facts inserted (their roll-up and stock already counted)."""
    from vouchers.models import Voucher

    if not times:
        return []
    user = terms.get("operator")
    reseller, api_key = terms.get("reseller"), terms.get("api_key")
    prices = terms.get("prices") or {}
    inserted: list[VoucherFact] = []
    with transaction.atomic():
        ids = sorted(times)
        for start in range(0, len(ids), CHUNK):
            page = ids[start:start + CHUNK]
            rows = Voucher.objects.filter(pk__in=page).values_list(
                "pk", "organization_id", "batch__profile_id", "batch__router_id")
            values = [(org, pk, kind, times[pk], profile, router, terms.get("channel", ""),
                       prices.get(pk, terms.get("price")), user.pk if user else None,
                       reseller.pk if reseller else None, api_key.pk if api_key else None)
                      for pk, org, profile, router in rows]
            if not values:
                continue
            marks = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ", %s)"] * len(values))
            now = timezone.now()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {VoucherFact._meta.db_table} ({', '.join(COLUMNS)},"
                    f" created_at) VALUES {marks} ON CONFLICT (voucher_id, kind) DO NOTHING"
                    " RETURNING id, voucher_id",
                    [x for row in values for x in (*row, now)])
                done = dict((voucher_id, pk) for pk, voucher_id in cursor.fetchall())
            for row in values:
                if row[1] in done:
                    fact = VoucherFact(pk=done[row[1]], **dict(zip(COLUMNS, row, strict=True)))
                    inserted.append(fact)
        rollup.count(inserted)
    return inserted


def printed(vouchers: Iterable, by=None, at: dt.datetime | None = None) -> int:
    """Vouchers printed (the print page showed them); the first print counts."""
    at = at or timezone.now()
    return len(_record(Kind.PRINTED, {pk: at for pk in _ids(vouchers)}, operator=by))


def sold(vouchers: Iterable, channel: str, *, by=None, reseller=None, api_key=None,
         price=None, at: dt.datetime | None = None) -> list[VoucherFact]:
    """Vouchers sold: at the counter (by an operator), handed to a reseller (at the
    reseller's price) or through the API (by a key). `price` None: the profile's price."""
    from vouchers.models import Voucher

    at = at or timezone.now()
    ids = _ids(vouchers)
    prices = {} if price is not None else dict(
        Voucher.objects.filter(pk__in=ids).values_list("pk", "batch__profile__price"))
    return _record(Kind.SOLD, {pk: at for pk in ids}, channel=channel, operator=by,
                   reseller=reseller, api_key=api_key, price=price, prices=prices)


def activated(first_uses: dict[int, dt.datetime]) -> int:
    """First use ({voucher id: first login time}), from the accounting feed."""
    return len(_record(Kind.ACTIVATED, first_uses))


def used_up(vouchers: Iterable, at: dt.datetime | None = None) -> int:
    at = at or timezone.now()
    return len(_record(Kind.USED_UP, {pk: at for pk in _ids(vouchers)}))


def expired_unused(vouchers: Iterable, at: dt.datetime | None = None) -> int:
    """Vouchers that reached their expiry never used."""
    at = at or timezone.now()
    return len(_record(Kind.EXPIRED_UNUSED, {pk: at for pk in _ids(vouchers)}))


def revoked(vouchers: Iterable, by=None, at: dt.datetime | None = None) -> int:
    at = at or timezone.now()
    return len(_record(Kind.REVOKED, {pk: at for pk in _ids(vouchers)}, operator=by))


def refunded(voucher, *, by=None, at: dt.datetime | None = None) -> VoucherFact | None:
    """The sale of this voucher given back: its price leaves the revenue of the refund's
    day. None when it was refunded already."""
    sale = VoucherFact.objects.filter(voucher=voucher, kind=Kind.SOLD).first()
    if sale is None:
        return None
    at = at or timezone.now()
    facts = _record(Kind.REFUNDED, {voucher.pk: at}, channel=sale.channel, operator=by,
                    reseller=sale.reseller, price=sale.price)
    return facts[0] if facts else None


# -- hooks: one call each from the apps where the state changes ------------------------
def from_usage(changed) -> None:
    """vouchers.services.lifecycle.record_usage: first use and used up, as accounting saw
    them ([(voucher, changes)])."""
    firsts = {v.pk: c["first_used_at"] for v, c in changed
              if c.get("first_used_at")}
    activated(firsts)
    used_up([v.pk for v, c in changed if c.get("state") == "used_up"])


def from_expiry(due, at: dt.datetime) -> None:
    """vouchers.services.lifecycle.expire_vouchers, before the update: those of `due`
    still unused expire unused."""
    expired_unused(list(due.filter(state="unused").values_list("pk", flat=True)), at)
