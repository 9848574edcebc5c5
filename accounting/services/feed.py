"""Reading each RADIUS server's accounting into the product: sessions and daily usage.

The agent hands out radacct's changes in order (radius.services.read_accounting: every
Start, Interim-Update, Stop or close gives the row a new change number). `pull(server)`
reads from where it stopped, upserts Session rows, adds what each change adds to the
user's DailyUsage of the session's start day, and lets the vouchers concerned update their
state (first use, used up). Each page is one transaction together with the cursor, so a
crash re-reads a page instead of losing or counting it twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounting.models import AccountingCursor, DailyUsage, Session
from radius.client import AgentClient, AgentError
from radius.models import RadiusServer

log = logging.getLogger(__name__)
PAGE = 5000
FIELDS = ["router", "voucher", "session_id", "username", "nas_address", "mac", "ip",
          "started_at", "updated_at", "stopped_at", "seconds", "bytes_in", "bytes_out",
          "terminate_cause", "change"]


def _when(value) -> dt.datetime | None:
    if not value:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def pull(server: RadiusServer, page: int = PAGE) -> int:
    """Read the server's new accounting changes; returns how many rows were read."""
    cursor, _ = AccountingCursor.objects.get_or_create(server=server)
    client = AgentClient.for_server(server)
    read = 0
    try:
        while True:
            with transaction.atomic():
                # The cursor row stays locked while its page is read and applied: a second
                # pull of the same server (a doubled job) waits and goes on from here,
                # instead of adding the same page's usage twice.
                cursor = AccountingCursor.objects.select_for_update().get(pk=cursor.pk)
                answer = client.read_accounting(cursor.last_change, page)
                touched = apply_rows(server, answer["rows"])
                cursor.last_change = answer["last"]
                cursor.read_at = timezone.now()
                cursor.error = ""
                cursor.save(update_fields=["last_change", "read_at", "error"])
                _vouchers_changed(touched)
            read += len(answer["rows"])
            if not answer.get("more"):
                break
    except AgentError as exc:
        AccountingCursor.objects.filter(pk=cursor.pk).update(error=str(exc)[:2000])
        log.warning("accounting of RADIUS server %s not read: %s", server.pk, exc)
    finally:
        client.close()
    return read


def apply_rows(server: RadiusServer, rows: list[dict]) -> set[int]:
    """Upsert these radacct rows as sessions and add their growth to daily usage; returns
    the ids of the vouchers whose sessions changed."""
    if not rows:
        return set()
    org = server.organization_id
    before = {
        unique_id: (seconds, bytes_in, bytes_out, started_at)
        for unique_id, seconds, bytes_in, bytes_out, started_at in Session.objects.filter(
            server=server, unique_id__in=[r["id"] for r in rows]
        ).values_list("unique_id", "seconds", "bytes_in", "bytes_out", "started_at")
    }
    routers = dict(server.routers.values_list("host", "pk"))
    vouchers = dict(
        _vouchers_for(org).filter(code__in={r["username"] for r in rows})
        .values_list("code", "pk"))
    sessions, growth = [], defaultdict(lambda: [0, 0, 0, 0])
    now = timezone.now()
    for row in rows:
        started = _when(row["start"]) or _when(row["update"]) or now
        voucher = vouchers.get(row["username"])
        session = {
            "organization_id": org, "server_id": server.pk,
            "router_id": routers.get(row["nas"]), "voucher_id": voucher,
            "unique_id": row["id"][:64], "session_id": (row["session_id"] or "")[:64],
            "username": row["username"][:64], "nas_address": row["nas"][:64],
            "mac": (row["mac"] or "").upper()[:64], "ip": row["ip"][:45],
            "started_at": started, "updated_at": _when(row["update"]),
            "stopped_at": _when(row["stop"]), "seconds": row["seconds"],
            "bytes_in": row["in"], "bytes_out": row["out"],
            "terminate_cause": (row["cause"] or "")[:32], "change": row["seq"]}
        sessions.append(session)
        old = before.get(session["unique_id"])
        day_of = old[3] if old and old[3] else started
        usage = growth[(session["username"], timezone.localdate(day_of), voucher)]
        usage[0] += 0 if old else 1
        usage[1] += session["seconds"] - (old[0] if old else 0)
        usage[2] += session["bytes_in"] - (old[1] if old else 0)
        usage[3] += session["bytes_out"] - (old[2] if old else 0)
    _upsert(sessions)
    _add_usage(org, growth)
    return {s["voucher_id"] for s in sessions if s["voucher_id"]}


def _vouchers_for(org_id: int):
    from vouchers.models import Voucher

    return Voucher.objects.filter(organization_id=org_id)


COLUMNS = ("organization_id", "server_id", "router_id", "voucher_id", "unique_id",
           "session_id", "username", "nas_address", "mac", "ip", "started_at", "updated_at",
           "stopped_at", "seconds", "bytes_in", "bytes_out", "terminate_cause", "change")
TYPES = ("bigint", "bigint", "bigint", "bigint", "text", "text", "text", "text", "text", "text",
         "timestamptz", "timestamptz", "timestamptz", "bigint", "bigint", "bigint", "text",
         "bigint")


def _upsert(sessions: list[dict]) -> None:
    """Insert or update a page of sessions in one statement (PostgreSQL: arrays through
    unnest, about 10x faster than bulk_create's row of placeholders per session)."""
    if connection.vendor != "postgresql":
        Session.objects.bulk_create([Session(**s) for s in sessions], update_conflicts=True,
                                    unique_fields=["server", "unique_id"],
                                    update_fields=FIELDS, batch_size=500)
        return
    table = Session._meta.db_table
    arrays = [[s[c] for s in sessions] for c in COLUMNS]
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS
                        if c not in ("organization_id", "server_id", "unique_id"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(COLUMNS)}) SELECT * FROM unnest("
            + ", ".join(f"%s::{t}[]" for t in TYPES)
            + f") ON CONFLICT (server_id, unique_id) DO UPDATE SET {updates}", arrays)


def _add_usage(org: int, growth: dict) -> None:
    """Add each (user, day)'s growth to DailyUsage in one statement."""
    rows = [(org, voucher, name, day, s, sec, bin_, bout)
            for (name, day, voucher), (s, sec, bin_, bout) in growth.items()
            if s or sec or bin_ or bout]
    if not rows:
        return
    table = DailyUsage._meta.db_table
    upsert = (
        " ON CONFLICT (organization_id, username, day) DO UPDATE SET"
        f" sessions = {table}.sessions + excluded.sessions,"
        f" seconds = {table}.seconds + excluded.seconds,"
        f" bytes_in = {table}.bytes_in + excluded.bytes_in,"
        f" bytes_out = {table}.bytes_out + excluded.bytes_out,"
        f" voucher_id = COALESCE(excluded.voucher_id, {table}.voucher_id)")
    columns = ("organization_id, voucher_id, username, day, sessions, seconds, bytes_in,"
               " bytes_out")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest(%s::bigint[],"
                " %s::bigint[], %s::text[], %s::date[], %s::int[], %s::bigint[], %s::bigint[],"
                " %s::bigint[])" + upsert, [list(c) for c in zip(*rows, strict=True)])
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s,"
                               " %s, %s, %s)" + upsert, rows)


def _vouchers_changed(voucher_ids: set[int]) -> None:
    if voucher_ids:
        from accounting.services import disconnect
        from vouchers.services import usage

        usage.apply(voucher_ids)
        disconnect.sweep(voucher_ids)


def pull_all() -> list[int]:
    """Enqueue a pull for every active RADIUS server (the periodic job)."""
    from accounting import jobs
    from hotspot.jobs import enqueue

    ids = list(RadiusServer.objects.filter(is_active=True).values_list("pk", flat=True))
    for server_id in ids:
        enqueue(jobs.pull_accounting, server_id, unique=True)
    return ids
