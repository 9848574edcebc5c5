"""Declaring and enqueueing background jobs.

A job is declared with `@job(queue)` against the registry in hotspot.queues and
enqueued with `enqueue(func, row_id)`. Messages carry ids only: the job re-reads
its database row, which is the truth if Redis loses the message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import django_rq
from django.db import transaction
from rq import Retry

from hotspot import queues

REGISTRY: dict[str, JobSpec] = {}


@dataclass(frozen=True)
class JobSpec:
    func: Callable
    queue: str
    timeout: int | None
    retry: Retry | None

    @property
    def path(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"


def job(queue: str, *, timeout: int | None = None, retry: Retry | None = None):
    """Declare a function as a job bound to `queue` (checked by hotspot.checks)."""

    def declare(func: Callable) -> Callable:
        spec = JobSpec(func, queue, timeout, retry)
        REGISTRY[spec.path] = spec
        func.job_spec = spec
        return func

    return declare


def _spec(func: Callable) -> JobSpec:
    spec = getattr(func, "job_spec", None)
    if spec is None:
        raise ValueError(f"{func.__qualname__} is not declared with @job")
    if spec.queue not in queues.WORKER_QUEUES:
        # Seed 001's bug, refused at the call instead of lost in Redis.
        raise ValueError(f"{spec.path} is bound to queue {spec.queue!r}, which no worker serves")
    return spec


def _options(spec: JobSpec, job_id: str | None) -> dict:
    options = {"job_id": job_id, "retry": spec.retry}
    if spec.timeout:
        options["job_timeout"] = spec.timeout
    return options


def enqueue(func: Callable, *args, job_id: str | None = None) -> None:
    """Enqueue `func(*args)` on its declared queue once the transaction commits."""
    spec = _spec(func)
    queue = django_rq.get_queue(spec.queue, commit_mode="auto")
    transaction.on_commit(lambda: queue.enqueue(func, *args, **_options(spec, job_id)))


def enqueue_in(delay: dt.timedelta, func: Callable, *args, job_id: str | None = None) -> None:
    """Schedule `func(*args)` after `delay` (RQ's scheduler; workers never sleep)."""
    spec = _spec(func)
    queue = django_rq.get_queue(spec.queue, commit_mode="auto")
    # django-rq ignores its commit mode for enqueue_in (django-rq #821): defer by hand.
    transaction.on_commit(
        lambda: queue.enqueue_in(delay, func, *args, **_options(spec, job_id))
    )


def queue_for(name: str):
    return django_rq.get_queue(name, commit_mode="auto")
