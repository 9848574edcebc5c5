"""Voucher state changes that RADIUS must follow: retry, revoke, expire, use.

Each marks the vouchers `pending` and enqueues the batch's sync, which then adds or
removes their RADIUS rows. Nothing else writes a voucher's state or sync status.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hotspot.jobs import enqueue
from radius.client import AgentClient, AgentError
from vouchers.models import Voucher, VoucherBatch, VoucherProfile

Status = Voucher.SyncStatus
State = Voucher.State


def request_sync(batch_ids) -> None:
    """Enqueue the sync of these batches once the transaction commits."""
    from vouchers import jobs

    orgs = dict(VoucherBatch.objects.filter(pk__in=set(batch_ids)).values_list(
        "pk", "organization_id"))
    for batch_id in sorted(orgs):
        enqueue(jobs.sync_batch, batch_id, organization=orgs[batch_id])


@transaction.atomic
def retry_failed(batch: VoucherBatch) -> int:
    """Send a batch's failed vouchers again; returns how many."""
    count = Voucher.objects.filter(batch=batch, radius_sync_status=Status.FAILED).update(
        radius_sync_status=Status.PENDING, radius_sync_error=""
    )
    if count:
        request_sync([batch.pk])
    return count


@transaction.atomic
def retry_all_failed() -> int:
    """Retry failed vouchers of every batch (manage.py retry_failed)."""
    failed = Voucher.objects.filter(radius_sync_status=Status.FAILED)
    batch_ids = list(failed.values_list("batch_id", flat=True).distinct())
    count = failed.update(radius_sync_status=Status.PENDING, radius_sync_error="")
    request_sync(batch_ids)
    return count


@transaction.atomic
def revoke_vouchers(vouchers) -> int:
    """Revoke these vouchers (a queryset): they stop working once removed from RADIUS."""
    live = vouchers.filter(state__in=Voucher.LIVE_STATES)
    batch_ids = list(live.values_list("batch_id", flat=True).distinct())
    count = live.update(state=State.REVOKED, radius_sync_status=Status.PENDING,
                        radius_sync_error="")
    request_sync(batch_ids)
    return count


def revoke_voucher(voucher: Voucher) -> int:
    """Revoke one voucher."""
    return revoke_vouchers(Voucher.objects.filter(pk=voucher.pk))


def revoke_batch(batch: VoucherBatch) -> int:
    """Revoke every voucher of a batch that still works."""
    return revoke_vouchers(Voucher.objects.filter(batch=batch))


@transaction.atomic
def expire_vouchers(now: dt.datetime | None = None) -> int:
    """Mark vouchers past their expiry as expired; the sync removes them from RADIUS."""
    now = now or timezone.now()
    due = Voucher.objects.filter(state__in=Voucher.LIVE_STATES, expires_at__lte=now)
    batch_ids = list(due.values_list("batch_id", flat=True).distinct())
    count = due.update(state=State.EXPIRED, radius_sync_status=Status.PENDING,
                       radius_sync_error="")
    request_sync(batch_ids)
    return count


def reconcile_pending(older_than: dt.timedelta = dt.timedelta(minutes=1)) -> list[int]:
    """Re-enqueue batches whose vouchers were left pending (a lost job, a dead worker)."""
    stale = Voucher.objects.filter(
        radius_sync_status=Status.PENDING, created_at__lte=timezone.now() - older_than
    )
    batch_ids = sorted(set(stale.values_list("batch_id", flat=True).distinct()))
    request_sync(batch_ids)  # a doubled job is harmless: chunks are claimed SKIP LOCKED
    return batch_ids


def _usage_changes(voucher: Voucher, profile: VoucherProfile, usage: dict) -> dict:
    changes: dict = {}
    if usage["sessions"] and voucher.state == State.UNUSED:
        changes["state"] = State.ACTIVE
        first = dt.datetime.fromisoformat(usage["first_start"])
        changes["first_used_at"] = first
        if profile.validity == VoucherProfile.Validity.AFTER_FIRST_USE and \
                profile.validity_seconds:
            changes["expires_at"] = first + dt.timedelta(seconds=profile.validity_seconds)
    time_up = profile.time_limit and usage["seconds"] >= profile.time_limit
    data_up = profile.data_limit and usage["octets"] >= profile.data_limit
    if (time_up or data_up) and not usage["open"]:
        changes.update(state=State.USED_UP, radius_sync_status=Status.PENDING)
    return changes


def refresh_usage(batch: VoucherBatch) -> int:
    """Read accounting for a batch's live vouchers: mark them active or used up."""
    server = batch.target_server()
    if server is None:
        return 0
    client, changed = AgentClient.for_server(server), 0
    live = Voucher.objects.filter(batch=batch, state__in=Voucher.LIVE_STATES).order_by("pk")
    last_id = 0
    try:
        while chunk := list(live.filter(pk__gt=last_id)[:250]):
            last_id = chunk[-1].pk
            usage = client.read_usage([v.code for v in chunk])
            for voucher in chunk:
                changes = _usage_changes(voucher, batch.profile, usage.get(voucher.code)
                                         or {"sessions": 0, "open": 0, "seconds": 0,
                                             "octets": 0})
                if changes:
                    changed += Voucher.objects.filter(pk=voucher.pk).update(**changes)
                    if changes.get("radius_sync_status"):
                        request_sync([batch.pk])
    except AgentError:
        return changed  # the next run tries again
    finally:
        client.close()
    return changed


def batches_in_use():
    """Batches with vouchers whose usage may change."""
    return VoucherBatch.objects.filter(
        Q(vouchers__state__in=Voucher.LIVE_STATES)
    ).distinct()
