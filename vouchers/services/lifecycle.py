"""Voucher state changes that RADIUS must follow: retry, revoke, expire, use up.

Each marks the vouchers `pending` and enqueues the batch's sync, which then adds or
removes their RADIUS rows. Nothing else writes a voucher's state or sync status.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from hotspot.jobs import enqueue
from sales.services import facts
from vouchers.models import Voucher, VoucherBatch

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
    ids = list(live.values_list("pk", flat=True))
    facts.revoked(ids)
    count = live.update(state=State.REVOKED, radius_sync_status=Status.PENDING,
                        radius_sync_error="")
    request_sync(batch_ids)
    _disconnect(ids, "revoked")  # online now: kicked, not only refused at the next login
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
    ids = list(due.values_list("pk", flat=True))
    facts.from_expiry(due, now)
    count = due.update(state=State.EXPIRED, radius_sync_status=Status.PENDING,
                       radius_sync_error="")
    request_sync(batch_ids)
    _disconnect(ids, "expired")
    return count


def reconcile_pending(older_than: dt.timedelta = dt.timedelta(minutes=1)) -> list[int]:
    """Re-enqueue batches whose vouchers were left pending (a lost job, a dead worker)."""
    stale = Voucher.objects.filter(
        radius_sync_status=Status.PENDING, created_at__lte=timezone.now() - older_than
    )
    batch_ids = sorted(set(stale.values_list("batch_id", flat=True).distinct()))
    request_sync(batch_ids)  # a doubled job is harmless: chunks are claimed SKIP LOCKED
    return batch_ids


def record_usage(changed: list[tuple[Voucher, dict]]) -> int:
    """Apply the state changes vouchers' usage calls for (vouchers.services.usage.apply,
    which holds their rows locked): first use, used up. A used-up voucher is removed from
    RADIUS; a voucher whose expiry was just set (valid from first use) is synced again, so
    RADIUS holds that Expiration too (and Verify, which expects it, finds nothing missing).
    Returns how many vouchers changed."""
    batch_ids, used_up = set(), []
    for voucher, changes in changed:
        if changes.get("state") == State.USED_UP or (
                "expires_at" in changes and changes["expires_at"] != voucher.expires_at):
            changes = {**changes, "radius_sync_status": Status.PENDING,
                       "radius_sync_error": ""}
            batch_ids.add(voucher.batch_id)
        if changes.get("state") == State.USED_UP:
            used_up.append(voucher.pk)
        for name, value in changes.items():
            setattr(voucher, name, value)
    _write_usage_fields([v for v, _ in changed])
    facts.from_usage(changed)
    request_sync(batch_ids)
    _disconnect(used_up, "used_up")
    return len(changed)


USAGE_FIELDS = ("state", "first_used_at", "expires_at", "radius_sync_status",
                "radius_sync_error")


def _write_usage_fields(vouchers: list[Voucher]) -> None:
    """One UPDATE for a page of vouchers (Django's bulk_update builds a CASE per field and
    row: 35 s for 5,000 vouchers, against about 0.1 s for this)."""
    if not vouchers:
        return
    table = Voucher._meta.db_table
    columns = [[getattr(v, f) for v in vouchers] for f in USAGE_FIELDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS v SET state = u.state, first_used_at = u.first_used_at,"
                " expires_at = u.expires_at, radius_sync_status = u.sync,"
                " radius_sync_error = u.error FROM unnest(%s::bigint[], %s::text[],"
                " %s::timestamptz[], %s::timestamptz[], %s::text[], %s::text[])"
                " AS u (id, state, first_used_at, expires_at, sync, error) WHERE v.id = u.id",
                [[v.pk for v in vouchers], *columns])
        else:
            sets = ", ".join(f"{f} = %s" for f in USAGE_FIELDS)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s",
                               [(*values, v.pk) for v, *values in zip(vouchers, *columns,
                                                                      strict=True)])


def _disconnect(voucher_ids: list[int], reason: str) -> None:
    """End these vouchers' open sessions (accounting.services.disconnect)."""
    if voucher_ids:
        from accounting.services.disconnect import request_for_vouchers

        request_for_vouchers(voucher_ids, reason)


class DeviceError(Exception):
    """The device could not be released; nothing changed."""


def release_device(voucher: Voucher) -> None:
    """Unbind a voucher from its device (profile "one device per voucher"): the agent
    removes the binding, and the next device to log in is bound instead."""
    from radius.client import AgentClient, AgentError

    server = voucher.batch.target_server()
    if server is None:
        raise DeviceError("The voucher's batch has no RADIUS server.")
    client = AgentClient.for_server(server)
    try:
        client.release_bindings([voucher.code])
    except AgentError as exc:
        raise DeviceError(f"The RADIUS agent did not release it: {exc}") from None
    finally:
        client.close()
    Voucher.objects.filter(pk=voucher.pk).update(device_released_at=timezone.now())


def bound_device(voucher: Voucher) -> dict | None:
    """The device the voucher is bound to, as RADIUS has it: {"mac", "bound_at"}; {} when
    none is yet (the next device to log in will be); None when the agent cannot say."""
    from radius.client import AgentClient, AgentError

    server = voucher.batch.target_server()
    if server is None:
        return None
    client = AgentClient(server.agent_url, server.agent_token, timeout=3)
    try:
        return client.read_bindings([voucher.code]).get(voucher.code, {})
    except AgentError:
        return None
    finally:
        client.close()
