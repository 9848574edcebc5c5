"""A plan's quota period: when the current one started (in TIME_ZONE, where operators bill)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def period_start(period: str, now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        start -= dt.timedelta(days=start.weekday())
    elif period == "month":
        start = start.replace(day=1)
    return start


def since(plan, now: dt.datetime | None = None) -> int | None:
    """Unix time of the plan's current quota period start, or None without a quota."""
    if not plan.quota_bytes:
        return None
    return int(period_start(plan.quota_period, now).timestamp())
