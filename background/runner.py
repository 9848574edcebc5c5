"""The one runner: what an RQ message does with the row it names.

    execute("provisioning.Deployment", 17)

claims the row (a conditional UPDATE, so a duplicate message does nothing), keeps its
heartbeat fresh from a side thread while the work runs (a killed worker stops beating,
and the reaper notices), runs it, and ends it `completed`, `failed` (JobFailed: an
expected failure) or `errored` (anything else: a crash, logged with its traceback).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading

from django.apps import apps
from django.conf import settings
from django.db import connection

from background import lifecycle
from background.models import JobRow, JobStatus

log = logging.getLogger(__name__)
_current: contextvars.ContextVar[JobRow | None] = contextvars.ContextVar("job", default=None)


def current() -> JobRow | None:
    """The row the running job belongs to (for jobs that report steps)."""
    return _current.get()


def execute(label: str, pk: int):
    """Claim and run one job row (the body of every RQ message)."""
    model = apps.get_model(label)
    row = lifecycle.claim(model, pk)
    if row is None:
        return "not claimed"
    return run_claimed(row)


def run_claimed(row: JobRow):
    token = _current.set(row)
    try:
        outcome = _run(row)
        _log_end(row)
        return outcome
    finally:
        _current.reset(token)


def _log_end(row: JobRow) -> None:
    """One line per job in the product's words: failures always (WARNING); deployments and
    imports at INFO; the routine jobs (periodic checks, pulls, syncs) at DEBUG, so `make
    run` stays readable."""
    try:
        row.refresh_from_db(fields=["status", "error"])
    except type(row).DoesNotExist:  # its router (and so the row) was deleted meanwhile
        return
    title = getattr(row, "title", None) or row._meta.verbose_name
    if row.status in (JobStatus.FAILED, JobStatus.ERRORED):
        log.warning("%s #%s %s: %s", title, row.pk, row.get_status_display().lower(),
                    row.error[:300])
    elif row.status == JobStatus.PENDING and row.error:
        log.info("%s #%s failed, will retry: %s", title, row.pk, row.error[:300])
    else:
        # Job rows are the routine kinds; deployments and imports have rows of their own.
        level = logging.DEBUG if hasattr(row, "kind") else logging.INFO
        log.log(level, "%s #%s %s", title, row.pk, row.get_status_display().lower())


def _run(row: JobRow):
    with heartbeat(type(row), row.pk):
        try:
            result = row.run()
        except lifecycle.JobFailed as exc:
            _failed(row, str(exc))
            return "failed"
        except Exception as exc:  # a crash: the row says so, the log has the traceback
            log.exception("%s %s crashed", row.label(), row.pk)
            row.refresh_from_db()
            if row.status == JobStatus.RUNNING:
                lifecycle.finish(row, JobStatus.ERRORED,
                                 f"Unexpected error: {type(exc).__name__}: {exc}"[:2000])
            return "errored"
    row.refresh_from_db(fields=["status"])
    if row.status == JobStatus.RUNNING:  # the work did not end the row itself
        fields = {"result": _jsonable(result)} if hasattr(row, "result") else {}
        lifecycle.finish(row, JobStatus.COMPLETED, **fields)
    return row.status


def _failed(row: JobRow, error: str) -> None:
    row.refresh_from_db()
    if row.status != JobStatus.RUNNING:
        return
    spec = getattr(row, "spec", None)
    delays = spec.retry_delays if spec else ()
    if row.attempts <= len(delays):
        lifecycle.retry_later(row, delays[row.attempts - 1], error)
    else:
        lifecycle.finish(row, JobStatus.FAILED, error)


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


@contextlib.contextmanager
def heartbeat(model: type[JobRow], pk: int):
    """Beat every JOB_HEARTBEAT_SECONDS from a side thread while the body runs."""
    stop = threading.Event()
    every = settings.JOB_HEARTBEAT_SECONDS

    def beat():
        try:
            while not stop.wait(every):
                try:
                    lifecycle.beat(model, pk)
                except Exception:  # a busy database must not kill the job; next beat retries
                    log.debug("heartbeat of %s %s missed", model._meta.label, pk,
                              exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 1)
