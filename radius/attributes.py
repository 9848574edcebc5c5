"""What a voucher becomes in FreeRADIUS's tables: the agent's payload and its rows.

Pure functions, shared by the agent (which writes the rows) and the sync client
(which reads them back and compares). Attributes are those a MikroTik hotspot honours.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re

from radius import ratelimit

MAX_USERS_PER_REQUEST = 250
GIGAWORD = 2**32
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

USERNAME_RE = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class PayloadError(ValueError):
    """A malformed voucher in an agent request."""


def expiration(value: dt.datetime) -> str:
    """FreeRADIUS's Expiration format, "01 Jan 2030 00:00:00" in UTC (locale-free)."""
    value = value.astimezone(dt.UTC) if value.tzinfo else value
    return f"{value.day:02d} {MONTHS[value.month - 1]} {value.year} {value:%H:%M:%S}"


def _int(user: dict, key: str, minimum: int) -> int | None:
    value = user.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise PayloadError(f"{key} must be a whole number >= {minimum} or null")
    return value


def _bool(user: dict, key: str) -> bool:
    value = user.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise PayloadError(f"{key} must be true or false")
    return value


def clean_text(item: dict, key: str, *, limit: int, required: bool = False) -> str:
    """item[key] as text of at most `limit` printable characters ("" when absent)."""
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise PayloadError(f"{key} is required")
        return ""
    if not isinstance(value, str) or len(value) > limit or CONTROL_RE.search(value):
        raise PayloadError(f"{key} must be text of at most {limit} printable characters")
    return value


def clean_user(user) -> dict:
    """Validate one voucher of an agent request; returns the normalised voucher."""
    if not isinstance(user, dict):
        raise PayloadError("each voucher must be an object")
    username = clean_text(user, "username", required=True, limit=64)
    if not USERNAME_RE.match(username):
        raise PayloadError("username may hold letters, digits and . _ @ - only")
    # The profile's fields are the same for every voucher of a batch: each distinct set
    # is validated once (types are part of the key, so 1 and True stay apart).
    try:
        shared = _clean_shared(tuple((type(user.get(k)), user.get(k)) for k in SHARED_FIELDS))
    except TypeError:  # a list or an object where a value belongs: not hashable
        shared = _clean_shared.__wrapped__(
            tuple((type(user.get(k)), user.get(k)) for k in SHARED_FIELDS))
    return {
        "username": username,
        "password": clean_text(user, "password", required=True, limit=128),
        **shared,
        "expiry": clean_expiry(user.get("expiry")),
    }


def clean_expiry(value) -> str | None:
    """An expiry as ISO 8601 with its offset (UTC when it has none); None stays None."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise PayloadError("expiry must be an ISO 8601 date and time") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).isoformat()


def clean_items(items: list, clean_one, label: str) -> list[dict]:
    """Each of a request's items cleaned by `clean_one`; any error (or a username twice)
    refuses them all, the first 20 errors named by their index."""
    cleaned, errors = [], []
    for index, item in enumerate(items):
        try:
            cleaned.append(clean_one(item))
        except PayloadError as exc:
            errors.append(f"{label}[{index}]: {exc}")
    if len({c["username"] for c in cleaned}) != len(cleaned):
        errors.append("duplicate usernames in the request")
    if errors:
        raise PayloadError("; ".join(errors[:20]))
    return cleaned


SHARED_FIELDS = ("profile", "time_limit", "data_limit", "rate_limit", "simultaneous_use",
                 "valid_for", "bind_device")


@functools.lru_cache(maxsize=64)
def _clean_shared(key: tuple) -> dict:
    user = {name: value for name, (_, value) in zip(SHARED_FIELDS, key, strict=True)}
    rate = clean_text(user, "rate_limit", required=False, limit=100)
    if rate:
        try:
            ratelimit.check_rate_limit(rate)
        except ratelimit.RateLimitError as exc:
            raise PayloadError(f"rate_limit: {exc}") from None
    return {
        "profile": clean_text(user, "profile", required=False, limit=64),
        "time_limit": _int(user, "time_limit", 1),
        "data_limit": _int(user, "data_limit", 1),
        "rate_limit": rate,
        "simultaneous_use": _int(user, "simultaneous_use", 1),
        "valid_for": _int(user, "valid_for", 1),
        "bind_device": _bool(user, "bind_device"),
    }


def clean_batch(body) -> list[dict]:
    """Validate a whole request body {"vouchers": [...]}: any error refuses all of it."""
    if not isinstance(body, dict) or not isinstance(body.get("vouchers"), list):
        raise PayloadError('body must be {"vouchers": [...]}')
    users = body["vouchers"]
    if not users:
        raise PayloadError("no vouchers")
    if len(users) > MAX_USERS_PER_REQUEST:
        raise PayloadError(f"at most {MAX_USERS_PER_REQUEST} vouchers per request")
    return clean_items(users, clean_user, "vouchers")


# FreeRADIUS's nas columns (its SQLite schema's sizes; the secret: what the form accepts).
NAS_LIMITS = {"nasname": 128, "shortname": 32, "type": 30, "secret": 128}


def clean_nas(clients) -> list[dict]:
    """Validate NAS rows for a scope: text of bounded length, "type" optional."""
    if not isinstance(clients, list) or len(clients) > MAX_USERS_PER_REQUEST:
        raise PayloadError(f"nas must be a list of at most {MAX_USERS_PER_REQUEST} clients")
    cleaned = []
    for index, client in enumerate(clients):
        if not isinstance(client, dict):
            raise PayloadError(f"nas[{index}] must be an object")
        try:
            row = {key: clean_text(client, key, required=key != "type", limit=limit)
                   for key, limit in NAS_LIMITS.items()}
        except PayloadError as exc:
            raise PayloadError(f"nas[{index}]: {exc}") from None
        cleaned.append({**row, "type": row["type"] or "other"})
    return cleaned


def profile_rows(user: dict) -> tuple:
    """The rows of a cleaned voucher that do not name it (all but the password): three
    tuples (check, reply, groups) of row tuples, shared by every voucher of the profile."""
    return _shared_rows(
        user.get("simultaneous_use"), user.get("time_limit"), user.get("expiry"),
        user.get("valid_for"), user.get("rate_limit"), user.get("data_limit"),
        user.get("profile"), bool(user.get("bind_device")),
    )


def row_tuples(user: dict) -> tuple[list, list, list]:
    """rows_for's rows as (username, ...) tuples for the tables, unsorted and shared: what
    the agent writes, without building a list per row (a sync writes ten per voucher)."""
    check, reply, groups = profile_rows(user)
    name = user["username"]
    return ([(name, "Cleartext-Password", ":=", user["password"]),
             *[(name, *row) for row in check]],
            [(name, *row) for row in reply], [(name, *row) for row in groups])


def rows_for(user: dict) -> dict:
    """The radcheck, radreply and radusergroup rows for one cleaned voucher."""
    check, reply, groups = profile_rows(user)
    # Fresh lists: callers may change them, the cached ones must not change.
    return {
        "check": sorted([["Cleartext-Password", ":=", user["password"]], *map(list, check)]),
        "reply": [list(row) for row in reply],
        "groups": [list(row) for row in groups],
    }


@functools.lru_cache(maxsize=256)
def _shared_rows(simultaneous_use, time_limit, expiry, valid_for, rate_limit, data_limit,
                 profile, bind_device=False) -> tuple:
    """The rows that depend on the profile only, not on the user: computed once per
    profile instead of once per voucher (a sync builds them for every voucher twice)."""
    check, reply = [], []
    if simultaneous_use:
        check.append(("Simultaneous-Use", ":=", str(simultaneous_use)))
    if time_limit:
        # Max-All-Session (sqlcounter noresetcounter) counts all sessions together and
        # lowers Session-Timeout to what is left; Session-Timeout alone covers a server
        # without the counter.
        check.append(("Max-All-Session", ":=", str(time_limit)))
        reply.append(("Session-Timeout", ":=", str(time_limit)))
    if expiry:
        check.append(("Expiration", ":=", expiration(dt.datetime.fromisoformat(expiry))))
    if valid_for:
        check.append(("Expire-After", ":=", str(valid_for)))
    if rate_limit:
        reply.append(("Mikrotik-Rate-Limit", ":=", rate_limit))
    if bind_device:
        # The shipped FreeRADIUS configuration binds the voucher to its first device.
        check.append(("Hotspot-Device-Lock", ":=", "1"))
    if data_limit:
        # Data across all sessions: the shipped configuration counts radacct against it
        # and replies what is left in Mikrotik-Total-Limit(-Gigawords).
        check.append(("Hotspot-Data-Limit", ":=", str(data_limit)))
        # The whole allowance as the per-session limit, for a server without that policy.
        # 32-bit attribute: above 4 GiB the high part goes in the Gigawords companion,
        # otherwise RouterOS silently truncates (5 GiB became 1 GiB).
        high, low = divmod(data_limit, GIGAWORD)
        reply.append(("Mikrotik-Total-Limit", ":=", str(low)))
        if high:
            reply.append(("Mikrotik-Total-Limit-Gigawords", ":=", str(high)))
    groups = [(profile, 1)] if profile else []
    return tuple(check), tuple(sorted(reply)), tuple(groups)


TABLE_KEYS = ("check", "reply", "groups")


def _line(table: str, a, b, c="") -> str:
    # Each field length-prefixed, so no value can pass for another field or row.
    a, b, c = str(a), str(b), str(c)
    return f"{len(table)}:{table}{len(a)}:{a}{len(b)}:{b}{len(c)}:{c}"


def digest(rows: dict | None) -> str | None:
    """SHA-256 of a user's rows in one canonical form; None for no rows at all.

    Each row is one line (its table and fields, length-prefixed); the lines are sorted
    by code point and joined. radius.services.read_digests computes the same value in
    PostgreSQL from the rows stored, so a sync compares 64 characters per voucher
    instead of its rows, and reads the rows only of a voucher whose digests differ.
    Duplicated rows count twice, so a duplicate changes the digest too.
    """
    lines = [_line(table, *row) for table in TABLE_KEYS for row in (rows or {}).get(table, [])]
    return _hash(lines)


def _hash(lines: list[str]) -> str | None:
    if not lines:
        return None
    lines.sort()
    return hashlib.sha256("".join(lines).encode()).hexdigest()


@functools.lru_cache(maxsize=256)
def _profile_lines(shared: tuple) -> tuple[str, ...]:
    check, reply, groups = shared
    return (*(_line("check", *r) for r in check), *(_line("reply", *r) for r in reply),
            *(_line("groups", *r) for r in groups))


def user_digest(user: dict) -> str | None:
    """digest(rows_for(user)), without building the rows: the profile's lines are made
    once per profile, only the password's line per voucher."""
    return _hash([_line("check", "Cleartext-Password", ":=", user["password"]),
                  *_profile_lines(profile_rows(user))])


def compare(expected: dict | None, actual: dict | None) -> dict:
    """Differences between the rows sent and those read back: missing, extra, changed."""
    expected = expected or {"check": [], "reply": [], "groups": []}
    actual = actual or {"check": [], "reply": [], "groups": []}
    if all(expected.get(t, []) == actual.get(t, []) for t in ("check", "reply", "groups")):
        # Both sides sorted, row for row equal (so no duplicates either): the usual case,
        # without building the per-attribute maps below.
        return {}
    diff = {"missing": [], "extra": [], "changed": []}
    for table in ("check", "reply", "groups"):
        want = {r[0]: r for r in map(tuple, expected.get(table, []))}
        have = {r[0]: r for r in map(tuple, actual.get(table, []))}
        for key in want.keys() - have.keys():
            diff["missing"].append([table, *want[key]])
        for key in have.keys() - want.keys():
            diff["extra"].append([table, *have[key]])
        for key in want.keys() & have.keys():
            if want[key] != have[key]:
                diff["changed"].append([table, list(want[key]), list(have[key])])
    # Duplicated rows (a retry that inserted twice) show up as extra.
    for table in ("check", "reply", "groups"):
        rows = [tuple(r) for r in actual.get(table, [])]
        for row in {r for r in rows if rows.count(r) > 1}:
            diff["extra"].append([table, *row])
    return {k: v for k, v in diff.items() if v}


def describe(diff: dict) -> str:
    """One line for a voucher's sync error."""
    parts = []
    for kind in ("missing", "extra", "changed"):
        for row in diff.get(kind, []):
            label = row[1][0] if kind == "changed" else row[1]
            parts.append(f"{kind} {row[0]} {label}")
    return "RADIUS rows differ: " + ", ".join(parts)
