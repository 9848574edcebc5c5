"""Daily usage recomputed from sessions: the repair of what the feed adds up as it goes.

The feed adds each change's growth to DailyUsage as it reads it; `rollup_day` recomputes a
whole day from the sessions that started on it (one INSERT ... SELECT ... GROUP BY ... ON
CONFLICT), so a day is exactly its sessions again whatever happened (a restored backup, a
bug fixed).
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
    how many (organization, user) rows the day has.

    An upsert, not delete-and-insert: rows whose numbers did not change are not rewritten,
    and changed ones are updated in place (no indexed column changes, so PostgreSQL needs
    no index entries for them); users without sessions that day any more are removed."""
    start, end = day_bounds(day)
    usage, sessions = DailyUsage._meta.db_table, Session._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The day's users are grouped in memory, not in batches spilled to disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(
            f"INSERT INTO {usage} AS d (organization_id, username, voucher_id, day, sessions,"
            " seconds, bytes_in, bytes_out)"
            " SELECT organization_id, username, MAX(voucher_id), %s, COUNT(*), SUM(seconds),"
            f" SUM(bytes_in), SUM(bytes_out) FROM {sessions}"
            " WHERE started_at >= %s AND started_at < %s GROUP BY organization_id, username"
            " ON CONFLICT (organization_id, username, day) DO UPDATE SET"
            " sessions = excluded.sessions, seconds = excluded.seconds,"
            " bytes_in = excluded.bytes_in, bytes_out = excluded.bytes_out,"
            " voucher_id = excluded.voucher_id"
            " WHERE d.sessions <> excluded.sessions OR d.seconds <> excluded.seconds"
            " OR d.bytes_in <> excluded.bytes_in OR d.bytes_out <> excluded.bytes_out",
            [day, start, end])
        cursor.execute(
            f"DELETE FROM {usage} WHERE day = %s AND NOT EXISTS (SELECT 1 FROM {sessions} s"
            f" WHERE s.organization_id = {usage}.organization_id"
            f" AND s.username = {usage}.username"
            " AND s.started_at >= %s AND s.started_at < %s)", [day, start, end])
        cursor.execute(f"SELECT count(*) FROM {usage} WHERE day = %s", [day])
        return cursor.fetchone()[0]


def rollup_yesterday() -> int:
    return rollup_day(timezone.localdate() - dt.timedelta(days=1))
