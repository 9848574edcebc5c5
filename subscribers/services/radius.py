"""Subscribers in RADIUS: their rows are written by the same agent as vouchers' (the
server's scope), read back and compared; each subscriber shows its own sync status.

Every change of a subscriber that RADIUS serves marks it pending and queues one sync of
its server (unique: a queued sync takes every pending subscriber of the server).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from hotspot.jobs import enqueue
from radius import attributes, subscriber_rows
from radius.client import AgentClient, AgentError
from subscribers import quota
from subscribers.models import Plan, Subscriber

log = logging.getLogger(__name__)
S = Subscriber.Sync
CHUNK = attributes.MAX_USERS_PER_REQUEST


def payload_for(sub: Subscriber) -> dict:
    plan = sub.plan
    return {
        "username": sub.username, "password": sub.password,
        "rate_limit": plan.rate_limit,
        "framed_ip": sub.static_ip or "",
        "framed_pool": "" if sub.static_ip else plan.address_pool,
        "caller_id": sub.caller_id, "data_limit": plan.quota_bytes,
        "data_since": quota.since(plan),
        "reject": sub.status != Subscriber.Status.ACTIVE,
        "expiry": sub.expires_at.isoformat() if sub.expires_at else None,
    }


def expected_rows(sub: Subscriber) -> dict:
    return subscriber_rows.rows_for(subscriber_rows.clean_subscriber(payload_for(sub)))


def mark_pending(queryset) -> int:
    """Mark subscribers pending and queue their servers' syncs (after commit)."""
    servers = set(queryset.exclude(radius_server=None).values_list("radius_server", flat=True)
                  .distinct())
    count = queryset.exclude(radius_server=None).update(radius_status=S.PENDING,
                                                        radius_error="")
    queryset.filter(radius_server=None).update(radius_status=S.NONE)
    for server_id in servers:
        request_sync(server_id)
    return count


def request_sync(server_id: int):
    from subscribers import jobs

    return enqueue(jobs.sync_subscribers, server_id, unique=True)


def request_removal(server_id: int, usernames: list[str]):
    from subscribers import jobs

    return enqueue(jobs.remove_subscribers, server_id, list(usernames))


def remove_from_server(server_id: int, usernames: list[str]) -> int:
    """The rows of these subscribers on a server they left (a failure is retried)."""
    from background.lifecycle import JobFailed
    from radius.models import RadiusServer

    server = RadiusServer.objects.filter(pk=server_id).first()
    if server is None:
        return 0
    client = AgentClient.for_server(server)
    removed = 0
    try:
        for start in range(0, len(usernames), CHUNK):
            removed += client.delete_subscribers(usernames[start:start + CHUNK])["deleted"]
    except AgentError as exc:
        raise JobFailed(str(exc)) from None
    finally:
        client.close()
    return removed


def roll_quota_periods() -> int:
    """Subscribers on a quota plan whose rows predate the current period are synced again
    (their Hotspot-Data-Since moves to the new period's start)."""
    count = 0
    for plan in Plan.objects.filter(quota_bytes__isnull=False):
        start = quota.period_start(plan.quota_period)
        count += mark_pending(plan.subscribers.filter(radius_status=S.SYNCED,
                                                      radius_synced_at__lt=start))
    return count


def sync_server(server_id: int) -> dict:
    """Write every pending subscriber of the server, 250 per request, read back."""
    from radius.models import RadiusServer

    server = RadiusServer.objects.get(pk=server_id)
    client = AgentClient.for_server(server)
    counts = {"synced": 0, "failed": 0}
    after = 0
    try:
        while True:
            with transaction.atomic():
                chunk = list(Subscriber.objects.select_for_update(skip_locked=True)
                             .filter(radius_server=server, radius_status=S.PENDING, pk__gt=after)
                             .select_related("plan").order_by("pk")[:CHUNK])
                if not chunk:
                    break
                after = chunk[-1].pk
                _sync_chunk(client, chunk, counts)
    finally:
        client.close()
    return counts


def _sync_chunk(client: AgentClient, chunk: list[Subscriber], counts: dict) -> None:
    now = timezone.now()
    try:
        answer = client.push_subscribers([payload_for(s) for s in chunk])
    except AgentError as exc:
        Subscriber.objects.filter(pk__in=[s.pk for s in chunk]).update(
            radius_status=S.FAILED, radius_error=str(exc)[:2000])
        counts["failed"] += len(chunk)
        return
    back = answer.get("users", {})
    good, bad = [], []
    for sub in chunk:
        diff = attributes.compare(expected_rows(sub), back.get(sub.username))
        (bad if diff else good).append((sub, diff))
    Subscriber.objects.filter(pk__in=[s.pk for s, _ in good]).update(
        radius_status=S.SYNCED, radius_error="", radius_synced_at=now)
    for sub, diff in bad:
        Subscriber.objects.filter(pk=sub.pk).update(radius_status=S.FAILED,
                                                    radius_error=attributes.describe(diff))
    counts["synced"] += len(good)
    counts["failed"] += len(bad)
