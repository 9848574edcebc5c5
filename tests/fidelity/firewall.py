"""Which rule of a router's input chain decides a new packet: enough of RouterOS's
filter matching to say whether a client's DHCP or DNS request reaches the router.

Rules are taken in print order; the first enabled rule whose every matcher fits decides
(accept/drop/reject; other actions fall through). Dynamic rules are skipped: the
hotspot's own rules jump to its chains for its own ports and return otherwise. A new
packet has connection-state `new`; `!` negates a matcher, as RouterOS writes it.
"""

from __future__ import annotations

import ipaddress

DECIDING = ("accept", "drop", "reject")
UNDERSTOOD = {"chain", "action", "protocol", "dst-port", "in-interface", "in-interface-list",
              "src-address", "connection-state", "comment", "disabled", "dynamic", "invalid",
              "bytes", "packets", ".id", "log", "log-prefix", "dst-address"}


def _negated(value: str) -> tuple[bool, str]:
    return (True, value[1:]) if value.startswith("!") else (False, value)


def _in_address(spec: str, address: str) -> bool:
    ip = ipaddress.IPv4Address(address)
    if "-" in spec:
        low, high = (ipaddress.IPv4Address(p) for p in spec.split("-", 1))
        return low <= ip <= high
    return ip in ipaddress.IPv4Network(spec, strict=False)


def _ports(spec: str, port: int) -> bool:
    for piece in spec.split(","):
        if "-" in piece:
            low, high = piece.split("-", 1)
            if int(low) <= port <= int(high):
                return True
        elif int(piece) == port:
            return True
    return False


def matches(rule: dict, packet: dict, lists: dict[str, list[str]]) -> bool:
    checks = {
        "protocol": lambda v: v == packet["protocol"],
        "dst-port": lambda v: _ports(v, packet["dst-port"]),
        "in-interface": lambda v: v == packet["in-interface"],
        "in-interface-list": lambda v: packet["in-interface"] in lists.get(v, []),
        "src-address": lambda v: _in_address(v, packet["src-address"]),
        "dst-address": lambda v: _in_address(v, packet.get("dst-address", "0.0.0.0")),
        "connection-state": lambda v: "new" in v.split(","),
    }
    for key, raw in rule.items():
        if key not in checks:
            if key not in UNDERSTOOD and raw not in ("", None):
                return False  # a matcher this model does not know: assume it does not fit
            continue
        negate, value = _negated(str(raw))
        if checks[key](value) == negate:
            return False
    return True


def decide(rules: list[dict], packet: dict, lists: dict[str, list[str]]) -> dict | None:
    """The rule that decides `packet` in chain input (None: no rule, RouterOS accepts)."""
    for rule in rules:
        if rule.get("chain") != "input" or rule.get("dynamic") == "true":
            continue
        if rule.get("disabled") == "true" or rule.get("action") not in DECIDING:
            continue
        if matches(rule, packet, lists):
            return rule
    return None


def interface_lists(sim) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for member in sim.items("/interface/list/member"):
        out.setdefault(member["list"], []).append(member["interface"])
    return out
