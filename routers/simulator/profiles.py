"""Router profiles: what a router holds before anyone configures it.

- ``bare``: ether1..ether5, no configuration (a router after "reset-configuration
  no-defaults=yes").
- ``defconf``: a new hEX as it leaves the box: bridge ``bridge`` with ether2-ether5,
  192.168.88.1/24 and a DHCP server on the bridge, a DHCP client on ether1, interface
  lists LAN/WAN, DNS answering the LAN, and the default firewall. Taken from real
  ``/export`` files (see docs/simulator.md, "Profiles").
- ``chr``: Cloud Hosted Router on x86_64: no /system/routerboard, QEMU facts.

``flash=True`` (any profile) adds the ``flash`` directory of small-NOR boards such as
the hAP lite, where everything outside it is lost at reboot.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import RouterState

PROFILES = ("bare", "defconf", "chr")
MIB = 1024 * 1024


@dataclass(frozen=True)
class Hardware:
    board_name: str
    model: str
    architecture: str
    cpu: str
    cpu_count: int
    total_memory: int
    factory_software: str
    routerboard: bool = True
    ethers: int = 5


_HARDWARE = {
    "bare": Hardware("hAP ac^2", "RBD52G-5HacD2HnD", "arm", "ARM", 4, 128 * MIB, "6.44.6"),
    "defconf": Hardware("hEX", "RB750Gr3", "mmips", "MIPS 1004Kc V2.15", 4, 256 * MIB, "6.44.6"),
    # CHR 7.10 and 7.15 as real routers print it (terraform-provider-routeros sample,
    # beeyev/Mikrotik-RouterOS-automatic-backup-and-update#53).
    "chr": Hardware("CHR QEMU Standard PC (i440FX + PIIX, 1996)", "", "x86_64", "QEMU", 4,
                    469762048, "7.1", routerboard=False),
}


def hardware(profile: str) -> Hardware:
    try:
        return _HARDWARE[profile]
    except KeyError:
        raise ValueError(f"unknown router profile {profile!r}; one of {', '.join(PROFILES)}") \
            from None


def apply(state: RouterState) -> None:
    """Put the profile's factory configuration (and the flash directory) in place."""
    if state.flash:
        state.table("/file").insert({"name": "flash", "type": "directory",
                                     "last-modified": time.strftime("%Y-%m-%d %H:%M:%S")})
    if state.profile == "defconf":
        _defconf(state)


# The factory configuration of a hEX on RouterOS 7 (E50UG export, 7.20.1; RB931 7.13 export;
# MikroTik's defconf script), in the order /export prints it.
DEFCONF_FILTER = (
    {"action": "accept", "chain": "input",
     "comment": "defconf: accept established,related,untracked",
     "connection-state": "established,related,untracked"},
    {"action": "drop", "chain": "input", "comment": "defconf: drop invalid",
     "connection-state": "invalid"},
    {"action": "accept", "chain": "input", "comment": "defconf: accept ICMP", "protocol": "icmp"},
    {"action": "accept", "chain": "input",
     "comment": "defconf: accept to local loopback (for CAPsMAN)", "dst-address": "127.0.0.1"},
    {"action": "drop", "chain": "input", "comment": "defconf: drop all not coming from LAN",
     "in-interface-list": "!LAN"},
    {"action": "accept", "chain": "forward", "comment": "defconf: accept in ipsec policy",
     "ipsec-policy": "in,ipsec"},
    {"action": "accept", "chain": "forward", "comment": "defconf: accept out ipsec policy",
     "ipsec-policy": "out,ipsec"},
    {"action": "fasttrack-connection", "chain": "forward", "comment": "defconf: fasttrack",
     "connection-state": "established,related", "hw-offload": "true"},
    {"action": "accept", "chain": "forward",
     "comment": "defconf: accept established,related, untracked",
     "connection-state": "established,related,untracked"},
    {"action": "drop", "chain": "forward", "comment": "defconf: drop invalid",
     "connection-state": "invalid"},
    {"action": "drop", "chain": "forward", "comment": "defconf: drop all from WAN not DSTNATed",
     "connection-nat-state": "!dstnat", "connection-state": "new", "in-interface-list": "WAN"},
)
DEFCONF_NAT = (
    {"action": "masquerade", "chain": "srcnat", "comment": "defconf: masquerade",
     "ipsec-policy": "out,none", "out-interface-list": "WAN"},
)


def _defconf(state: RouterState) -> None:
    from . import engine  # late: engine needs a constructed state

    def add(menu: str, **fields: str) -> str:
        return engine.add(state, menu, {k.replace("_", "-"): v for k, v in fields.items()})

    add("/interface/bridge", admin_mac=state.mac_for("bridge"), auto_mac="no", comment="defconf",
        name="bridge")
    add("/interface/list", comment="defconf", name="WAN")
    add("/interface/list", comment="defconf", name="LAN")
    add("/ip/pool", name="default-dhcp", ranges="192.168.88.10-192.168.88.254")
    add("/ip/dhcp-server", address_pool="default-dhcp", interface="bridge", name="defconf")
    for port in range(2, state.ethers + 1):
        add("/interface/bridge/port", bridge="bridge", comment="defconf", interface=f"ether{port}")
    state.singleton("/ip/neighbor/discovery-settings")["discover-interface-list"] = "LAN"
    add("/interface/list/member", comment="defconf", interface="bridge", list="LAN")
    add("/interface/list/member", comment="defconf", interface="ether1", list="WAN")
    add("/ip/address", address="192.168.88.1/24", comment="defconf", interface="bridge",
        network="192.168.88.0")
    add("/ip/dhcp-client", comment="defconf", interface="ether1")
    add("/ip/dhcp-server/network", address="192.168.88.0/24", comment="defconf",
        dns_server="192.168.88.1", gateway="192.168.88.1")
    state.singleton("/ip/dns")["allow-remote-requests"] = "true"
    add("/ip/dns/static", address="192.168.88.1", comment="defconf", name="router.lan")
    for rule in DEFCONF_FILTER:
        engine.add(state, "/ip/firewall/filter", dict(rule))
    for rule in DEFCONF_NAT:
        engine.add(state, "/ip/firewall/nat", dict(rule))
    state.singleton("/tool/mac-server")["allowed-interface-list"] = "LAN"
    state.singleton("/tool/mac-server/mac-winbox")["allowed-interface-list"] = "LAN"
