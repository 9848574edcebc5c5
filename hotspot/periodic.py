"""Periodic jobs: what the scheduler enqueues, and how often.

Each entry names a job function (already decorated with @job), the setting holding its
interval, and optionally a `when` function: the job is submitted only when it returns
true (probing runs only while some router is due). The scheduler never submits a kind
while one of it is still queued or running.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    path: str
    setting_name: str
    default: float
    when: str | None = None  # dotted path of a predicate


PERIODIC: list[Periodic] = []


def every(setting_name: str, default_seconds: float, when: str | None = None):
    """Declare a job (already decorated with @job) as periodic."""

    def register(func):
        PERIODIC.append(Periodic(f"{func.__module__}.{func.__qualname__}", setting_name,
                                 default_seconds, when))
        return func

    return register
