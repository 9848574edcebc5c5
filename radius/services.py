"""The only SQL toward RADIUS: FreeRADIUS's tables, written by the agent API.

Every write is idempotent: a user's rows are deleted by username and inserted again
in one transaction, so resending a batch never duplicates rows (the standard schema
has no unique key to upsert on). PostgreSQL gets COPY; SQLite gets executemany.

Everything is scoped: `scope` is the agent scope of the token that asked (one RADIUS
server). A username belongs to the first scope that writes it (table radowner); reads
see only the scope's own users, and a write touching another scope's username is
refused whole (ScopeConflict), nothing written.
"""

from __future__ import annotations

import functools
from collections import defaultdict

from django.conf import settings
from django.db import connections, transaction

from radius import attributes

USER_TABLES = ("radcheck", "radreply", "radusergroup")
USER_COLUMNS = (("username", "attribute", "op", "value"), ("username", "attribute", "op", "value"),
                ("username", "groupname", "priority"))
NAS_SCOPE_PREFIX = "hotspot:"
# What a username in radowner is (radius/0006): a voucher's or a PPPoE subscriber's.
VOUCHER, SUBSCRIBER = "voucher", "subscriber"


class ScopeConflict(Exception):
    """A write names something another scope owns; nothing was written."""


def _alias() -> str:
    return settings.RADIUS_DATABASE


def _in(cursor, values) -> tuple[str, list]:
    """`IN (...)` for a list of values: one array parameter on PostgreSQL.

    250 placeholders cost more to build and parse (client-side binding quotes each one)
    than the query itself; `= ANY(%s)` sends one array and keeps the statement short.
    """
    if cursor.db.vendor == "postgresql":
        return "= ANY(%s)", [list(values)]
    return "IN (" + ",".join(["%s"] * len(values)) + ")", list(values)


def _insert(cursor, table: str, columns: tuple[str, ...], rows: list) -> None:
    if not rows:
        return
    if cursor.db.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _insert_text(cursor, table: str, columns: tuple[str, ...], text: str) -> None:
    """PostgreSQL: COPY rows already written in COPY's text format (see _copy_users)."""
    if text:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(text)


def _by_username(cursor) -> None:
    """Make this transaction's lookups by username use the username indexes.

    FreeRADIUS's tables may have no statistics yet (a new server; 100,000 users written
    within a minute, before autovacuum analyzes): PostgreSQL then guesses that
    `username = ANY(250 names)` matches half the table and scans all of it, 130 ms per
    chunk at 400,000 rows instead of about 1 ms. These lookups always want the index.
    The same wrong guess makes the plan look expensive enough for PostgreSQL to compile
    it (JIT, ~14 ms a statement) and to start parallel workers, for a few hundred rows:
    off as well (measured: half the agent's database time for a 100,000-voucher sync).
    """
    if cursor.db.vendor == "postgresql":
        # No parameters: one simple-protocol round trip for the three settings.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL jit = off;"
                       " SET LOCAL max_parallel_workers_per_gather = 0")


def _delete_users(cursor, usernames: list[str]) -> None:
    if cursor.db.vendor == "postgresql":
        # One statement (one round trip, the names sent once) for the three tables.
        cursor.execute(
            "WITH names AS MATERIALIZED (SELECT unnest(%s::text[]) AS username),"
            " c AS (DELETE FROM radcheck WHERE username = ANY(ARRAY(SELECT username FROM names))),"
            " r AS (DELETE FROM radreply WHERE username = ANY(ARRAY(SELECT username FROM names)))"
            " DELETE FROM radusergroup WHERE username = ANY(ARRAY(SELECT username FROM names))",
            [list(usernames)])
        return
    match, params = _in(cursor, usernames)
    for table in USER_TABLES:
        cursor.execute(f"DELETE FROM {table} WHERE username {match}", params)


def _claim(cursor, scope: str, usernames: list[str], kind: str = VOUCHER) -> bool:
    """Make these usernames the scope's, unless another scope has any of them (refused).

    Within a scope a username is a voucher's or a PPPoE subscriber's (radowner.kind), for
    good: a voucher write naming a subscriber (or the reverse) is refused whole, so
    neither kind can overwrite the other's rows.

    Returns True when every name was free until now (claimed by this very write)."""
    if not usernames:
        return False
    match, params = _in(cursor, usernames)
    if cursor.db.vendor == "postgresql":
        cursor.execute(
            "INSERT INTO radowner (username, scope, kind) SELECT unnest(%s::text[]), %s, %s"
            " ON CONFLICT (username) DO NOTHING", [list(usernames), scope, kind])
        if cursor.rowcount == len(set(usernames)):
            return True  # every name was free and is now this scope's, of this kind
    else:
        cursor.executemany(
            "INSERT OR IGNORE INTO radowner (username, scope, kind) VALUES (%s, %s, %s)",
            [(name, scope, kind) for name in usernames])
    # One read for both refusals: names another scope owns, and names of the other kind.
    cursor.execute(f"SELECT username, scope <> %s FROM radowner WHERE username {match}"
                   " AND (scope <> %s OR kind <> %s) ORDER BY username",
                   [scope, *params, scope, kind])
    rows = cursor.fetchall()
    taken = [name for name, foreign in rows if foreign]
    if taken:
        raise ScopeConflict(
            f"{len(taken)} username(s) belong to another RADIUS server: {', '.join(taken[:5])}")
    other = [name for name, _ in rows]
    if other:
        what = "PPPoE subscriber" if kind == VOUCHER else "voucher"
        raise ScopeConflict(f"{len(other)} username(s) are in use by a {what}: "
                            f"{', '.join(other[:5])}")
    return False


def _own(cursor, scope: str, usernames: list[str]) -> list[str]:
    """Those of these usernames the scope owns."""
    match, params = _in(cursor, usernames)
    # By primary key, the scope compared here (radowner has no index by scope: with one,
    # PostgreSQL picked it and walked every username of the scope to find these 250).
    cursor.execute(f"SELECT username, scope FROM radowner WHERE username {match}", params)
    return [name for name, owner in cursor.fetchall() if owner == scope]


# COPY's text format: these four characters are written as escapes.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value) -> str:
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_ESCAPES)
    return text


@functools.lru_cache(maxsize=256)
def _copy_endings(shared: tuple) -> tuple[tuple[str, ...], ...]:
    """A profile's rows (radius.attributes.profile_rows) as COPY text lines without
    their username: made once per profile, not once per voucher."""
    return tuple(tuple("\t" + "\t".join(map(_copy_field, row)) + "\n" for row in rows)
                 for rows in shared)


def _copy_users(users: list[dict]) -> tuple[str, str, str]:
    """The radcheck, radreply and radusergroup rows of these cleaned vouchers as COPY
    text: the same rows as radius.attributes.row_tuples, without a tuple per row and
    a formatting call per field (a 100,000-voucher sync writes a million rows)."""
    check, reply, groups = [], [], []
    for user in users:
        name = _copy_field(user["username"])
        check_end, reply_end, group_end = _copy_endings(attributes.profile_rows(user))
        check.append(f"{name}\tCleartext-Password\t:=\t{_copy_field(user['password'])}\n")
        check += [name + end for end in check_end]
        reply += [name + end for end in reply_end]
        groups += [name + end for end in group_end]
    return "".join(check), "".join(reply), "".join(groups)


def write_users(scope: str, users: list[dict]) -> int:
    """Replace the rows of these cleaned vouchers (radius.attributes.clean_batch)."""
    with transaction.atomic(using=_alias()), connections[_alias()].cursor() as cursor:
        _by_username(cursor)
        # Names no write has claimed before have no rows the agent wrote: nothing to
        # delete (the usual first sync). Rows put there by other means would show as extra
        # rows in the sync's read-back, and its retry, the names now claimed, deletes them.
        if not _claim(cursor, scope, [u["username"] for u in users]):
            _delete_users(cursor, [u["username"] for u in users])
        if cursor.db.vendor == "postgresql":
            for table, columns, text in zip(USER_TABLES, USER_COLUMNS, _copy_users(users),
                                            strict=True):
                _insert_text(cursor, table, columns, text)
        else:
            rows = [attributes.row_tuples(user) for user in users]
            for index, (table, columns) in enumerate(zip(USER_TABLES, USER_COLUMNS,
                                                         strict=True)):
                _insert(cursor, table, columns, [row for each in rows for row in each[index]])
    return len(users)


def write_subscribers(scope: str, items: list[dict]) -> int:
    """Replace the rows of these cleaned PPPoE subscribers (radius.subscriber_rows)."""
    from radius import subscriber_rows

    check, reply = [], []
    for item in items:
        rows = subscriber_rows.rows_for(item)
        check += [(item["username"], *row) for row in rows["check"]]
        reply += [(item["username"], *row) for row in rows["reply"]]
    names = [i["username"] for i in items]
    with transaction.atomic(using=_alias()), connections[_alias()].cursor() as cursor:
        _by_username(cursor)
        _claim(cursor, scope, names, SUBSCRIBER)
        _delete_users(cursor, names)
        _insert(cursor, "radcheck", USER_COLUMNS[0], check)
        _insert(cursor, "radreply", USER_COLUMNS[1], reply)
    return len(items)


def delete_subscribers(scope: str, usernames: list[str]) -> int:
    """Remove the scope's subscribers' rows (their ownership stays, with their history)."""
    if not usernames:
        return 0
    with transaction.atomic(using=_alias()), connections[_alias()].cursor() as cursor:
        _by_username(cursor)
        _claim(cursor, scope, usernames, SUBSCRIBER)
        match, params = _in(cursor, usernames)
        cursor.execute(f"SELECT count(DISTINCT username) FROM radcheck WHERE username {match}",
                       params)
        count = cursor.fetchone()[0]
        _delete_users(cursor, usernames)
    return count


def delete_users(scope: str, usernames: list[str]) -> int:
    """Remove the scope's users from RADIUS; returns how many were there.

    Rows no scope owns yet (written before scopes existed) are claimed, then removed; a
    name another scope owns refuses the whole request, nothing removed."""
    if not usernames:
        return 0
    with transaction.atomic(using=_alias()), connections[_alias()].cursor() as cursor:
        _by_username(cursor)
        match, params = _in(cursor, usernames)
        cursor.execute(
            f"SELECT DISTINCT username FROM radcheck WHERE username {match}"
            f" UNION SELECT username FROM radreply WHERE username {match}"
            f" UNION SELECT username FROM radusergroup WHERE username {match}", params * 3)
        present = [row[0] for row in cursor.fetchall()]
        _claim(cursor, scope, present)
        if not present:
            return 0
        cursor.execute(f"SELECT count(DISTINCT username) FROM radcheck WHERE username {match}",
                       params)
        count = cursor.fetchone()[0]
        _delete_users(cursor, present)
    return count


def read_users(scope: str, usernames: list[str]) -> dict[str, dict]:
    """The rows of the scope's users among these, as radius.attributes.rows_for shapes them;
    absent users, and users of other scopes, are omitted."""
    found: dict[str, dict] = defaultdict(lambda: {"check": [], "reply": [], "groups": []})
    if not usernames:
        return {}
    with transaction.atomic(using=_alias()), connections[_alias()].cursor() as cursor:
        _by_username(cursor)
        usernames = _own(cursor, scope, usernames)
        if not usernames:
            return {}
        match, params = _in(cursor, usernames)
        # One statement for the three tables: one round trip and one plan per read-back.
        cursor.execute(
            f"SELECT 'check', username, attribute, op, value FROM radcheck"
            f" WHERE username {match}"
            f" UNION ALL SELECT 'reply', username, attribute, op, value FROM radreply"
            f" WHERE username {match}"
            f" UNION ALL SELECT 'groups', username, groupname, '', CAST(priority AS TEXT)"
            f" FROM radusergroup WHERE username {match}",
            params * 3,
        )
        for key, name, first, op, value in cursor.fetchall():
            if key == "groups":
                found[name][key].append([first, int(value)])
            else:
                found[name][key].append([first, op, value])
    return {name: {k: sorted(v) for k, v in rows.items()} for name, rows in found.items()}


def _line(table: str, *columns: str) -> str:
    """SQL for radius.attributes.digest's line of one row: each field length-prefixed."""
    parts = [f"'{len(table)}:{table}'"]
    for column in columns:
        parts += [f"char_length({column})", "':'", column] if column != "''" else ["'0:'"]
    return f"concat({', '.join(parts)})"


def read_digests(scope: str, usernames: list[str], *, claimed: bool = False) -> dict[str, str]:
    """radius.attributes.digest of the rows of the scope's users among these, read now;
    absent users, and users of other scopes, are omitted. `claimed`: a write of this
    scope just claimed every one of these names (write_users), so none is another's and
    the ownership lookup is skipped.

    PostgreSQL computes the digests itself (the rows never leave the database): a sync's
    read-back is one small answer per chunk instead of ten rows per voucher in JSON.
    """
    if not usernames:
        return {}
    if connections[_alias()].vendor != "postgresql":
        return {name: attributes.digest(rows)
                for name, rows in read_users(scope, usernames).items()}
    if claimed:
        # The names sent once (quoted once), not once per table.
        names, params = "(SELECT names FROM sent)::text[]", [list(usernames)]
    else:
        # The scope's own names, picked in the same statement (one round trip), by
        # primary key and then by scope, for the reason _own gives.
        names = "ARRAY(SELECT username FROM own)"
        params = [list(usernames), scope]
    with transaction.atomic(using=_alias()), connections[_alias()].cursor() as cursor:
        _by_username(cursor)
        # Each row's line is built once, then sorted by code point ("C") per user.
        groups = _line("groups", "groupname", "CAST(priority AS TEXT)", "''")
        cursor.execute(
            ("WITH sent AS MATERIALIZED (SELECT %s::text[] AS names)" if claimed else
             "WITH found AS MATERIALIZED (SELECT username, scope FROM radowner"
             " WHERE username = ANY(%s)),"
             " own AS MATERIALIZED (SELECT username FROM found WHERE scope = %s)")
            + " SELECT username, encode(sha256(convert_to("
            "string_agg(line, '' ORDER BY line COLLATE \"C\"), 'UTF8')), 'hex') FROM ("
            f" SELECT username, {_line('check', 'attribute', 'op', 'value')} AS line"
            f" FROM radcheck WHERE username = ANY({names})"
            f" UNION ALL SELECT username, {_line('reply', 'attribute', 'op', 'value')}"
            f" FROM radreply WHERE username = ANY({names})"
            f" UNION ALL SELECT username, {groups}"
            f" FROM radusergroup WHERE username = ANY({names})"
            ") AS stored GROUP BY username",
            params,
        )
        return dict(cursor.fetchall())


def read_usage(scope: str, usernames: list[str]) -> dict[str, dict]:
    """Accounting per user of the scope from radacct: sessions, open sessions, seconds,
    octets, first start."""
    if not usernames:
        return {}
    with connections[_alias()].cursor() as cursor:
        usernames = _own(cursor, scope, usernames)
        if not usernames:
            return {}
        match, params = _in(cursor, usernames)
        cursor.execute(
            "SELECT username, count(*), count(*) - count(acctstoptime),"
            " coalesce(sum(acctsessiontime), 0),"
            " coalesce(sum(acctinputoctets), 0) + coalesce(sum(acctoutputoctets), 0),"
            f" min(acctstarttime) FROM radacct WHERE username {match} GROUP BY username",
            params,
        )
        return {
            name: {
                "sessions": sessions, "open": open_, "seconds": int(seconds),
                "octets": int(octets), "first_start": first.isoformat() if first else None,
            }
            for name, sessions, open_, seconds, octets, first in cursor.fetchall()
        }


def replace_nas(scope: str, clients: list[dict]) -> int:
    """Make the nas rows of `scope` (one RADIUS server's routers) exactly `clients`.

    FreeRADIUS knows a client by its address: an address another scope's NAS row holds is
    refused (its secret would be replaced by this one's), nothing written."""
    description = NAS_SCOPE_PREFIX + scope
    rows = [
        (c["nasname"], c["shortname"], c["type"], c["secret"], description)
        for c in attributes.clean_nas(clients)
    ]
    with transaction.atomic(using=_alias()), connections[_alias()].cursor() as cursor:
        names = sorted({row[0] for row in rows})
        if names:
            match, params = _in(cursor, names)
            cursor.execute(
                f"SELECT DISTINCT nasname FROM nas WHERE nasname {match}"
                " AND (description IS NULL OR description <> %s)", [*params, description])
            taken = [row[0] for row in cursor.fetchall()]
            if taken:
                raise ScopeConflict(
                    f"NAS address(es) held by another RADIUS server: {', '.join(taken[:5])}")
        cursor.execute("DELETE FROM nas WHERE description = %s", [description])
        _insert(cursor, "nas", ("nasname", "shortname", "type", "secret", "description"), rows)
    return len(rows)


def read_nas(scope: str) -> list[dict]:
    """The nas rows of `scope`, secrets included (agent API, Bearer-authenticated)."""
    with connections[_alias()].cursor() as cursor:
        cursor.execute(
            "SELECT nasname, shortname, type, secret FROM nas WHERE description = %s"
            " ORDER BY nasname",
            [NAS_SCOPE_PREFIX + scope],
        )
        return [
            {"nasname": n, "shortname": s, "type": t, "secret": secret}
            for n, s, t, secret in cursor.fetchall()
        ]


ACCOUNTING_COLUMNS = (
    "r.changeseq, r.acctuniqueid, r.acctsessionid, r.username, r.nasipaddress, r.nasportid,"
    " r.callingstationid, r.framedipaddress, r.calledstationid, r.acctstarttime,"
    " r.acctupdatetime, r.acctstoptime, r.acctsessiontime, r.acctinputoctets,"
    " r.acctoutputoctets, r.acctterminatecause"
)
ACCOUNTING_KEYS = ("seq", "id", "session_id", "username", "nas", "nas_port", "mac", "ip",
                   "called", "start", "update", "stop", "seconds", "in", "out", "cause")


def _iso(value):
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def read_accounting(scope: str, after: int, limit: int) -> dict:
    """The scope's radacct rows changed after change number `after`, in change order: every
    Start, Interim-Update and Stop (and close) gives its row a new number, so a reader that
    keeps the last number it saw misses nothing and reads nothing twice."""
    with connections[_alias()].cursor() as cursor:
        cursor.execute(
            f"SELECT {ACCOUNTING_COLUMNS} FROM radacct r"
            " JOIN radowner o ON o.username = r.username AND o.scope = %s"
            " WHERE r.changeseq > %s ORDER BY r.changeseq LIMIT %s",
            [scope, after, limit + 1])
        rows = cursor.fetchall()
    more = len(rows) > limit
    out = []
    for row in rows[:limit]:
        item = dict(zip(ACCOUNTING_KEYS, row, strict=True))
        for key in ("start", "update", "stop"):
            item[key] = _iso(item[key])
        for key in ("seconds", "in", "out"):
            item[key] = int(item[key] or 0)
        for key in ("nas", "ip"):
            item[key] = str(item[key]) if item[key] is not None else ""
        item["cause"] = item["cause"] or ""
        out.append(item)
    return {"rows": out, "last": out[-1]["seq"] if out else after, "more": more}


def close_sessions(scope: str, unique_ids: list[str], cause: str) -> int:
    """Close the scope's open sessions among these (a router no longer lists them): stopped at
    their last update, usage as last reported, `cause` as the termination cause. Nothing is
    deleted. Returns how many were closed."""
    if not unique_ids:
        return 0
    with transaction.atomic(using=_alias()), connections[_alias()].cursor() as cursor:
        match, params = _in(cursor, unique_ids)
        now = "now()" if cursor.db.vendor == "postgresql" else "CURRENT_TIMESTAMP"
        cursor.execute(
            f"UPDATE radacct SET acctstoptime = COALESCE(acctupdatetime, acctstarttime, {now}),"
            f" acctterminatecause = %s WHERE acctuniqueid {match} AND acctstoptime IS NULL"
            " AND EXISTS (SELECT 1 FROM radowner o WHERE o.username = radacct.username"
            " AND o.scope = %s)",
            [cause, *params, scope])
        return cursor.rowcount


def read_bindings(scope: str, usernames: list[str]) -> dict[str, dict]:
    """The device each of the scope's users is bound to (Hotspot-Device-Lock), if any."""
    if not usernames:
        return {}
    with connections[_alias()].cursor() as cursor:
        usernames = _own(cursor, scope, usernames)
        if not usernames:
            return {}
        match, params = _in(cursor, usernames)
        cursor.execute(f"SELECT username, callingstationid, boundat FROM radbinding"
                       f" WHERE username {match}", params)
        return {name: {"mac": mac, "bound_at": _iso(at)} for name, mac, at in cursor.fetchall()}


def release_bindings(scope: str, usernames: list[str]) -> int:
    """Unbind the scope's users from their device: the next device to log in is bound."""
    if not usernames:
        return 0
    with transaction.atomic(using=_alias()), connections[_alias()].cursor() as cursor:
        match, params = _in(cursor, usernames)
        cursor.execute(f"SELECT count(*) FROM radowner WHERE username {match} AND scope <> %s",
                       [*params, scope])
        if cursor.fetchone()[0]:
            raise ScopeConflict("a username belongs to another RADIUS server")
        cursor.execute(
            f"DELETE FROM radbinding WHERE username {match}"
            " AND EXISTS (SELECT 1 FROM radowner o WHERE o.username = radbinding.username"
            " AND o.scope = %s)",
            [*params, scope])
        return cursor.rowcount


def nas_secret(scope: str, nasname: str) -> str | None:
    """The secret of the scope's NAS row for this address (None: not the scope's NAS)."""
    with connections[_alias()].cursor() as cursor:
        cursor.execute("SELECT secret FROM nas WHERE nasname = %s AND description = %s",
                       [nasname, NAS_SCOPE_PREFIX + scope])
        row = cursor.fetchone()
    return row[0] if row else None


def owns(scope: str, username: str) -> bool:
    with connections[_alias()].cursor() as cursor:
        return bool(_own(cursor, scope, [username]))
