"""The one reaper: nothing waits forever for a lost message or a dead worker.

For every kind of job row:
- running with no heartbeat for JOB_STALE_SECONDS: its worker (and work horse) died;
  the row decides what that means (`interrupted()`: run again, or roll back);
- pending and sent more than JOB_PENDING_GRACE_SECONDS ago, but its message is not in
  Redis (flushed, lost): sent again;
- pending, due and never sent (a retry's backoff is over, or the send failed): sent.

It runs in the scheduler process, which needs no worker and no queue to do it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from background import lifecycle
from background.models import JobRow, JobStatus

log = logging.getLogger(__name__)
S = JobStatus


def job_models() -> list[type[JobRow]]:
    return [m for m in apps.get_models() if issubclass(m, JobRow)]


@dataclass
class Reaped:
    interrupted: int = 0
    resent: int = 0
    sent: int = 0

    def __bool__(self) -> bool:
        return bool(self.interrupted or self.resent or self.sent)


def reap(now: dt.datetime | None = None) -> Reaped:
    """One pass over every kind of job row."""
    now = now or timezone.now()
    done = Reaped()
    for model in job_models():
        for row in model.objects.filter(status=S.RUNNING,
                                        heartbeat_at__lt=lifecycle.stale_before()):
            row.interrupted()
            done.interrupted += 1
        done.resent += resend_lost(model, now)
        done.sent += send_due(model, now)
    if done:
        log.info("reaper: %s", done)
    return done


def resend_lost(model: type[JobRow], now: dt.datetime) -> int:
    grace = now - dt.timedelta(seconds=settings.JOB_PENDING_GRACE_SECONDS)
    count = 0
    for row in model.objects.filter(status=S.PENDING, enqueued_at__lt=grace):
        if not lifecycle.message_exists(row):
            log.warning("%s %s: its queue message was lost; sending it again",
                        row.label(), row.pk)
            count += lifecycle.send(row)
    return count


def send_due(model: type[JobRow], now: dt.datetime) -> int:
    """Rows never sent: scheduled ones whose time has come, and immediate ones whose
    send after commit did not happen (a grace period lets that send go first)."""
    grace = now - dt.timedelta(seconds=2)
    due = model.objects.filter(status=S.PENDING, enqueued_at__isnull=True).filter(
        Q(run_at__lte=now) | Q(run_at__isnull=True, created_at__lt=grace))
    return sum(lifecycle.send(row) for row in due)
