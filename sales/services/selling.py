"""Selling vouchers: at the counter, to a reseller, through the API; refunds. Each picks
vouchers that are unused, in RADIUS and never sold, locking them (SKIP LOCKED) so two
sales at once never get the same voucher, and records the `sold` fact."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from sales.models import IdempotentSale, Reseller, VoucherFact
from sales.services import facts

Kind = VoucherFact.Kind
Channel = VoucherFact.Channel


class SaleError(Exception):
    """The sale could not be made; nothing changed."""


def unsold(vouchers):
    """Of these vouchers, those that can be sold: unused, synced to RADIUS, never sold."""
    from vouchers.models import Voucher

    return vouchers.filter(state=Voucher.State.UNUSED).exclude(
        Exists(VoucherFact.objects.filter(voucher=OuterRef("pk"), kind=Kind.SOLD)))


def _take(vouchers, count: int, profile_id: int) -> list:
    """Up to `count` vouchers ready to sell, oldest first, locked for this transaction.

    Vouchers are sold roughly in order, so the search starts after the newest voucher of
    the profile sold so far (an index lookup): with a million sold vouchers behind it, it
    does not check each of them again. Older unsold ones (a batch skipped, a hand-over of
    a later batch) are still found, when nothing newer is left."""
    from django.db.models import Max

    from vouchers.models import Voucher

    ready = unsold(vouchers).filter(radius_sync_status=Voucher.SyncStatus.SYNCED)
    newest = VoucherFact.objects.filter(profile_id=profile_id, kind=Kind.SOLD).aggregate(
        newest=Max("voucher_id"))["newest"] or 0

    def pick(queryset, n):
        return list(queryset.order_by("pk").select_for_update(skip_locked=True,
                                                               of=("self",))[:n])

    taken = pick(ready.filter(pk__gt=newest), count)
    if len(taken) < count:
        taken += pick(ready.filter(pk__lte=newest), count - len(taken))
    return taken


@transaction.atomic
def sell_one(organization, profile, channel: str, *, by=None, api_key=None):
    """Sell the next available voucher of this profile; returns (voucher, fact)."""
    from vouchers.models import Voucher

    if profile.organization_id != organization.pk:
        raise SaleError("No such profile.")
    taken = _take(Voucher.objects.filter(organization=organization, batch__profile=profile), 1,
                  profile.pk)
    if not taken:
        raise SaleError(f"No voucher of “{profile.name}” is ready to sell: generate a batch.")
    fact = facts.sold(taken, channel, by=by, api_key=api_key)[0]
    return taken[0], fact


@transaction.atomic
def sell_code(organization, code: str, *, by=None):
    """Sell this voucher (its printed card handed over at the counter)."""
    from vouchers.models import Voucher

    # Locked: a sale of the same card at another till waits here, then finds it sold.
    voucher = Voucher.objects.filter(organization=organization, code=code.strip()
                                     ).select_for_update().first()
    if voucher is None:
        raise SaleError("No voucher has this code.")
    sold = facts.sold([voucher], Channel.COUNTER, by=by) if unsold(
        Voucher.objects.filter(pk=voucher.pk)).exists() else []
    if not sold:
        raise SaleError(f"Voucher {voucher.code} was sold already or is no longer unused.")
    return voucher, sold[0]


def sell_api(api_key, profile, idempotency_key: str | None):
    """An API sale. With an Idempotency-Key, the same key again returns the first sale
    (its voucher and fact) and sells nothing: (voucher, fact, replayed)."""
    if idempotency_key:
        earlier = _replay(api_key, idempotency_key, profile)
        if earlier:
            return (*earlier, True)
    try:
        with transaction.atomic():
            voucher, fact = sell_one(api_key.organization, profile, Channel.API,
                                     api_key=api_key)
            if idempotency_key:
                IdempotentSale.objects.create(api_key=api_key, key=idempotency_key,
                                              profile_id=profile.pk, fact=fact)
    except IntegrityError:
        # The same key sent twice at once: the other request's sale stands, this one is
        # rolled back whole (its voucher stays unsold).
        earlier = _replay(api_key, idempotency_key, profile)
        if not earlier:
            raise
        return (*earlier, True)
    return voucher, fact, False


def _replay(api_key, key: str, profile):
    row = IdempotentSale.objects.filter(api_key=api_key, key=key).select_related(
        "fact__voucher").first()
    if row is None:
        return None
    if row.profile_id != profile.pk:
        raise SaleError("This Idempotency-Key was used for a sale of another profile.")
    return row.fact.voucher, row.fact


@transaction.atomic
def hand_to_reseller(batch, reseller: Reseller, count: int, price: Decimal, *, by=None):
    """Hand `count` unsold vouchers of a batch to a reseller at `price` each: they are
    sold (channel reseller) and the reseller owes the price. Returns the vouchers."""
    if reseller.organization_id != batch.organization_id:
        raise SaleError("No such reseller.")
    if count < 1:
        raise SaleError("Hand over at least one voucher.")
    if price is None or price < 0:
        raise SaleError("The price cannot be negative.")
    taken = _take(batch.vouchers.all(), count, batch.profile_id)
    if len(taken) < count:
        raise SaleError(f"Only {len(taken):,} vouchers of this batch are ready to sell.")
    facts.sold(taken, Channel.RESELLER, by=by, reseller=reseller, price=price)
    return taken


@transaction.atomic
def refund(voucher, *, by=None):
    """Give a sale back: the refunded fact (its price leaves revenue) and the voucher
    revoked, so it stops working."""
    from vouchers.services import lifecycle

    fact = facts.refunded(voucher, by=by)
    if fact is None:
        if not VoucherFact.objects.filter(voucher=voucher, kind=Kind.SOLD).exists():
            raise SaleError("This voucher was never sold.")
        raise SaleError("This voucher was refunded already.")
    lifecycle.revoke_voucher(voucher)
    return fact


def reseller_balance(reseller: Reseller) -> dict:
    """What a reseller holds and owes, from the facts: vouchers handed over, of them still
    unused, money owed (handed over - refunded - paid)."""
    from django.db.models import Count, Sum

    mine = VoucherFact.objects.filter(reseller=reseller)
    handed = mine.filter(kind=Kind.SOLD).aggregate(n=Count("pk"), total=Sum("price"))
    refunded = mine.filter(kind=Kind.REFUNDED).aggregate(n=Count("pk"), total=Sum("price"))
    paid = reseller.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    from sales.models import SoldStock

    unused = SoldStock.objects.filter(reseller_id=reseller.pk).count()
    activated = VoucherFact.objects.filter(
        kind=Kind.ACTIVATED, voucher__facts__reseller=reseller,
        voucher__facts__kind=Kind.SOLD).count()
    total = (handed["total"] or Decimal(0)) - (refunded["total"] or Decimal(0))
    return {"handed": handed["n"], "refunded": refunded["n"], "unused": unused,
            "activated": activated, "value": total, "paid": paid, "owed": total - paid}
