"""Every state change of a job row, in one place.

    submit(row)      pending; the RQ message goes out once the transaction commits
    send(row)        (re)send the message for a pending row (scheduler, reaper)
    claim(model, pk) pending -> running, by a conditional UPDATE: one worker wins
    step(row, ...)   persist a stage and push it (also the heartbeat)
    finish(row, ...) running -> completed | failed | errored
    requeue(row)     running -> pending again (its worker died; idempotent work)
    retry_later(row) failed attempt -> pending with a backoff (jobs declared with retries)

Nothing else writes a job row's status.
"""

from __future__ import annotations

import datetime as dt
import logging

import django_rq
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rq.job import Job as RQJob

from background.models import JobRow, JobStatus
from hotspot import queues

log = logging.getLogger(__name__)
S = JobStatus


class JobFailed(Exception):
    """An expected failure (the router did not answer, the agent refused): ends `failed`."""


def message_id(row: JobRow) -> str:
    """The RQ job id of a row's current message (one per claim attempt)."""
    return f"{row._meta.label_lower.replace('.', '-')}-{row.pk}-{row.attempts}"


def submit(row: JobRow) -> JobRow:
    """Save a new pending row and send its message after commit (or at `run_at`)."""
    if row.queue_name not in queues.WORKER_QUEUES:
        # Seed 001's bug, refused at the call instead of lost in Redis.
        raise ValueError(f"{row.label()} is bound to queue {row.queue_name!r}, "
                         "which no worker serves")
    row.status = S.PENDING
    row.save()
    if row.run_at is None or row.run_at <= timezone.now():
        pk, model = row.pk, type(row)
        transaction.on_commit(lambda: send(model.objects.filter(pk=pk).first()))
    return row


def send(row: JobRow | None) -> bool:
    """Put a pending row's message on its queue; the row records when."""
    if row is None or row.status != S.PENDING:
        return False
    queue = django_rq.get_queue(row.queue_name)
    try:
        queue.enqueue("background.runner.execute", row.label(), row.pk,
                      job_id=message_id(row), job_timeout=row.job_timeout or None,
                      result_ttl=600, failure_ttl=86400)
    except Exception:  # Redis down: the row stays pending and unsent; the scheduler resends
        log.warning("could not send %s %s", row.label(), row.pk, exc_info=True)
        return False
    type(row).objects.filter(pk=row.pk, status=S.PENDING).update(enqueued_at=timezone.now())
    return True


def message_exists(row: JobRow) -> bool:
    queue = django_rq.get_queue(row.queue_name)
    return RQJob.exists(message_id(row), connection=queue.connection)


def claim(model: type[JobRow], pk: int) -> JobRow | None:
    """Take a pending row for this worker; None when another worker has it (or it is gone)."""
    now = timezone.now()
    won = model.objects.filter(pk=pk, status=S.PENDING).update(
        status=S.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1,
        stage="started")
    if not won:
        return None
    return model.objects.get(pk=pk)


def beat(model: type[JobRow], pk: int) -> None:
    model.objects.filter(pk=pk, status=S.RUNNING).update(heartbeat_at=timezone.now())


def step(row: JobRow, stage: str, progress: int | None = None, **fields) -> None:
    """Persist a stage of a running row (outside any transaction of the work) and push it."""
    row.stage = stage[:120]
    if progress is not None:
        row.progress = progress
    row.heartbeat_at = timezone.now()
    for name, value in fields.items():
        setattr(row, name, value)
    # Only what changed: a deployment's row carries large snapshots.
    row.save(update_fields=["stage", "progress", "heartbeat_at", *fields])
    row.publish()


def finish(row: JobRow, status: str, error: str = "", **fields) -> None:
    """End a row: completed, failed (expected) or errored (a crash)."""
    assert status in (S.COMPLETED, S.FAILED, S.ERRORED), status
    row.status = status
    row.error = "" if status == S.COMPLETED else (error or row.error)
    row.finished_at = timezone.now()
    row.stage = fields.pop("stage", None) or {
        S.COMPLETED: "done", S.FAILED: "failed", S.ERRORED: "crashed"}[status]
    if status == S.COMPLETED:
        row.progress = 100
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    row.publish()


def requeue(row: JobRow, reason: str) -> bool:
    """A running row whose worker died goes back to pending and is sent again."""
    model = type(row)
    reset = model.objects.filter(pk=row.pk, status=S.RUNNING,
                                 heartbeat_at=row.heartbeat_at).update(
        status=S.PENDING, enqueued_at=None, stage="requeued", run_at=None)
    if not reset:
        return False  # it came back to life, or another reaper got it
    log.warning("%s %s requeued: %s", row.label(), row.pk, reason)
    fresh = model.objects.get(pk=row.pk)
    fresh.publish()
    send(fresh)
    return True


def retry_later(row: JobRow, delay: float, error: str) -> None:
    """A failed attempt of a job declared with retries: pending again after `delay`."""
    row.status = S.PENDING
    row.error = error
    row.stage = f"retrying in {delay:g} s"
    row.run_at = timezone.now() + dt.timedelta(seconds=delay)
    row.enqueued_at = None
    row.save()
    row.publish()


def active_exists(queryset) -> bool:
    """Whether a matching row is still pending or running (the "already queued" test)."""
    return queryset.filter(status__in=(S.PENDING, S.RUNNING)).exists()


def stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.JOB_STALE_SECONDS)
