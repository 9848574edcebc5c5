"""Daily usage recomputed from sessions: the repair of what the feed adds up as it goes.

The feed adds each change's growth to DailyUsage as it reads it; `rollup_day` recomputes a
whole day from the sessions that started on it (one INSERT ... SELECT ... GROUP BY), so a
day is exactly its sessions again whatever happened (a restored backup, a bug fixed).
The periodic job recomputes yesterday once today has begun.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from accounting.models import DailyUsage, Session


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


@transaction.atomic
def rollup_day(day: dt.date) -> int:
    """Make DailyUsage of `day` exactly the sums of the sessions started that day; returns
    how many (organization, user) rows the day has."""
    start, end = day_bounds(day)
    usage, sessions = DailyUsage._meta.db_table, Session._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {usage} WHERE day = %s", [day])
        cursor.execute(
            f"INSERT INTO {usage} (organization_id, username, voucher_id, day, sessions,"
            " seconds, bytes_in, bytes_out)"
            " SELECT organization_id, username, MAX(voucher_id), %s, COUNT(*), SUM(seconds),"
            f" SUM(bytes_in), SUM(bytes_out) FROM {sessions}"
            " WHERE started_at >= %s AND started_at < %s GROUP BY organization_id, username",
            [day, start, end])
        return cursor.rowcount


def rollup_yesterday() -> int:
    return rollup_day(timezone.localdate() - dt.timedelta(days=1))
