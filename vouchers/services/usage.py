"""What each voucher has used and has left, from the sessions accounting reported.

Sums over the voucher's own sessions (an index lookup: a voucher has a handful), so a
voucher's numbers are live with every interim update the feed reads. `apply` moves
vouchers along with them: first use (active, first_used_at, the expiry counted from it)
and used up; nothing else changes a voucher's state from accounting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Count, Max, Min, Q, Sum

from vouchers.models import Voucher, VoucherBatch, VoucherProfile

State = Voucher.State


@dataclass
class Usage:
    sessions: int = 0
    online: int = 0
    seconds: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    first_start: dt.datetime | None = None
    last_seen: dt.datetime | None = None

    @property
    def octets(self) -> int:
        return self.bytes_in + self.bytes_out


def totals(voucher_ids) -> dict[int, Usage]:
    """Usage per voucher, summed over its sessions (one grouped query)."""
    from accounting.models import Session

    rows = (Session.objects.filter(voucher_id__in=list(voucher_ids)).values("voucher_id")
            .annotate(sessions=Count("pk"), online=Count("pk", filter=Q(stopped_at=None)),
                      seconds=Sum("seconds"), bytes_in=Sum("bytes_in"),
                      bytes_out=Sum("bytes_out"), first_start=Min("started_at"),
                      last_seen=Max("updated_at")))
    return {r.pop("voucher_id"): Usage(**{k: v or 0 if k not in ("first_start", "last_seen")
                                          else v for k, v in r.items()}) for r in rows}


def remaining(voucher: Voucher, profile: VoucherProfile, usage: Usage) -> dict:
    """Seconds and bytes left (None: no such limit)."""
    return left(profile.time_limit, profile.data_limit, usage)


def left(time_limit: int | None, data_limit: int | None, usage: Usage) -> dict:
    return {
        "seconds": max(time_limit - usage.seconds, 0) if time_limit else None,
        "bytes": max(data_limit - usage.octets, 0) if data_limit else None,
    }


def limits(voucher_ids) -> dict[int, tuple]:
    """{voucher id: (time limit, data limit)} of their profiles, in one query."""
    return {pk: (t, d) for pk, t, d in Voucher.objects.filter(pk__in=list(voucher_ids))
            .values_list("pk", "batch__profile__time_limit", "batch__profile__data_limit")}


def changes_for(voucher: Voucher, profile: VoucherProfile, usage: Usage) -> dict:
    """The state changes this usage calls for (empty: none)."""
    changes: dict = {}
    if usage.sessions and voucher.state == State.UNUSED:
        changes["state"] = State.ACTIVE
        changes["first_used_at"] = usage.first_start
        if profile.validity == VoucherProfile.Validity.AFTER_FIRST_USE and \
                profile.validity_seconds and usage.first_start:
            changes["expires_at"] = usage.first_start + dt.timedelta(
                seconds=profile.validity_seconds)
    time_up = profile.time_limit and usage.seconds >= profile.time_limit
    data_up = profile.data_limit and usage.octets >= profile.data_limit
    if time_up or data_up:
        changes["state"] = State.USED_UP
    return changes


FIELDS = ("pk", "batch_id", "state", "first_used_at", "expires_at", "radius_sync_status",
          "radius_sync_error")


def apply(voucher_ids) -> int:
    """Bring these vouchers' states in line with their usage; returns how many changed.

    Runs inside the accounting feed's transaction, for up to a page of vouchers at once:
    the vouchers are locked while read and written (a revoke at the same moment waits, and
    is never overwritten), read as plain rows (a page is thousands) and written in one
    statement."""
    from vouchers.services import lifecycle

    found = totals(voucher_ids)
    live = (Voucher.objects.filter(pk__in=list(voucher_ids), state__in=Voucher.LIVE_STATES)
            .select_for_update().values_list(*FIELDS))
    rows = [SimpleNamespace(**dict(zip(FIELDS, row, strict=True))) for row in live]
    profiles = {b.pk: b.profile for b in VoucherBatch.objects.filter(
        pk__in={r.batch_id for r in rows}).select_related("profile")}
    changed = []
    for voucher in rows:
        changes = changes_for(voucher, profiles[voucher.batch_id],
                              found.get(voucher.pk, Usage()))
        if changes:
            changed.append((voucher, changes))
    return lifecycle.record_usage(changed)
