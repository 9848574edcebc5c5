"""A service configuration as a Plan: ordered steps, rendered to .rsc or applied via the API.

Every resource the product creates carries its deployment tag: a comment
`hotspot:<id>` where the menu has a comment field, otherwise a name starting
`hs<id>-` (RouterOS 7's command database has no comment on /ip/hotspot and
/ip/hotspot/profile). Redeploys and removals find exactly these, and nothing the
operator made by hand.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from dataclasses import asdict, dataclass, field

from provisioning.services import portal
from routers.routeros.quoting import rsc_line

TAG_PREFIX = "hotspot:"
# A product tag is the whole comment: free text that merely begins with "hotspot:"
# ("hotspot: lobby printer") is the operator's and is never touched.
TAG_RE = re.compile(r"^hotspot:[0-9a-f]{6}$")
NAME_RE = re.compile(r"^hs[0-9a-f]{6}[-/]")
# The portal's files: the directory hs<id> (under flash/ on boards with flash) and its pages.
FILE_RE = re.compile(r"^(flash/)?hs[0-9a-f]{6}(/.+)?$")

PHASES = ("interfaces", "addresses", "profiles", "servers", "dhcp", "radius", "firewall",
          "system")

# Menus the product creates items in, in dependency (phase) order. Removal runs backwards.
MANAGED_MENUS = (
    "/ip/address", "/ip/pool", "/file", "/ip/hotspot/profile", "/ppp/profile", "/ip/hotspot",
    "/interface/pppoe-server/server", "/ip/hotspot/walled-garden/ip", "/ip/dhcp-server",
    "/ip/dhcp-server/network", "/radius", "/ip/firewall/nat", "/ip/firewall/filter",
)
# Settings the product changes in place; a rollback restores their previous values.
SINGLETONS = ("/ppp/aaa", "/radius/incoming")
# Menus where RouterOS itself adds rows because of what the product made (the hotspot's
# "place hotspot rules here" markers): read too, so a rollback can put them as they were.
WATCHED_MENUS = ("/ip/hotspot/walled-garden",)
COMMENTLESS = {"/ip/hotspot", "/ip/hotspot/profile", "/file"}
# The NAS secret is never stored in a plan or script: this stands in for it and is
# resolved from the (encrypted) RadiusServer when applied or downloaded.
SECRET_REF = "<RADIUS shared secret>"


@dataclass
class Step:
    phase: str
    path: str
    action: str  # "add" or "set" (set: singleton settings only)
    params: dict
    label: str
    # Consecutive steps with the same non-empty group are independent of each other by
    # construction and go to the router as one pipelined exchange (see batches()).
    group: str = ""

    def line(self, secret: str | None = None) -> str:
        return rsc_line(self.path, self.action, self.resolved(secret))

    def resolved(self, secret: str | None) -> dict:
        """Parameters with the secret placeholder replaced (when a secret is given)."""
        if secret is None:
            return dict(self.params)
        return {k: (secret if v == SECRET_REF else v) for k, v in self.params.items()}


@dataclass
class Plan:
    tag_id: str
    steps: list[Step] = field(default_factory=list)
    choices: dict = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return TAG_PREFIX + self.tag_id

    def name(self, role: str) -> str:
        return f"hs{self.tag_id}-{role}"

    def add(self, phase: str, path: str, label: str, **params) -> Step:
        if path not in COMMENTLESS:
            params["comment"] = self.tag
        step = Step(phase, path, "add", params, label)
        self.steps.append(step)
        return step

    def set(self, phase: str, path: str, label: str, **params) -> Step:
        step = Step(phase, path, "set", params, label)
        self.steps.append(step)
        return step

    def batches(self) -> list[list[tuple[int, Step]]]:
        """The steps as deploy sends them, with their plan indexes: one at a time, except
        a run of consecutive steps with the same non-empty group, sent together."""
        out: list[list[tuple[int, Step]]] = []
        for index, step in enumerate(self.steps):
            if out and step.group and out[-1][-1][1].group == step.group:
                out[-1].append((index, step))
            else:
                out.append([(index, step)])
        return out

    def ordered(self) -> Plan:
        self.steps.sort(key=lambda s: PHASES.index(s.phase))  # stable: keeps order in a phase
        return self

    def to_dict(self) -> dict:
        return {"tag_id": self.tag_id, "choices": self.choices,
                "steps": [asdict(s) for s in self.steps]}

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        return cls(data["tag_id"], [Step(**s) for s in data["steps"]], data.get("choices", {}))


def is_tag(comment: str | None) -> bool:
    """Whether a comment is exactly a product tag (`hotspot:` and six hex digits)."""
    return bool(TAG_RE.match(comment or ""))


def is_managed(path: str, row: dict) -> bool:
    """Whether a router item was made by the product (any deployment). Dynamic rows are
    RouterOS's own, even when they copy a tagged comment."""
    if str(row.get("dynamic", "")) in ("true", "yes"):
        return False
    if path == "/file":
        return bool(FILE_RE.match(row.get("name") or ""))
    if path in COMMENTLESS:
        return bool(NAME_RE.match(row.get("name") or ""))
    return is_tag(row.get("comment"))


def portal_directory(plan: Plan, hs: dict) -> str:
    """Where the portal's pages live: under flash/ on boards that have it (elsewhere files
    sit on a RAM disk and vanish at reboot: MikroTik's Files page)."""
    return f"{hs.get('storage', '')}hs{plan.tag_id}"


def build_plan(choices: dict, radius=None, tag_id: str | None = None) -> Plan:
    """Turn validated choices (provisioning.forms) into an ordered plan."""
    plan = Plan(tag_id or secrets.token_hex(3), choices=choices)
    hotspot, pppoe, rad = choices.get("hotspot"), choices.get("pppoe"), choices.get("radius")
    if hotspot:
        _hotspot(plan, hotspot, bool(rad and rad.get("hotspot")))
    if pppoe:
        _pppoe(plan, pppoe)
    if rad and radius is not None:
        _radius(plan, rad, radius)
    return _group_by_phase(plan.ordered())


# Steps sent as one pipelined exchange (Step.group): every step of a phase, except in the
# firewall phase. Within a phase no step refers to another: each names only what earlier
# phases made (a profile its pool and the pages directory, a server its profile and pool,
# a DHCP server its pool), and RouterOS's answers come back in one round trip. The
# firewall phase adds to ordered lists (filter, NAT, walled garden), where each rule's
# place depends on the one before: one at a time. The pages directory goes out in the
# first phase, an exchange before its pages (RouterOS creates files asynchronously).
UNGROUPED_PHASES = ("firewall",)


def _group_by_phase(plan: Plan) -> Plan:
    for step in plan.steps:
        step.group = "" if step.phase in UNGROUPED_PHASES else step.phase
    return plan


def _hotspot(plan: Plan, hs: dict, use_radius: bool) -> None:
    custom = hs.get("pages", "custom") == "custom"
    directory = portal_directory(plan, hs)
    if custom:
        # Phase "addresses": the directory goes out with the gateway addresses.
        plan.add("addresses", "/file", "portal pages directory", name=directory,
                 type="directory")
        for name, contents in portal.pages(hs["portal_title"], hs["login_by"],
                                           hs.get("colour", ""),
                                           hs.get("background", "")).items():
            plan.add("profiles", "/file", f"portal page {name}", name=f"{directory}/{name}",
                     contents=contents)
    for iface in hs["interfaces"]:
        name, gateway = iface["name"], ipaddress.ip_interface(iface["gateway"])
        pool = plan.name(f"pool-{name}")
        profile = plan.name(f"prof-{name}")
        plan.add("addresses", "/ip/address", f"gateway {gateway} on {name}",
                 address=str(gateway), interface=name)
        plan.add("addresses", "/ip/pool", f"hotspot pool for {name}", name=pool,
                 ranges=iface["pool"])
        plan.add("profiles", "/ip/hotspot/profile", f"hotspot profile for {name}", name=profile,
                 **{"hotspot-address": str(gateway.ip), "dns-name": hs["dns_name"],
                    "login-by": ",".join(hs["login_by"]),
                    # Without our pages the profile keeps RouterOS's default directory.
                    **({"html-directory": directory} if custom else {}),
                    "use-radius": "yes" if use_radius else "no",
                    **({"radius-accounting": "yes",
                        "radius-interim-update": f"{_interim_seconds()}s"} if use_radius
                       else {})})
        plan.add("servers", "/ip/hotspot", f"hotspot server on {name}", name=plan.name(name),
                 interface=name, **{"address-pool": pool, "profile": profile,
                                    "disabled": "no"})
        plan.add("dhcp", "/ip/dhcp-server", f"DHCP server on {name}",
                 name=plan.name(f"dhcp-{name}"), interface=name, **{"address-pool": pool})
        plan.add("dhcp", "/ip/dhcp-server/network", f"DHCP network {gateway.network}",
                 address=str(gateway.network), gateway=str(gateway.ip),
                 **{"dns-server": str(gateway.ip)})
        plan.add("firewall", "/ip/firewall/nat", f"masquerade {gateway.network}",
                 chain="srcnat", action="masquerade", **{"src-address": str(gateway.network)})
        _client_accepts(plan, f"hotspot clients on {name}", {"in-interface": name},
                        dhcp=True)


def _pppoe(plan: Plan, pp: dict) -> None:
    pool = plan.name("pppoe-pool")
    profile = plan.name("pppoe")
    plan.add("addresses", "/ip/pool", "PPPoE client pool", name=pool, ranges=pp["pool"])
    plan.add("profiles", "/ppp/profile", "PPPoE profile", name=profile,
             **{"local-address": pp["local_address"], "remote-address": pool,
                "dns-server": pp["local_address"]})
    for name in pp["interfaces"]:
        plan.add("servers", "/interface/pppoe-server/server", f"PPPoE server on {name}",
                 interface=name, **{"service-name": pp["service_name"],
                                    "default-profile": profile,
                                    "authentication": ",".join(pp["authentication"]),
                                    "disabled": "no"})
    # RouterOS takes an address range in src-address: one rule covers the whole pool.
    plan.add("firewall", "/ip/firewall/nat", f"masquerade {pp['pool']}", chain="srcnat",
             action="masquerade", **{"src-address": pp["pool"]})
    # PPPoE clients arrive on dynamic pppoe-in interfaces: match them by their pool.
    _client_accepts(plan, f"PPPoE clients {pp['pool']}", {"src-address": pp["pool"]},
                    dhcp=False)


def _client_accepts(plan: Plan, who: str, match: dict, dhcp: bool) -> None:
    """Input accepts for what clients need from the router itself: DHCP (udp 67) and DNS
    (udp and tcp 53). A factory-configured router drops input that is not from its LAN
    list ("defconf: drop all not coming from LAN"); deploy places these rules before the
    first drop rule of the input chain, so they hold whatever the router's firewall is."""
    plan.add("firewall", "/ip/firewall/filter", f"accept DHCP and DNS from {who}",
             chain="input", action="accept", protocol="udp",
             **{"dst-port": "53,67" if dhcp else "53", **match})
    plan.add("firewall", "/ip/firewall/filter", f"accept DNS over TCP from {who}",
             chain="input", action="accept", protocol="tcp", **{"dst-port": "53", **match})


def _radius(plan: Plan, rad: dict, server) -> None:
    services = [s for s, on in (("hotspot", rad.get("hotspot")), ("ppp", rad.get("pppoe")))
                if on]
    plan.add("radius", "/radius", f"RADIUS server {server.host}", address=server.host,
             secret=SECRET_REF, service=",".join(services),
             # FreeRADIUS answers a reject after reject_delay (1 s): the default 300 ms
             # would take every wrong password for a server that is down.
             timeout="3s",
             **{"authentication-port": str(server.auth_port),
                "accounting-port": str(server.acct_port)})
    if rad.get("pppoe"):
        plan.set("radius", "/ppp/aaa", "PPP uses RADIUS", **{
            "use-radius": "yes", "accounting": "yes",
            "interim-update": f"{_interim_seconds()}s"})
    if rad.get("incoming", True):
        plan.set("radius", "/radius/incoming", "accept RADIUS disconnect/CoA", accept="yes",
                 port=str(_incoming_port()))
    if plan.choices.get("hotspot"):
        # Hotspot clients reach the RADIUS host before they log in (status pages, portal).
        plan.add("firewall", "/ip/hotspot/walled-garden/ip", "walled garden: RADIUS host",
                 **{"dst-address": server.host, "action": "accept"})


def _interim_seconds() -> int:
    """Interim accounting updates every RADIUS_INTERIM_INTERVAL seconds (5 minutes)."""
    from django.conf import settings

    return settings.RADIUS_INTERIM_INTERVAL


def _incoming_port() -> int:
    """The UDP port the router takes Disconnect/CoA on (RADIUS_INCOMING_PORT, 3799)."""
    from django.conf import settings

    return settings.RADIUS_INCOMING_PORT
