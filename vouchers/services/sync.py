"""Syncing vouchers to their RADIUS server's agent, and verifying what it holds.

A voucher's sync status says whether RADIUS matches what the voucher should be:
present with its profile's attributes while unused or active, absent once revoked,
expired or used up. `sync_batch` makes it so for a batch's pending vouchers, 250 at a
time: each chunk is sent (3 attempts with backoff), read back and compared; only a
voucher whose rows match is `synced`.

One sync per batch at a time: on PostgreSQL a sync holds an advisory lock on its batch
for its whole run, so a job doubled by the reconciler waits for the first and then finds
nothing left to send (a dead worker's lock goes with its database session). No voucher
row is locked while its chunk is in flight, so revoking, expiring or recording usage
never waits on the agent: a voucher changed meanwhile is simply not marked, because a
status is written only onto the row version the chunk was built from (PostgreSQL's
xmin; on SQLite, its state). It stays pending for the sync its change asked for.

Throughput: chunks stream through a small thread pool, SENDERS at a time (one keep-alive
connection each); the next vouchers are read while earlier chunks are in flight, so the
job, the agent and PostgreSQL work at the same time instead of waiting on each other.
The agent answers each write with what it read back after committing (one request per
chunk, not two): the digest of each voucher's rows (radius.attributes.digest), computed
by PostgreSQL. A voucher whose digest is that of the rows it should have is verified; any
other is read back in full and compared row by row, so a difference is still described.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import queue
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from hotspot import events
from radius import attributes
from radius.client import AgentClient, AgentError
from vouchers.models import Voucher, VoucherBatch, VoucherProfile

log = logging.getLogger(__name__)

CHUNK = attributes.MAX_USERS_PER_REQUEST  # 250, the agent's limit
# Chunks in flight at once. The agent is threaded and PostgreSQL takes concurrent
# transactions; beyond 3-4 the gain on 2 cores is noise.
SENDERS = 4
# Chunks read per query. The next read happens as soon as fewer than SENDERS * 2 chunks
# are waiting or in flight, so the senders never wait for the job's queries.
WINDOW = 8
# pg_advisory_lock's first key for voucher-batch syncs (the second is the batch id).
SYNC_LOCK = 0x5653
# Progress is counted from the database, so it is true when shown (see _send_pending).
PUSH_EVERY_SECONDS = 1.0
# Answered chunks' statuses are written together at most this often: each write is a
# commit, which waits for PostgreSQL to flush its log (~3 ms); per chunk that was a
# sixth of the sync. A status written waits at most this long to show.
RECORD_EVERY_SECONDS = 0.25
MAX_REPORTED_PROBLEMS = 500
Status = Voucher.SyncStatus


@dataclass
class ChunkOutcome:
    # The row version each voucher was read at (see _claim): a status is written only
    # onto that version. Empty: written whatever the version (verify_batch).
    versions: dict[int, str] = field(default_factory=dict)
    synced: list[int] = field(default_factory=list)
    failed: dict[str, list[int]] = field(default_factory=dict)  # error -> voucher ids
    unreachable: str = ""  # set when the agent could not be reached after all attempts

    def fail(self, ids, error: str) -> None:
        self.failed.setdefault(error[:2000], []).extend(ids)


def payload_for(voucher: Voucher, profile: VoucherProfile) -> dict:
    """The agent API's view of one voucher (seed 003's payload, completed)."""
    after_first_use = profile.validity == VoucherProfile.Validity.AFTER_FIRST_USE
    up, down = profile.rate_limit_up.strip(), profile.rate_limit_down.strip()
    return {
        "username": voucher.code,
        "password": voucher.password,
        "profile": profile.name,
        "time_limit": profile.time_limit or None,
        "data_limit": profile.data_limit or None,
        # RouterOS reads rx/tx from the router's side: rx is what the client uploads.
        "rate_limit": f"{up or 0}/{down or 0}" if up or down else "",
        "simultaneous_use": profile.shared_users or None,
        "expiry": voucher.expires_at.isoformat() if voucher.expires_at else None,
        "valid_for": profile.validity_seconds if after_first_use else None,
        "bind_device": profile.bind_device,
    }


def expected_rows(voucher: Voucher, profile: VoucherProfile) -> dict | None:
    """The rows RADIUS should hold for this voucher; None when it should hold none."""
    if voucher.state not in Voucher.LIVE_STATES:
        return None
    return attributes.rows_for(attributes.clean_user(payload_for(voucher, profile)))


def _with_retries(call, *args, **kwargs):
    """Call the agent up to RADIUS_SYNC_ATTEMPTS times, backing off on transient errors."""
    attempts = max(1, settings.RADIUS_SYNC_ATTEMPTS)
    for attempt in range(attempts):
        try:
            return call(*args, **kwargs)
        except AgentError as exc:
            if not exc.transient or attempt == attempts - 1:
                raise
            time.sleep(settings.RADIUS_SYNC_BACKOFF_SECONDS * 2**attempt)


def _sync_chunk(client: AgentClient, profile: VoucherProfile, chunk: list[Claimed]):
    outcome = ChunkOutcome(versions={v.pk: v.version for v in chunk})
    live = [v for v in chunk if v.state in Voucher.LIVE_STATES]
    gone = [v for v in chunk if v.state not in Voucher.LIVE_STATES]
    payloads = {v.code: payload_for(v, profile) for v in live}
    users = {code: attributes.clean_user(p) for code, p in payloads.items()}
    stored, verified = {}, set()
    try:
        if live:
            # The agent reads each voucher's rows back after its write committed and
            # answers their digest: a voucher whose digest is that of the rows it should
            # have is verified; the others are read in full, to compare row by row.
            answer = _with_retries(client.push_users, list(payloads.values()),
                                   read_back="digest")
            digests = answer.get("digests") or {}
            verified = {code for code, user in users.items()
                        if code in digests and digests[code] == attributes.user_digest(user)}
            differ = [code for code in payloads if code not in verified]
            if differ:
                stored.update(_with_retries(client.read_users, differ))
        if gone:
            _with_retries(client.delete_users, [v.code for v in gone])
            stored.update(_with_retries(client.read_users, [v.code for v in gone]))
    except AgentError as exc:
        outcome.fail([v.pk for v in chunk], str(exc))
        outcome.unreachable = str(exc) if exc.transient else ""
        return outcome
    for voucher in chunk:
        if voucher.code in verified:
            outcome.synced.append(voucher.pk)
            continue
        user = users.get(voucher.code)  # None: revoked, expired or used up
        rows = attributes.rows_for(user) if user else None
        diff = attributes.compare(rows, stored.get(voucher.code))
        if diff:
            outcome.fail([voucher.pk], attributes.describe(diff))
        else:
            outcome.synced.append(voucher.pk)
    return outcome


def _record(*outcomes: ChunkOutcome) -> None:
    """Write the statuses of these chunks' vouchers: one statement per status and error."""
    now = timezone.now()
    outcome = ChunkOutcome()
    for each in outcomes:
        outcome.versions.update(each.versions)
        outcome.synced += each.synced
        for error, ids in each.failed.items():
            outcome.fail(ids, error)
    groups = [(Status.SYNCED, "", outcome.synced),
              *((Status.FAILED, error, ids) for error, ids in outcome.failed.items())]
    with transaction.atomic():  # one commit
        _write_statuses(outcome, groups, now)


def _write_statuses(outcome: ChunkOutcome, groups: list, now) -> None:
    for status, error, ids in groups:
        if not ids:
            continue
        stamp = {"radius_synced_at": now} if status == Status.SYNCED else {}
        if not outcome.versions:
            Voucher.objects.filter(pk__in=ids).update(
                radius_sync_status=status, radius_sync_error=error, **stamp)
        elif connection.vendor == "postgresql":
            # One array parameter per column instead of 250 placeholders; each row
            # matched on its id and the version its chunk was built from.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Voucher._meta.db_table} AS v SET radius_sync_status = %s,"
                    " radius_synced_at = CASE WHEN %s THEN %s ELSE v.radius_synced_at END,"
                    " radius_sync_error = %s"
                    " FROM unnest(%s::bigint[], %s::xid[]) AS read (id, version)"
                    " WHERE v.id = read.id AND v.xmin = read.version",
                    [status, bool(stamp), now, error, ids,
                     [outcome.versions[pk] for pk in ids]])
        else:
            for state in {outcome.versions[pk] for pk in ids}:
                Voucher.objects.filter(
                    pk__in=[pk for pk in ids if outcome.versions[pk] == state], state=state,
                    radius_sync_status=Status.PENDING,
                ).update(radius_sync_status=status, radius_sync_error=error, **stamp)


# What the sync reads of a voucher; `version` is its row version (PostgreSQL's xmin) or,
# on SQLite, its state.
Claimed = collections.namedtuple("Claimed", "pk code password state expires_at version")


def _claim(batch: VoucherBatch, after_id: int) -> list[Claimed]:
    """The next WINDOW chunks of pending vouchers after `after_id`, in id order (plain
    rows, not model instances: 4x cheaper). Nothing is locked: see the module docstring."""
    limit = CHUNK * WINDOW
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, code, password, state, expires_at, xmin"
                f" FROM {Voucher._meta.db_table} WHERE batch_id = %s"
                " AND radius_sync_status = %s AND id > %s ORDER BY id LIMIT %s",
                [batch.pk, Status.PENDING, after_id, limit])
            return [Claimed(*row) for row in cursor.fetchall()]
    pending = Voucher.objects.filter(
        batch=batch, radius_sync_status=Status.PENDING, pk__gt=after_id
    ).order_by("pk").values_list("pk", "code", "password", "state", "expires_at", "state")
    return [Claimed(*row) for row in pending[:limit]]


@contextlib.contextmanager
def _one_sync_per_batch(batch: VoucherBatch):
    """Hold the batch's sync lock for the whole run, waiting for a sync of the same batch
    already running (PostgreSQL). SQLite, for one-machine installs with one worker, has
    no such lock: a chunk sent twice there is harmless (the agent's writes are
    idempotent)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [SYNC_LOCK, batch.pk])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [SYNC_LOCK, batch.pk])


def sync_batch(batch: VoucherBatch) -> dict:
    """Send a batch's pending vouchers to RADIUS, chunk by chunk; returns the final counts."""
    profile = batch.profile
    server = batch.target_server()
    if server is None:
        _fail_pending(batch, "No RADIUS server: link the batch's router to one.")
        return publish_progress(batch)
    with _one_sync_per_batch(batch):
        unreachable = _send_pending(batch, profile, server)
        if unreachable:
            # The agent is down: every later chunk would wait out its retries too.
            _fail_pending(batch, unreachable)
    return publish_progress(batch)


def _send_pending(batch: VoucherBatch, profile: VoucherProfile, server) -> str:
    """Send every pending voucher of the batch; returns why the agent became unreachable
    ("" if it did not), the vouchers not yet sent then left pending."""
    # One client (one keep-alive connection) per sender thread: a client is not
    # thread-safe. The threads only talk HTTP; every query stays on this thread.
    idle = queue.SimpleQueue()
    clients = [AgentClient.for_server(server) for _ in range(SENDERS)]
    for client in clients:
        idle.put(client)

    def send(chunk):
        client = idle.get()
        try:
            return _sync_chunk(client, profile, chunk)
        finally:
            idle.put(client)

    last_id, last_push, push_every, unreachable = 0, 0.0, PUSH_EVERY_SECONDS, ""
    waiting: collections.deque = collections.deque()  # futures, in claim order
    answered: list[ChunkOutcome] = []  # not recorded yet
    last_record, exhausted = time.monotonic(), False
    try:
        with ThreadPoolExecutor(SENDERS, thread_name_prefix="radius-sync") as pool:
            while True:
                if not exhausted and not unreachable and len(waiting) < SENDERS * 2:
                    claimed = _claim(batch, last_id)
                    exhausted = len(claimed) < CHUNK * WINDOW
                    if claimed:
                        last_id = claimed[-1].pk
                        waiting.extend(pool.submit(send, claimed[i : i + CHUNK])
                                       for i in range(0, len(claimed), CHUNK))
                if not waiting:
                    break
                # In claim order as chunks finish, recorded together (RECORD_EVERY_SECONDS)
                # while later ones are sent.
                outcomes = [waiting.popleft().result()]
                while waiting and waiting[0].done():
                    outcomes.append(waiting.popleft().result())
                answered += outcomes
                if not waiting or time.monotonic() - last_record >= RECORD_EVERY_SECONDS:
                    _record(*answered)
                    answered, last_record = [], time.monotonic()
                gone = next((o.unreachable for o in outcomes if o.unreachable), "")
                if gone and not unreachable:
                    unreachable = gone
                    for future in waiting:  # not started yet: left pending
                        future.cancel()
                    waiting = collections.deque(f for f in waiting if not f.cancelled())
                if time.monotonic() - last_push >= push_every:
                    last_push = time.monotonic()
                    publish_progress(batch)
                    # Counting reads the whole batch (100,000 rows: ~50 ms): at most 5%
                    # of the sync's time goes to progress, however large the batch.
                    push_every = max(PUSH_EVERY_SECONDS, 20 * (time.monotonic() - last_push))
    finally:
        for client in clients:
            client.close()
    return unreachable


def _fail_pending(batch: VoucherBatch, error: str) -> None:
    Voucher.objects.filter(batch=batch, radius_sync_status=Status.PENDING).update(
        radius_sync_status=Status.FAILED, radius_sync_error=error[:2000]
    )


def batch_progress(batch: VoucherBatch) -> dict:
    """Counts by sync status and state, the percentage settled, and whether it is done."""
    rows = Voucher.objects.filter(batch=batch).values_list("radius_sync_status").annotate(
        n=Count("pk")
    )
    counts = {s: 0 for s in Status.values} | dict(rows)
    total = sum(counts.values())
    settled = counts[Status.SYNCED] + counts[Status.FAILED]
    return {
        "total": total, **counts,
        "percent": round(100 * settled / total) if total else 100,
        "synced_percent": round(100 * counts[Status.SYNCED] / total) if total else 0,
        "done": counts[Status.PENDING] == 0,
    }


def publish_progress(batch: VoucherBatch) -> dict:
    """Push the batch's progress partial to everyone watching it; returns the counts."""
    progress = batch_progress(batch)
    events.publish("vouchers/partials/batch_progress.html",
                   {"batch": batch, "progress": progress},
                   events.batch_group(batch.organization_id, batch.pk))
    return progress


def verify_batch(batch: VoucherBatch) -> dict:
    """Compare every voucher of a batch with RADIUS; mismatches become `failed`."""
    profile = batch.profile
    report = {"checked": 0, "ok": 0, "problems": [], "problem_count": 0}
    server = batch.target_server()
    if server is None:
        report["error"] = "No RADIUS server: link the batch's router to one."
        return _save_report(batch, report)
    client = AgentClient.for_server(server)
    vouchers = Voucher.objects.filter(batch=batch).order_by("pk")
    last_id = 0
    try:
        while chunk := list(vouchers.filter(pk__gt=last_id)[:CHUNK]):
            last_id = chunk[-1].pk
            stored = _with_retries(client.read_users, [v.code for v in chunk])
            outcome = ChunkOutcome()
            for voucher in chunk:
                diff = attributes.compare(expected_rows(voucher, profile), stored.get(voucher.code))
                report["checked"] += 1
                if not diff:
                    report["ok"] += 1
                    continue
                report["problem_count"] += 1
                if len(report["problems"]) < MAX_REPORTED_PROBLEMS:
                    report["problems"].append({"code": voucher.code, **diff})
                if voucher.radius_sync_status == Status.SYNCED:
                    outcome.fail([voucher.pk], attributes.describe(diff))
            _record(outcome)
    except AgentError as exc:
        report["error"] = str(exc)
    finally:
        client.close()
    return _save_report(batch, report)


def _save_report(batch: VoucherBatch, report: dict) -> dict:
    batch.verify_report = report
    batch.verified_at = timezone.now()
    batch.save(update_fields=["verify_report", "verified_at"])
    publish_progress(batch)
    return report
