"""Rows RouterOS makes by itself: the hotspot's firewall rules and the fasttrack counter.

While at least one enabled hotspot server exists, /ip/firewall/nat and
/ip/firewall/filter hold the hotspot's dynamic rules (``dynamic=true``), with one
rule per enabled walled-garden IP entry in the hs-unauth chains. The first server
also leaves a static, disabled "place hotspot rules here" rule in filter, nat and
the walled garden, which stays after the server is gone. While an enabled
fasttrack rule exists, the filter shows a dynamic "special dummy rule to show
fasttrack counters" first. Dynamic rows cannot be changed or removed; they go
away with whatever made them. Sources: docs/simulator.md, "Dynamic rows".

sync(state) is called after every change to the menus in WATCHED.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import Trap

if TYPE_CHECKING:
    from .state import RouterState, Table

NAT = "/ip/firewall/nat"
FILTER = "/ip/firewall/filter"
WALLED = "/ip/hotspot/walled-garden"
WALLED_IP = "/ip/hotspot/walled-garden/ip"
HOTSPOT = "/ip/hotspot"
WATCHED = frozenset({NAT, FILTER, WALLED_IP, HOTSPOT})
FIREWALL = frozenset({NAT, FILTER, "/ip/firewall/mangle", "/ip/firewall/raw"})

PLACEHOLDER = "place hotspot rules here"
FASTTRACK_DUMMY = "special dummy rule to show fasttrack counters"
CHANGE_DYNAMIC = "failure: can not change dynamic"  # bridge vlan, leases: real 7.x traces
CHANGE_BUILTIN = "failure: cannot change builtin"  # pear2/Net_RouterOS#36 (fasttrack dummy)

Rule = dict[str, str]

# The hotspot's NAT rules (MikroTik HotSpot manual, "Firewall customisation"; a real
# 6.49 print agrees): walled-garden returns go where the marker sits.
_NAT_HEAD: tuple[Rule, ...] = (
    {"chain": "dstnat", "action": "jump", "jump-target": "hotspot", "hotspot": "from-client"},
    {"chain": "hotspot", "action": "jump", "jump-target": "pre-hotspot"},
    {"chain": "hotspot", "action": "redirect", "to-ports": "64872", "protocol": "udp",
     "dst-port": "53"},
    {"chain": "hotspot", "action": "redirect", "to-ports": "64872", "protocol": "tcp",
     "dst-port": "53"},
    {"chain": "hotspot", "action": "redirect", "to-ports": "64873", "protocol": "tcp",
     "hotspot": "local-dst", "dst-port": "80"},
    {"chain": "hotspot", "action": "redirect", "to-ports": "64875", "protocol": "tcp",
     "hotspot": "local-dst", "dst-port": "443"},
    {"chain": "hotspot", "action": "jump", "jump-target": "hs-unauth", "protocol": "tcp",
     "hotspot": "!auth"},
    {"chain": "hotspot", "action": "jump", "jump-target": "hs-auth", "protocol": "tcp",
     "hotspot": "auth"},
)
_NAT_TAIL: tuple[Rule, ...] = (
    {"chain": "hs-unauth", "action": "redirect", "to-ports": "64874", "protocol": "tcp",
     "dst-port": "80"},
    {"chain": "hs-unauth", "action": "redirect", "to-ports": "64874", "protocol": "tcp",
     "dst-port": "3128"},
    {"chain": "hs-unauth", "action": "redirect", "to-ports": "64874", "protocol": "tcp",
     "dst-port": "8080"},
    {"chain": "hs-unauth", "action": "redirect", "to-ports": "64875", "protocol": "tcp",
     "dst-port": "443"},
    {"chain": "hs-unauth", "action": "jump", "jump-target": "hs-smtp", "protocol": "tcp",
     "dst-port": "25"},
    {"chain": "hs-auth", "action": "redirect", "to-ports": "64874", "protocol": "tcp",
     "hotspot": "http"},
    {"chain": "hs-auth", "action": "jump", "jump-target": "hs-smtp", "protocol": "tcp",
     "dst-port": "25"},
)
# Filter rules as a RouterOS 7 router (hAP ax2) and a 6.49 router print them.
_FILTER_HEAD: tuple[Rule, ...] = (
    {"chain": "forward", "action": "jump", "jump-target": "hs-unauth",
     "hotspot": "from-client,!auth"},
    {"chain": "forward", "action": "jump", "jump-target": "hs-unauth-to",
     "hotspot": "to-client,!auth"},
    {"chain": "input", "action": "jump", "jump-target": "hs-input", "hotspot": "from-client"},
    {"chain": "input", "action": "drop", "protocol": "tcp", "hotspot": "!from-client",
     "dst-port": "64872-64875"},
    {"chain": "hs-input", "action": "jump", "jump-target": "pre-hs-input"},
    {"chain": "hs-input", "action": "accept", "protocol": "udp", "dst-port": "64872"},
    {"chain": "hs-input", "action": "accept", "protocol": "tcp", "dst-port": "64872-64875"},
    {"chain": "hs-input", "action": "jump", "jump-target": "hs-unauth", "hotspot": "!auth"},
)
_FILTER_TAIL: tuple[Rule, ...] = (
    {"chain": "hs-unauth", "action": "reject", "reject-with": "tcp-reset", "protocol": "tcp"},
    {"chain": "hs-unauth", "action": "reject", "reject-with": "icmp-net-prohibited"},
    {"chain": "hs-unauth-to", "action": "reject", "reject-with": "icmp-host-prohibited"},
)
_PLACEHOLDER_RULE = {"chain": "unused-hs-chain", "action": "passthrough", "comment": PLACEHOLDER,
                     "disabled": "true"}


def is_dynamic(row: dict[str, str]) -> bool:
    return row.get("dynamic") == "true"


def refuse_change(table: Table, ids: list[str]) -> None:
    """The trap RouterOS gives for set/remove/enable/disable/move of a row it made."""
    for item_id in ids:
        row = table.rows[item_id]
        if is_dynamic(row):
            raise Trap(CHANGE_BUILTIN if row.get("comment") == FASTTRACK_DUMMY
                       else CHANGE_DYNAMIC)


def hotspot_active(state: RouterState) -> bool:
    if not state.has_table(HOTSPOT):
        return False
    return any(r.get("disabled") != "true" for r in state.table(HOTSPOT).rows.values())


def _walled_rules(state: RouterState) -> tuple[list[Rule], list[Rule], list[Rule]]:
    """(nat returns, filter hs-unauth rules, filter hs-unauth-to rules) per IP entry."""
    nat: list[Rule] = []
    unauth: list[Rule] = []
    unauth_to: list[Rule] = []
    if not state.has_table(WALLED_IP):
        return nat, unauth, unauth_to
    for entry in state.table(WALLED_IP).rows.values():
        if entry.get("disabled") == "true" or is_dynamic(entry):
            continue
        action = {"accept": "return"}.get(entry.get("action", "accept"),
                                          entry.get("action", "accept"))
        comment = {"comment": entry["comment"]} if entry.get("comment") else {}
        proto = {"protocol": entry["protocol"]} if entry.get("protocol") else {}
        forward: Rule = {"chain": "hs-unauth", "action": action, **comment}
        back: Rule = {"chain": "hs-unauth-to", "action": action, **comment}
        for key, there, here in (("dst-address", "dst-address", "src-address"),
                                 ("dst-port", "dst-port", "src-port"),
                                 ("src-address", "src-address", "dst-address")):
            if entry.get(key):
                forward[there] = entry[key]
                back[here] = entry[key]
        forward.update(proto)
        back.update(proto)
        unauth.append(forward)
        unauth_to.append(back)
        if action == "return" and entry.get("protocol", "tcp") in ("tcp", ""):
            nat.append(dict(forward))
    return nat, unauth, unauth_to


def _signature(rule: Rule) -> str:
    return "|".join(f"{k}={v}" for k, v in sorted(rule.items())
                    if k not in ("invalid", "bytes", "packets"))


def _fill(rule: Rule, chains: set[str]) -> Rule:
    jump = rule.get("jump-target")
    invalid = "true" if jump is not None and jump not in chains else "false"
    return {**rule, "invalid": invalid, "dynamic": "true", "disabled": "false",
            "bytes": "0", "packets": "0"}


def _static_chains(table: Table) -> set[str]:
    chains = {"hotspot", "hs-unauth", "hs-auth", "hs-input", "hs-unauth-to"}
    chains.update(r.get("chain", "") for r in table.rows.values()
                  if not is_dynamic(r) and r.get("disabled") != "true")
    return chains


def _place_block(state: RouterState, menu: str, owner: str, rules: list[Rule],
                 top: int = 0) -> None:
    """Make the rows ``owner`` owns in ``menu`` exactly ``rules``, as one block.

    Rows that stay keep their ids; the block stays where its first row was, or goes
    ``top`` rows from the top when it is new.
    """
    table = state.table(menu)
    owned = state.dynamic_owner.setdefault(menu, {})
    mine = [i for i in table.rows if owned.get(i) == owner]
    if not rules and not mine:
        return
    order = list(table.rows)
    rest = [i for i in order if owned.get(i) != owner]
    if mine:
        first = order.index(mine[0])
        at = len([i for i in order[:first] if owned.get(i) != owner])
    else:
        at = min(top, len(rest))
    by_sig = {}
    for item_id in mine:
        by_sig.setdefault(_signature(table.rows[item_id]), []).append(item_id)
    block: list[str] = []
    chains = _static_chains(table)
    for rule in rules:
        filled = _fill(rule, chains)
        reuse = by_sig.get(_signature(filled))
        if reuse:
            item_id = reuse.pop(0)
            counters = {k: table.rows[item_id][k] for k in ("bytes", "packets")
                        if k in table.rows[item_id]}
            table.rows[item_id] = {**filled, **counters}
        else:
            item_id = table.insert(filled)
            owned[item_id] = owner
        block.append(item_id)
    for leftovers in by_sig.values():
        for item_id in leftovers:
            del table.rows[item_id]
            owned.pop(item_id, None)
    table.reorder(rest[:at] + block + [i for i in rest[at:] if i in table.rows])


def _placeholders(state: RouterState) -> None:
    """The static "place hotspot rules here" rules the first hotspot server leaves behind."""
    for menu, fields in ((FILTER, _PLACEHOLDER_RULE), (NAT, _PLACEHOLDER_RULE),
                         (WALLED, {"comment": PLACEHOLDER, "disabled": "true"})):
        table = state.table(menu)
        if any(r.get("comment") == PLACEHOLDER for r in table.rows.values()):
            continue
        row = dict(fields)
        for key, value in table.spec.defaults.items():
            row.setdefault(key, value)
        table.insert(row)


def hotspot_added(state: RouterState) -> None:
    _placeholders(state)


def sync(state: RouterState) -> None:
    """Bring every dynamic row in line with the configuration."""
    filter_has_fasttrack = state.has_table(FILTER) and any(
        r.get("action") == "fasttrack-connection" and r.get("disabled") != "true"
        and not is_dynamic(r) for r in state.table(FILTER).rows.values())
    if filter_has_fasttrack or FILTER in state.dynamic_owner:
        _place_block(state, FILTER, "fasttrack", [
            {"chain": "forward", "action": "passthrough", "comment": FASTTRACK_DUMMY}
        ] if filter_has_fasttrack else [])
    active = hotspot_active(state)
    if not active and not any(state.dynamic_owner.get(m) for m in (NAT, FILTER)):
        return
    nat_returns, unauth, unauth_to = _walled_rules(state) if active else ([], [], [])
    nat = [*_NAT_HEAD, *nat_returns, *_NAT_TAIL] if active else []
    rules: list[Rule] = []
    if active:
        rules = [*_FILTER_HEAD]
        for forward, back in zip(unauth, unauth_to, strict=True):
            rules += [forward, back]
        rules += _FILTER_TAIL
    dummy = 1 if filter_has_fasttrack else 0
    _place_block(state, NAT, "hotspot", nat)
    _place_block(state, FILTER, "hotspot", rules, top=dummy)
