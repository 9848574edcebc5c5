"""What the scheduler process does every second (`manage.py scheduler`).

Periodic jobs become job rows at their intervals (never two of a kind at once), and the
reaper runs. Delayed work (retries, probes) is a row with `run_at`; the reaper sends it
when due. RQ's own scheduler is not used: it is held by a lock that a killed worker
keeps for minutes, and everything it would do is in the database here.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string

from background import lifecycle, reaper
from background.models import Job
from hotspot import jobs, periodic

log = logging.getLogger(__name__)


@dataclass
class State:
    last_run: dict[str, float] = field(default_factory=dict)
    last_reap: float = float("-inf")


def tick(state: State | None = None, force: bool = False,
         only: tuple[str, ...] | None = None) -> State:
    """One round: submit what is due, reap when its interval has passed. `only` limits
    the periodic jobs considered (tests)."""
    state = state or State()
    now = time.monotonic()
    for entry in periodic.PERIODIC:
        if only is not None and entry.path not in only:
            continue
        interval = getattr(settings, entry.setting_name, entry.default)
        if force or now - state.last_run.get(entry.path, float("-inf")) >= interval:
            state.last_run[entry.path] = now
            _guarded(submit_periodic, entry)
    if force or now - state.last_reap >= settings.JOB_REAPER_SECONDS:
        state.last_reap = now
        _guarded(reaper.reap)
    return state


def submit_periodic(entry: periodic.Periodic) -> Job | None:
    """A row for a periodic job, unless one of its kind is still queued or running."""
    if entry.when is not None and not import_string(entry.when)():
        return None
    if lifecycle.active_exists(Job.objects.filter(kind=entry.path)):
        return None
    return jobs.enqueue(import_string(entry.path))


def _guarded(func, *args) -> None:
    try:
        func(*args)
    except Exception:  # the scheduler must keep ticking whatever one round hit
        log.exception("scheduler: %s failed", getattr(func, "__name__", func))


def run_forever(every: float = 1.0) -> None:
    state = State()
    while True:
        close_old_connections()  # a long-lived process: drop connections the server closed
        tick(state)
        time.sleep(every)
