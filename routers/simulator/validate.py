"""Value checks RouterOS makes before it changes anything."""

from __future__ import annotations

import ipaddress
from typing import Any

from . import menus, schema, sets
from .errors import Trap, bad_reference
from .state import RouterState

TRUE_WORDS = {"yes": "true", "true": "true", "no": "false", "false": "false"}


def normalize(menu: str, command: str, args: dict[str, str]) -> dict[str, str]:
    """Booleans are stored (and printed) as true/false, and flag sets in RouterOS's own
    order, whatever the client sent."""
    table = schema.arguments(menu, command) or {}
    out: dict[str, str] = {}
    for key, value in args.items():
        info: Any = table.get(key)
        if schema.is_boolean(info):
            word = TRUE_WORDS.get(value.lower())
            if word is None:
                raise Trap(f"value of {key} must be yes or no", 1)
            value = word
        elif "," in value or (menu, key) == ("/user/group", "policy"):
            value = sets.canonical(menu, key, value)
        out[key] = value
    return out


def check_ranges(value: str) -> None:
    """/ip/pool ranges: comma list of A.B.C.D, A.B.C.D-A.B.C.D or A.B.C.D/len."""
    message = "value of range expects range of ip addresses"
    for part in value.split(","):
        part = part.strip()
        try:
            if "-" in part:
                low, high = (ipaddress.IPv4Address(p) for p in part.split("-", 1))
                if low > high:
                    raise Trap(message, 1)
            elif "/" in part:
                ipaddress.IPv4Network(part, strict=False)
            else:
                ipaddress.IPv4Address(part)
        except ValueError:
            raise Trap(message, 1) from None


def check_address(value: str) -> None:
    try:
        ipaddress.IPv4Interface(value)
    except ValueError:
        raise Trap("invalid value for argument address", 1) from None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def check_values(state: RouterState, menu: str, fields: dict[str, str]) -> None:
    """References to other menus and the few value formats the product relies on."""
    spec = menus.spec_for(menu, True)
    for ref in spec.refs:
        value = fields.get(ref.arg)
        if value is None or value == "" or value in ref.extra:
            continue
        if ref.ip_ok and _is_ip(value):
            continue
        target = state.table(ref.menu)
        if target.by_key(value) is None:
            raise bad_reference(ref.arg)
    if menu == "/ip/pool" and "ranges" in fields:
        check_ranges(fields["ranges"])
    if menu == "/ip/address" and "address" in fields:
        check_address(fields["address"])
    if menu == "/ip/hotspot/profile" and "login-by" in fields:
        for word in filter(None, fields["login-by"].split(",")):
            if word not in menus.HOTSPOT_LOGIN_BY:
                raise bad_reference("login-by")
    if menu == "/ppp/secret" and "service" in fields:
        if fields["service"] not in menus.PPP_SERVICES:
            raise bad_reference("service")
    if menu == "/radius" and "address" in fields and not _is_ip(fields["address"]):
        raise Trap("invalid value for argument address", 1)


def check_unique(table_rows: dict[str, dict[str, str]], spec: menus.MenuSpec,
                 fields: dict[str, str], own_id: str | None = None) -> None:
    keys = spec.unique_fields
    if not keys or not all(fields.get(k) for k in keys[:1]):
        return
    wanted = tuple(fields.get(k, "") for k in keys)
    for item_id, row in table_rows.items():
        if item_id != own_id and tuple(row.get(k, "") for k in keys) == wanted:
            raise Trap(spec.duplicate)
