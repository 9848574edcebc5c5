"""Secrets inside stored router snapshots.

A deployment keeps what the router held before (its rollback restores from it) and
after. Some of those rows carry secrets: the `/radius` shared secret, PPP secrets'
and users' passwords. They are stored encrypted ("sealed:" + Fernet token) and opened
only where a rollback must give them back to the router; pages show them masked.
"""

from __future__ import annotations

from hotspot import crypto

SECRET_FIELDS = {
    "/radius": frozenset({"secret"}),
    "/ppp/secret": frozenset({"password"}),
    "/user": frozenset({"password"}),
    "/ip/hotspot/user": frozenset({"password"}),
}
PREFIX = "sealed:"
MASK = "(hidden)"


def _map(state: dict, change) -> dict:
    out = {}
    for path, rows in (state or {}).items():
        fields = SECRET_FIELDS.get(path)
        if not fields or not isinstance(rows, list):
            out[path] = rows
            continue
        out[path] = [{k: (change(v) if k in fields and v else v) for k, v in row.items()}
                     for row in rows]
    return out


def seal(state: dict) -> dict:
    """A snapshot fit for storing: secret values encrypted."""
    return _map(state, lambda v: v if str(v).startswith(PREFIX) else PREFIX + crypto.encrypt(v))


def unseal(state: dict) -> dict:
    """A stored snapshot with its secrets readable again (for restoring them)."""
    return _map(state, lambda v: crypto.decrypt(v[len(PREFIX):]) if str(v).startswith(PREFIX)
                else v)


def masked(state: dict) -> dict:
    """A snapshot for display: secret values replaced by a mask."""
    return _map(state, lambda v: MASK)


def mask_text(path: str, key: str, text: str) -> str:
    return MASK if key in SECRET_FIELDS.get(path, ()) and text else text
