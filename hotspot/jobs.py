"""Declaring and enqueueing background jobs.

A job function is declared with `@job(queue)` against the registry in hotspot.queues
and started with `enqueue(func, *args)`, which records a `background.Job` row first and
sends the RQ message after the transaction commits. Messages carry the row's id only:
the row is the truth if Redis loses the message (background.reaper sends it again).
Deployments and imports are job rows of their own (background.lifecycle.submit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from hotspot import queues

REGISTRY: dict[str, JobSpec] = {}


@dataclass(frozen=True)
class JobSpec:
    func: Callable
    queue: str
    timeout: int | None
    retry_delays: tuple[float, ...]  # seconds before each retry of a failed attempt
    title: str

    @property
    def path(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"


def job(queue: str, *, timeout: int | None = None, retry_delays: tuple[float, ...] = (),
        title: str = ""):
    """Declare a function as a job bound to `queue` (checked by hotspot.checks)."""

    def declare(func: Callable) -> Callable:
        name = title or (func.__doc__ or func.__name__).strip().splitlines()[0].rstrip(".")
        spec = JobSpec(func, queue, timeout, tuple(retry_delays), name)
        REGISTRY[spec.path] = spec
        func.job_spec = spec
        return func

    return declare


def spec_of(func: Callable) -> JobSpec:
    spec = getattr(func, "job_spec", None)
    if spec is None:
        raise ValueError(f"{func.__qualname__} is not declared with @job")
    if spec.queue not in queues.WORKER_QUEUES:
        # Seed 001's bug, refused at the call instead of lost in Redis.
        raise ValueError(f"{spec.path} is bound to queue {spec.queue!r}, which no worker serves")
    return spec


def enqueue(func: Callable, *args, router=None, organization=None,
            delay: dt.timedelta | None = None, unique: bool = False):
    """Record a job row for `func(*args)` and send it once the transaction commits.

    With `unique`, a queued or running row of the same job and arguments is returned
    instead of a second one: periodic fan-outs (an accounting pull per server) must not
    pile up behind a slow server.
    """
    from django.utils import timezone

    from background import lifecycle
    from background.models import ACTIVE, Job

    spec = spec_of(func)
    if unique:
        waiting = Job.objects.filter(kind=spec.path, args=list(args), status__in=ACTIVE).first()
        if waiting is not None:
            return waiting
    if router is not None and organization is None:
        organization = router.organization_id
    row = Job(kind=spec.path, args=list(args), router=router,
              organization_id=getattr(organization, "pk", organization),
              run_at=timezone.now() + delay if delay else None)
    return lifecycle.submit(row)


def queue_for(name: str):
    """The RQ queue of a registry name (tests and the admin look into queues)."""
    import django_rq

    return django_rq.get_queue(name)
