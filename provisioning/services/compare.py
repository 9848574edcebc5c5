"""The one comparison of what a router holds: used by deploy verification, the rollback's
clean check and drift.

RouterOS prints things its own way, and a comparison that ignores that calls good
deployments failed and clean rollbacks dirty:
- set-valued properties (hotspot `login-by`, `/radius service`, PPPoE `authentication`,
  user-group `policy`) come back in RouterOS's internal order, not the order written:
  they compare as sets;
- empty values are left out of replies: missing and "" are the same;
- booleans print as true/false whatever was written (yes/no);
- dynamic rows (the hotspot's own firewall rules, walled-garden rules) and runtime
  fields (ids, counters, usage) are RouterOS's, never ours: ignored;
- in ordered menus (firewall chains, walled garden) order decides what traffic matches:
  those compare as lists, the rest as multisets.
"""

from __future__ import annotations

from collections import Counter

# Fields a router reports but nobody sets.
VOLATILE = frozenset({
    ".id", ".nextid", "dynamic", "invalid", "running", "actual-interface", "total", "used",
    "available", "size", "creation-time", "last-modified", "HTTPS", "proxy-status",
    "bytes", "packets", "hw-offload", "slave", "inactive", "default",
})
SET_VALUED = {
    "/ip/hotspot/profile": frozenset({"login-by"}),
    "/radius": frozenset({"service"}),
    "/interface/pppoe-server/server": frozenset({"authentication"}),
    "/user/group": frozenset({"policy"}),
    "/ppp/secret": frozenset(),
}
ORDERED_MENUS = frozenset({
    "/ip/firewall/filter", "/ip/firewall/nat", "/ip/firewall/mangle", "/ip/firewall/raw",
    "/ip/hotspot/walled-garden", "/ip/hotspot/walled-garden/ip",
})
# Menus where RouterOS leaves a disabled "place hotspot rules here" row of its own.
MARKER_MENUS = frozenset({"/ip/firewall/filter", "/ip/firewall/nat",
                          "/ip/hotspot/walled-garden"})
# Static rows RouterOS adds by itself as a side effect of what the product does, and keeps:
# the disabled "place hotspot rules here" rule appears with the first hotspot server.
SIDE_EFFECT_COMMENTS = frozenset({"place hotspot rules here"})
# In /file only the product's own files count: the rest is RouterOS's and changes by itself
# (logs, packages; the default hotspot pages RouterOS copies when a profile is made).
OWN_ROWS_ONLY = frozenset({"/file"})
BOOLEANS = {"yes": "true", "no": "false"}


def value(path: str, key: str, raw) -> str:
    """A property value as it compares: booleans spelled one way, sets in one order."""
    text = "" if raw is None else str(raw)
    text = BOOLEANS.get(text, text)
    if key in SET_VALUED.get(path, ()):
        return ",".join(sorted(p for p in text.split(",") if p))
    return text


def is_static(row: dict) -> bool:
    return value("", "dynamic", row.get("dynamic")) != "true"


def is_side_effect(path: str, row: dict) -> bool:
    return path in MARKER_MENUS and row.get("comment") in SIDE_EFFECT_COMMENTS


def comparable_row(path: str, row: dict) -> tuple:
    return tuple(sorted((k, value(path, k, v)) for k, v in row.items()
                        if k not in VOLATILE and value(path, k, v) != ""))


def relevant(path: str, rows: list[dict]) -> list[dict]:
    """The rows that are anybody's configuration: static, not RouterOS's side effects."""
    from provisioning.services.plan import is_managed

    return [r for r in rows if is_static(r) and not is_side_effect(path, r)
            and (path not in OWN_ROWS_ONLY or is_managed(path, r))]


def menu_view(path: str, rows: list[dict]):
    """A menu as it compares: a list where order matters, else a multiset."""
    items = [comparable_row(path, r) for r in relevant(path, rows)]
    return items if path in ORDERED_MENUS else Counter(items)


def state_differences(before: dict, now: dict) -> list[str]:
    """Menus of `before` whose content (or order, where it matters) is not the same now."""
    problems = []
    for path, rows in before.items():
        if path not in now:
            problems.append(f"{path}: not read")
            continue
        if menu_view(path, rows) != menu_view(path, now[path]):
            problems.append(f"{path}: {_describe(path, rows, now[path])}")
    return problems


def _describe(path: str, before: list[dict], now: list[dict]) -> str:
    b = [comparable_row(path, r) for r in relevant(path, before)]
    n = [comparable_row(path, r) for r in relevant(path, now)]
    if Counter(b) == Counter(n):
        return "same items in another order"
    missing, extra = Counter(b) - Counter(n), Counter(n) - Counter(b)
    return f"{sum(missing.values())} items missing, {sum(extra.values())} items added or changed"


def field_differences(path: str, expected: dict, row: dict) -> list[tuple[str, str, str]]:
    """(field, expected, found) for every expected property the row does not hold."""
    return [(key, want, row.get(key, "")) for key, want in expected.items()
            if value(path, key, row.get(key)) != value(path, key, want)]
