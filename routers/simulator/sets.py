"""Set-valued properties, stored and printed in RouterOS's own order.

RouterOS keeps a flag set, not the text it was given: ``login-by=http-chap,cookie``
prints as ``cookie,http-chap``. The command database spells each set type as
``a|b|c[,Name*]`` in the router's internal order, which is the order it prints.
User-group policies print every policy: the granted ones first, then ``!name`` for
each one not granted, both in the internal order (a RouterOS 7 /export shows
``policy="ssh,read,write,!local,!telnet,..."``).
"""

from __future__ import annotations

import functools
import re

from . import schema

_SET_TYPE = re.compile(r"^(?:\[!\]\w+; )?([A-Za-z0-9.-]+(?:\|[A-Za-z0-9.-]+)+)\[,\w+\*\]$")

# Internal order of /user group policies (RouterOS 7 /export of a custom group).
POLICY_ORDER = ("local", "telnet", "ssh", "ftp", "reboot", "read", "write", "policy", "test",
                "winbox", "password", "web", "sniff", "sensitive", "api", "romon", "rest-api")
# /system/script and scheduler policies: the same order, without the login-only ones.
SCRIPT_POLICY_ORDER = ("ftp", "reboot", "read", "write", "policy", "test", "password", "sniff",
                       "sensitive", "romon")
_EXPLICIT = {
    ("/system/script", "policy"): SCRIPT_POLICY_ORDER,
    ("/system/scheduler", "policy"): SCRIPT_POLICY_ORDER,
}


@functools.lru_cache(maxsize=1024)
def order_of(menu: str, arg: str) -> tuple[str, ...] | None:
    """The internal order of a set-valued argument, or None if it is not a set."""
    if (menu, arg) in _EXPLICIT:
        return _EXPLICIT[(menu, arg)]
    if menu == "/user/group" and arg == "policy":
        return POLICY_ORDER
    for command in ("add", "set"):
        info = (schema.arguments(menu, command) or {}).get(arg)
        if info and isinstance(info.get("t"), str):
            found = _SET_TYPE.match(info["t"])
            if found:
                return tuple(found.group(1).split("|"))
    return None


def canonical(menu: str, arg: str, value: str) -> str:
    """``value`` as RouterOS would print it (unchanged when ``arg`` is not a set)."""
    order = order_of(menu, arg)
    if order is None or not value:
        return value
    if menu == "/user/group" and arg == "policy":
        granted = {w for w in value.split(",") if w and not w.startswith("!")}
        return ",".join([p for p in order if p in granted]
                        + [f"!{p}" for p in order if p not in granted]
                        + sorted(granted - set(order)))
    negated = value.startswith("!")
    words = [w for w in (value[1:] if negated else value).split(",") if w]
    rank = {name: i for i, name in enumerate(order)}
    # Unknown words (numbers, names) keep their place after the known flags.
    ordered = sorted(dict.fromkeys(words), key=lambda w: (rank.get(w, len(order)),))
    return ("!" if negated else "") + ",".join(ordered)


def granted(policy: str) -> set[str]:
    """The policies a group's policy text grants."""
    return {w for w in policy.split(",") if w and not w.startswith("!")}
