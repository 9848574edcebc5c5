"""Shared by the hardening tests: every table's row count, in one query."""

from django.db import connection


def row_counts() -> dict[str, int]:
    """Rows of every table of the database (models, FreeRADIUS's tables, all of them)."""
    tables = sorted(connection.introspection.table_names())
    sql = " UNION ALL ".join(
        f"SELECT '{t}', COUNT(*) FROM {connection.ops.quote_name(t)}" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())
