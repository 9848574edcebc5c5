"""Shared by the hardening tests: what a request wrote to the database."""

from django.db import connection


def row_counts() -> dict[str, int]:
    """Rows of every table of the database (models, FreeRADIUS's tables, all of them)."""
    tables = sorted(connection.introspection.table_names())
    sql = " UNION ALL ".join(
        f"SELECT '{t}', COUNT(*) FROM {connection.ops.quote_name(t)}" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def writes() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, per table.

    PostgreSQL counts them per transaction (pg_stat_xact_user_tables), savepoints
    included: stricter than row counts (an UPDATE counts too) and one cheap query.
    Elsewhere, row counts stand in.
    """
    if connection.vendor != "postgresql":
        return row_counts()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del"
                       " FROM pg_stat_xact_user_tables")
        return dict(cursor.fetchall())
