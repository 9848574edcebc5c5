"""Periodic jobs: what the scheduler enqueues, and how often.

Each entry is (job function path, interval setting name, default seconds). The
scheduler command enqueues each with a fixed job id so a slow run is never
doubled up by the next tick.
"""

from __future__ import annotations

PERIODIC: list[tuple[str, str, int]] = []


def every(setting_name: str, default_seconds: int):
    """Declare a job (already decorated with @job) as periodic."""

    def register(func):
        PERIODIC.append((f"{func.__module__}.{func.__qualname__}", setting_name, default_seconds))
        return func

    return register
