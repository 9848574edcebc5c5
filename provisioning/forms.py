"""Stage 3: validating the operator's service choices against the router's real state.

One function serves the HTML form (a QueryDict) and the JSON endpoint (a dict):
it returns normalised choices, or field errors and nothing else.
"""

from __future__ import annotations

import ipaddress
import re

from hotspot.inputs import text_problem
from provisioning import ranges
from provisioning.services import portal
from provisioning.services.plan import is_tag
from routers import versions

LOGIN_METHODS = ("mac", "http-chap", "http-pap", "https", "cookie", "trial")
PPP_AUTH = ("pap", "chap", "mschap1", "mschap2")
# A field's messages beyond this many are summed up in one ("and 12 more"): a form with
# thousands of bad entries gets a readable answer, built in linear time.
MAX_MESSAGES_PER_FIELD = 10
# The keys the services form and its JSON endpoint read (per-interface keys are
# hotspot_gateway_<interface> and hotspot_pool_<interface>, or hotspot_networks in JSON).
FIELDS = ("enable_hotspot", "enable_pppoe", "enable_radius", "hotspot_interfaces",
          "pppoe_interfaces", "hotspot_networks", "portal_title", "login_methods",
          "login_method", "dns_name", "pppoe_service_name", "pppoe_local_address",
          "pppoe_ip_pool", "pppoe_pool", "pppoe_authentication", "radius_server",
          "radius_for_hotspot", "radius_for_pppoe", "radius_choices_sent", "portal_pages",
          "portal_colour", "portal_background")
PORTAL_PAGES = ("custom", "router")
DNS_RE = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\Z")


class Input:
    """Uniform reads over a QueryDict or a JSON object."""

    def __init__(self, data):
        self.data = data

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        return value.strip() if isinstance(value, str) else default

    def flag(self, key: str) -> bool:
        value = self.data.get(key)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("1", "true", "on", "yes")

    def items(self, key: str) -> list[str]:
        if hasattr(self.data, "getlist"):
            values = self.data.getlist(key)
        else:
            values = self.data.get(key) or []
            values = [values] if isinstance(values, str) else (
                list(values) if isinstance(values, list) else [])
        return [v.strip() for v in values if isinstance(v, str) and v.strip()]

    def text_problems(self):
        """(key, problem) for every submitted text holding a refused character."""
        if hasattr(self.data, "lists"):
            pairs = ((k, v) for k, values in self.data.lists() for v in (k, *values))
        else:  # JSON: read_json already refused these; kept for direct callers
            pairs = ((k, v) for k, v in self.data.items() for v in (k, v) if isinstance(v, str))
        for key, value in pairs:
            problem = text_problem(value)
            if problem:
                yield key, problem

    def network(self, iface: str, field: str) -> str:
        nested = self.data.get("hotspot_networks")
        if isinstance(nested, dict) and isinstance(nested.get(iface), dict):
            value = nested[iface].get(field, "")
            return value.strip() if isinstance(value, str) else ""
        return self.text(f"hotspot_{field}_{iface}")


def validate_choices(data, facts: dict, radius_servers) -> tuple[dict, dict[str, list[str]]]:
    """(choices, errors) for the submitted services on a router with `facts`."""
    src = Input(data)
    errors: dict[str, list[str]] = {}
    dropped: dict[str, int] = {}

    def err(field: str, message: str) -> None:
        messages = errors.setdefault(field, [])
        if len(messages) < MAX_MESSAGES_PER_FIELD:
            messages.append(message)
        else:
            dropped[field] = dropped.get(field, 0) + 1

    for field, problem in src.text_problems():
        err(field if not text_problem(field) else "__all__", problem)
    if errors:
        return {}, errors

    known = {i["name"] for i in facts.get("interfaces", [])}
    bridge_of = {i["name"]: i.get("bridge", "") for i in facts.get("interfaces", [])}
    existing = ranges.RangeIndex(_existing_ranges(facts))
    claimed: list[tuple[ranges.Range, str]] = []  # ranges chosen in this form
    choices: dict = {"hotspot": None, "pppoe": None, "radius": None}
    enable_hotspot, enable_pppoe = src.flag("enable_hotspot"), src.flag("enable_pppoe")
    if not enable_hotspot and not enable_pppoe:
        err("__all__", "Choose at least one service: Hotspot or PPPoE.")

    def check_range(field: str, r: ranges.Range, net=None) -> None:
        if net is not None and not ranges.inside(r, net):
            err(field, f"{r[0]}-{r[1]} is not inside the interface's network {net}.")
        for other, owner in claimed:
            if ranges.overlaps(r, other):
                err(field, f"{r[0]}-{r[1]} overlaps {other[0]}-{other[1]} "
                           f"({_field_label(owner)}).")
        found = existing.overlapping(r)
        if found is not None:
            err(field, f"{r[0]}-{r[1]} overlaps the router's existing pool {found[1]}.")
        claimed.append((r, field))

    hs_ifaces = src.items("hotspot_interfaces") if enable_hotspot else []
    pp_ifaces = src.items("pppoe_interfaces") if enable_pppoe else []
    for field, names in (("hotspot_interfaces", hs_ifaces), ("pppoe_interfaces", pp_ifaces)):
        seen: set[str] = set()
        for name in names:
            if name in seen:
                err(field, f"{name} is listed more than once.")
            elif name not in known:
                err(field, f"The router has no interface {name!r}.")
            elif bridge_of.get(name):
                err(field, bridge_port_problem(name, bridge_of[name], field))
            seen.add(name)
    if errors:
        # Unknown or repeated interfaces: nothing below would mean anything (and each
        # interface's checks must run once per interface, not once per submitted entry).
        return {}, _summed(errors, dropped)
    if enable_hotspot and not hs_ifaces:
        err("hotspot_interfaces", "Choose at least one interface for the hotspot.")
    if enable_pppoe and not pp_ifaces:
        err("pppoe_interfaces", "Choose at least one interface for PPPoE.")
    for name in sorted(set(hs_ifaces) & set(pp_ifaces)):
        err("pppoe_interfaces", f"{name} is already used by the hotspot; "
                                "an interface serves one service.")

    if enable_hotspot:
        choices["hotspot"] = _hotspot(src, hs_ifaces, known, facts, err, check_range)
    if enable_pppoe:
        choices["pppoe"] = _pppoe(src, pp_ifaces, err, check_range)
    if src.flag("enable_radius"):
        choices["radius"] = _radius(src, radius_servers, enable_hotspot, enable_pppoe, err)
    return (choices, {}) if not errors else ({}, _summed(errors, dropped))


def bridge_port_problem(name: str, bridge: str, field: str) -> str:
    """Why a bridge port cannot serve clients, and the fix. On a factory-configured hEX or
    hAP, ether2-5 are ports of `bridge`: the address, DHCP server and hotspot would sit on
    a port whose traffic the bridge takes, and clients would get no DHCP and no DNS."""
    service = "a hotspot" if field.startswith("hotspot") else "a PPPoE server"
    return (f"{name} is a port of the bridge {bridge!r}: its traffic belongs to the bridge, so "
            f"{service} on {name} would serve no one (clients would get no address and no "
            f"DNS). Serve the bridge {bridge!r} instead (every port of it, {name} included, "
            f"then reaches the service), or take {name} out of the bridge on the router "
            f"(/interface bridge port remove [find interface={name}]) and refresh.")


def _field_label(field: str) -> str:
    """What a form field is, in the operator's words (never its internal name)."""
    for prefix, words in (("hotspot_pool_", "the hotspot pool on "),
                          ("hotspot_gateway_", "the hotspot network on ")):
        if field.startswith(prefix):
            return words + field[len(prefix):]
    return {"pppoe_ip_pool": "the PPPoE pool",
            "pppoe_local_address": "the PPPoE local address"}.get(
        field, field.replace("_", " "))


def _summed(errors: dict[str, list[str]], dropped: dict[str, int]) -> dict[str, list[str]]:
    for field, count in dropped.items():
        errors[field].append(f"... and {count} more.")
    return errors


def _hotspot(src, names, known, facts, err, check_range) -> dict:
    interfaces = []
    taken = _taken_networks(facts)
    for name in names:
        if name not in known:
            continue
        gw_field, pool_field = f"hotspot_gateway_{name}", f"hotspot_pool_{name}"
        try:
            gateway = ranges.parse_gateway(src.network(name, "gateway"))
        except ValueError as exc:
            err(gw_field, f"{name}: {exc}")
            continue
        for net, owner in taken:
            if net.overlaps(gateway.network) and owner != name:
                err(gw_field, f"{gateway.network} overlaps {net} already on {owner}.")
        try:
            pool = ranges.parse_range(src.network(name, "pool"))
        except ValueError as exc:
            err(pool_field, f"{name}: {exc}")
            continue
        if pool[0] <= gateway.ip <= pool[1]:
            err(pool_field, f"The pool contains the gateway {gateway.ip}.")
        check_range(pool_field, pool, gateway.network)
        interfaces.append({"name": name, "gateway": str(gateway),
                           "pool": f"{pool[0]}-{pool[1]}"})
    title = src.text("portal_title", "Welcome") or "Welcome"
    if len(title) > 255:
        err("portal_title", "Use at most 255 characters.")
    methods = src.items("login_methods") or src.items("login_method") or ["http-chap"]
    for m in methods:
        if m not in LOGIN_METHODS:
            err("login_methods", f"{m!r} is not a login method ({', '.join(LOGIN_METHODS)}).")
    dns_name = src.text("dns_name", "hotspot.lan") or "hotspot.lan"
    if not DNS_RE.match(dns_name):
        err("dns_name", f"{dns_name!r} is not a DNS name.")
    pages = src.text("portal_pages", "custom") or "custom"
    version = facts.get("version", "")
    if pages not in PORTAL_PAGES:
        err("portal_pages", "Choose the portal's own pages (custom) or the router's default "
                            "pages (router).")
    elif pages == "custom" and not versions.supports(version, "file-add"):
        # Refused before anything is generated: the deploy could not upload the pages.
        err("portal_pages", f"RouterOS {version.split(' ')[0]} cannot take the portal's own pages: "
                            "uploading files through the API (/file add) exists from RouterOS "
                            f"{versions.since('file-add')}. Choose the router's default pages "
                            "(the hotspot then shows RouterOS's own login page), or upgrade "
                            "RouterOS and refresh.")
    colours = {}
    for key, field in (("colour", "portal_colour"), ("background", "portal_background")):
        value = src.text(field)
        if value and not portal.COLOUR_RE.match(value):
            err(field, f"{value!r} is not a colour like #1f6feb.")
        colours[key] = value
    return {"interfaces": interfaces, "portal_title": title, "dns_name": dns_name,
            "login_by": list(dict.fromkeys(methods)), "pages": pages,
            "storage": "flash/" if facts.get("flash") else "", **colours}


def _pppoe(src, names, err, check_range) -> dict:
    service = src.text("pppoe_service_name", "internet") or "internet"
    if len(service) > 64 or not re.fullmatch(r"[A-Za-z0-9._-]+", service):
        err("pppoe_service_name", "Use up to 64 letters, digits, '.', '_' or '-'.")
    local = None
    try:
        local = ranges.parse_address(src.text("pppoe_local_address"))
    except ValueError as exc:
        err("pppoe_local_address", str(exc))
    pool = None
    try:
        pool = ranges.parse_range(src.text("pppoe_ip_pool") or src.text("pppoe_pool"))
        if local is not None and pool[0] <= local <= pool[1]:
            err("pppoe_ip_pool", f"The pool contains the local address {local}.")
        check_range("pppoe_ip_pool", pool)
    except ValueError as exc:
        err("pppoe_ip_pool", str(exc))
    auth = src.items("pppoe_authentication") or ["pap", "chap", "mschap2"]
    for a in auth:
        if a not in PPP_AUTH:
            err("pppoe_authentication", f"{a!r} is not one of {', '.join(PPP_AUTH)}.")
    return {"interfaces": names, "service_name": service,
            "local_address": str(local) if local else "",
            "pool": f"{pool[0]}-{pool[1]}" if pool else "", "authentication": auth}


def _radius(src, servers, hotspot, pppoe, err) -> dict | None:
    raw = src.data.get("radius_server")
    server = None
    try:
        server = servers.filter(pk=int(raw), is_active=True).first()
    except (TypeError, ValueError):
        pass
    if server is None:
        err("radius_server", "Choose one of your active RADIUS servers.")
        return None
    for label, port in (("auth", server.auth_port), ("accounting", server.acct_port)):
        if not 1 <= port <= 65535:
            err("radius_server", f"{server.name} has {label} port {port}; edit the server: "
                                 "a port is a number from 1 to 65535.")
    try:
        ipaddress.IPv4Address(server.host)
    except ValueError:
        err("radius_server", f"RouterOS needs an IP address for RADIUS; {server.name} has "
                             f"{server.host!r}.")
    # The HTML form says which boxes it showed (unchecked boxes send nothing); a JSON
    # client that leaves them out means "RADIUS for every chosen service".
    strict = "radius_choices_sent" in src.data
    for_hotspot = hotspot and (src.flag("radius_for_hotspot") or
                               (not strict and "radius_for_hotspot" not in src.data))
    for_pppoe = pppoe and (src.flag("radius_for_pppoe") or
                           (not strict and "radius_for_pppoe" not in src.data))
    if not (for_hotspot or for_pppoe):
        err("radius_server", "Use RADIUS for the hotspot, PPPoE or both.")
    return {"server_id": server.pk, "hotspot": for_hotspot, "pppoe": for_pppoe,
            "incoming": True}


def _existing_ranges(facts) -> list[tuple[ranges.Range, str]]:
    """Pools already on the router, except the product's (a redeploy replaces those)."""
    out = []
    for pool in facts.get("pools", []):
        if is_tag(pool.get("comment")):
            continue
        out += [(r, pool.get("name", "?")) for r in ranges.router_pool_ranges(pool.get("ranges"))]
    return out


def _taken_networks(facts):
    out = []
    for a in facts.get("addresses", []):
        if is_tag(a.get("comment")):
            continue
        try:
            out.append((ipaddress.IPv4Interface(a.get("address", "")).network,
                        a.get("interface", "?")))
        except ValueError:
            continue
    return out
