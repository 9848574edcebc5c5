"""What the simulator knows about each menu beyond the command database.

The command database (schema.py) says which parameters exist. This module adds
what it cannot: which field names an item, the duplicate-name trap RouterOS words
for that menu, references to other menus, factory defaults and built-in items.
Menus not listed here still work generically if the database has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GENERIC_DUPLICATE = "failure: already have such name"
INTERFACE_DUPLICATE = "failure: already have interface with such name"


@dataclass(frozen=True)
class Ref:
    """Field ``arg`` must name an item of ``menu`` (or be one of ``extra``)."""

    arg: str
    menu: str
    extra: tuple[str, ...] = ()
    ip_ok: bool = False  # a literal IP address is accepted too (ppp profile addresses)


@dataclass(frozen=True)
class MenuSpec:
    path: str
    key: str | None = "name"  # field naming an item: =.id=NAME works, unique
    unique: tuple[str, ...] = ()  # fields unique together (defaults to (key,))
    duplicate: str = GENERIC_DUPLICATE
    refs: tuple[Ref, ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)
    auto_name: str = ""  # prefix for generated names when add has no name
    builtins: tuple[dict[str, str], ...] = ()
    hidden: tuple[str, ...] = ()  # never printed (passwords)
    readonly: bool = False  # API clients cannot add (sessions); tests can

    @property
    def unique_fields(self) -> tuple[str, ...]:
        if self.unique:
            return self.unique
        return (self.key,) if self.key else ()


def ethernet(name: str) -> dict[str, str]:
    """A factory Ethernet port as /interface prints it (mac-address and running added later)."""
    return {"name": name, "default-name": name, "type": "ether", "mtu": "1500",
            "actual-mtu": "1500", "l2mtu": "1514", "running": "true", "slave": "false",
            "disabled": "false", "rx-byte": "0", "tx-byte": "0", "comment": ""}


IFACE = Ref("interface", "/interface")
POOL = Ref("address-pool", "/ip/pool", extra=("none",))
OFF = {"disabled": "false"}
SSL_SERVICE = {"certificate": "none", "tls-version": "any"}
# Every firewall row prints its traffic counters (terraform-provider-routeros samples).
FIREWALL_DEFAULTS = {"action": "accept", "log": "false", "log-prefix": "", "bytes": "0",
                     "packets": "0", "invalid": "false", "dynamic": "false", "disabled": "false"}

_SPECS = [
    MenuSpec("/interface", duplicate=INTERFACE_DUPLICATE),  # ethers made per router
    MenuSpec(
        "/interface/bridge", duplicate=INTERFACE_DUPLICATE, auto_name="bridge",
        defaults={"mtu": "auto", "actual-mtu": "1500", "protocol-mode": "rstp", "arp": "enabled",
                  "auto-mac": "true", "running": "true", **OFF},
    ),
    MenuSpec(
        "/interface/bridge/port", key=None, unique=("interface",),
        duplicate="failure: device already added as bridge port",
        refs=(IFACE, Ref("bridge", "/interface/bridge")), defaults=OFF,
    ),
    MenuSpec(
        "/interface/list", auto_name="list",
        builtins=tuple({"name": n, "builtin": "true", "dynamic": "false"}
                       for n in ("all", "none", "dynamic", "static")),
        defaults={"builtin": "false", "dynamic": "false"},
    ),
    MenuSpec(
        "/interface/list/member", key=None, unique=("list", "interface"),
        duplicate="failure: already have such entry",
        refs=(Ref("list", "/interface/list"), IFACE), defaults=OFF,
    ),
    MenuSpec(
        "/ip/address", key=None, unique=("address", "interface"),
        duplicate="failure: already have such address", refs=(IFACE,),
        defaults={"dynamic": "false", "invalid": "false", **OFF},
    ),
    MenuSpec(
        "/ip/pool", duplicate="failure: pool with such name exists", auto_name="pool",
        refs=(Ref("next-pool", "/ip/pool", extra=("none",)),), defaults={"next-pool": "none"},
    ),
    MenuSpec(
        "/ip/dhcp-server", auto_name="dhcp",
        refs=(IFACE, Ref("address-pool", "/ip/pool", extra=("static-only",))),
        defaults={"address-pool": "static-only", "lease-time": "30m", "authoritative": "yes",
                  "add-arp": "false", "use-radius": "no", "dynamic": "false", "invalid": "false",
                  **OFF},
    ),
    MenuSpec("/ip/dhcp-server/network", key=None, unique=("address",),
             duplicate="failure: already have such entry"),
    MenuSpec(
        "/ip/hotspot", auto_name="server",
        refs=(IFACE, POOL, Ref("profile", "/ip/hotspot/profile")),
        defaults={"profile": "default", "address-pool": "none", "idle-timeout": "5m",
                  "keepalive-timeout": "none", "login-timeout": "none", "addresses-per-mac": "2",
                  "invalid": "false", "HTTPS": "false", "proxy-status": "running", **OFF},
    ),
    MenuSpec(
        "/ip/hotspot/profile", auto_name="hsprof",
        builtins=({"name": "default", "default": "true"},),
        defaults={"default": "false", "hotspot-address": "0.0.0.0", "dns-name": "",
                  "html-directory": "hotspot", "html-directory-override": "",
                  "login-by": "cookie,http-chap", "use-radius": "false",
                  "radius-accounting": "true", "radius-interim-update": "received",
                  "http-cookie-lifetime": "3d", "http-proxy": "0.0.0.0:0", "smtp-server": "0.0.0.0",
                  "split-user-domain": "false", "ssl-certificate": "none",
                  "install-hotspot-queue": "false", "nas-port-type": "wireless-802.11"},
    ),
    MenuSpec(
        "/ip/hotspot/user", unique=("name", "server"),
        duplicate="failure: already have user with this name for this server",
        refs=(Ref("profile", "/ip/hotspot/user/profile"),
              Ref("server", "/ip/hotspot", extra=("all",))),
        defaults={"server": "all", "profile": "default", "uptime": "0s", "bytes-in": "0",
                  "bytes-out": "0", "dynamic": "false", **OFF},
    ),
    MenuSpec(
        "/ip/hotspot/user/profile", auto_name="uprof",
        builtins=({"name": "default", "default": "true"},),
        defaults={"default": "false", "idle-timeout": "none", "keepalive-timeout": "2m",
                  "status-autorefresh": "1m", "shared-users": "1", "add-mac-cookie": "true",
                  "mac-cookie-timeout": "3d", "transparent-proxy": "false"},
    ),
    MenuSpec("/ip/hotspot/walled-garden", key=None, defaults={"action": "allow", **OFF}),
    MenuSpec("/ip/hotspot/walled-garden/ip", key=None,
             defaults={"action": "accept", "dynamic": "false", "invalid": "false", **OFF}),
    MenuSpec("/ip/dhcp-client", key=None, refs=(IFACE,),
             defaults={"add-default-route": "yes", "default-route-distance": "1",
                       "use-peer-dns": "true", "use-peer-ntp": "true",
                       "dhcp-options": "hostname,clientid", "dynamic": "false",
                       "invalid": "false", **OFF}),
    MenuSpec("/ip/dns/static", key=None, defaults={"ttl": "1d", "dynamic": "false", **OFF}),
    MenuSpec(
        "/certificate",
        defaults={"key-size": "2048", "days-valid": "365", "digest-algorithm": "sha256",
                  "key-type": "rsa", "trusted": "false", "private-key": "false",
                  "authority": "false", "crl": "false", "smart-card-key": "false"},
    ),
    MenuSpec("/ip/hotspot/active", key="user", unique=("address",), readonly=True),
    MenuSpec(
        "/ppp/profile", auto_name="profile",
        refs=(Ref("local-address", "/ip/pool", ip_ok=True),
              Ref("remote-address", "/ip/pool", ip_ok=True)),
        builtins=(
            {"name": "default", "default": "true", "use-encryption": "default"},
            {"name": "default-encryption", "default": "true", "use-encryption": "yes"},
        ),
        defaults={"default": "false", "only-one": "default", "change-tcp-mss": "default",
                  "use-compression": "default", "use-encryption": "default",
                  "use-mpls": "default", "use-upnp": "default", "bridge-learning": "default"},
    ),
    MenuSpec(
        "/ppp/secret", duplicate="failure: secret with the same name already exists",
        refs=(Ref("profile", "/ppp/profile"),),
        defaults={"service": "any", "profile": "default", "routes": "", "limit-bytes-in": "0",
                  "limit-bytes-out": "0", **OFF},
    ),
    MenuSpec("/ppp/active", unique=("address",), readonly=True),
    MenuSpec("/user/active", key=None, readonly=True),
    MenuSpec(
        "/interface/pppoe-server/server", key="service-name", unique=("service-name", "interface"),
        duplicate="failure: already have such entry",
        refs=(IFACE, Ref("default-profile", "/ppp/profile")),
        defaults={"service-name": "service1", "authentication": "pap,chap,mschap1,mschap2",
                  "keepalive-timeout": "10", "max-mtu": "auto", "max-mru": "auto",
                  "mrru": "disabled",
                  "one-session-per-host": "false", "max-sessions": "unlimited", "pado-delay": "0",
                  "default-profile": "default", "disabled": "true"},
    ),
    MenuSpec(
        "/radius", key=None,
        defaults={"service": "", "authentication-port": "1812", "accounting-port": "1813",
                  "timeout": "300ms", "accounting-backup": "false", "protocol": "udp",
                  "require-message-auth": "yes-for-request-resp", "realm": "", "domain": "",
                  "called-id": "", "src-address": "0.0.0.0", **OFF},
    ),
    *(MenuSpec(path, key=None, defaults=FIREWALL_DEFAULTS)
      for path in ("/ip/firewall/filter", "/ip/firewall/nat", "/ip/firewall/mangle",
                   "/ip/firewall/raw")),
    MenuSpec(
        "/ip/service",
        refs=(Ref("certificate", "/certificate", extra=("none",)),),
        builtins=tuple(
            {"name": n, "port": p, "address": "", "disabled": "false", "vrf": "main",
             "max-sessions": "20", "invalid": "false",
             **(SSL_SERVICE if n in ("api-ssl", "www-ssl") else {})}
            for n, p in (("telnet", "23"), ("ftp", "21"), ("www", "80"), ("ssh", "22"),
                         ("www-ssl", "443"), ("api", "8728"), ("winbox", "8291"),
                         ("api-ssl", "8729"))
        ),
    ),
    MenuSpec("/file", duplicate="failure: file with such name already exists"),
    MenuSpec(
        "/system/script", auto_name="script",
        defaults={"owner": "admin", "dont-require-permissions": "false", "run-count": "0",
                  "invalid": "false", "source": "",
                  "policy": "ftp,reboot,read,write,policy,test,password,sniff,sensitive,romon"},
    ),
    MenuSpec("/user", refs=(Ref("group", "/user/group"),), hidden=("password",),
             defaults={"address": "", "last-logged-in": "", **OFF}),
    MenuSpec(
        "/user/group", auto_name="group",
        builtins=(
            {"name": "read", "policy": "local,telnet,ssh,reboot,read,test,winbox,password,web,"
             "sniff,sensitive,api,romon,rest-api,!ftp,!write,!policy", "skin": "default"},
            {"name": "write", "policy": "local,telnet,ssh,reboot,read,write,test,winbox,password,"
             "web,sniff,sensitive,api,romon,rest-api,!ftp,!policy", "skin": "default"},
            {"name": "full", "policy": "local,telnet,ssh,ftp,reboot,read,write,policy,test,winbox,"
             "password,web,sniff,sensitive,api,romon,rest-api", "skin": "default"},
        ),
        defaults={"skin": "default"},
    ),
]

SPECS: dict[str, MenuSpec] = {spec.path: spec for spec in _SPECS}

# Singletons: one item, no .id, changed with set (defaults for those we model).
SINGLETON_DEFAULTS: dict[str, dict[str, str]] = {
    "/ppp/aaa": {"use-radius": "false", "accounting": "true", "interim-update": "0s",
                 "use-circuit-id-in-nas-port-id": "false", "enable-ipv6-accounting": "false"},
    "/radius/incoming": {"accept": "false", "port": "3799", "vrf": "main"},
    "/ip/dns": {"servers": "", "dynamic-servers": "", "allow-remote-requests": "false",
                "cache-size": "2048KiB", "cache-max-ttl": "1w", "cache-used": "30KiB",
                "max-udp-packet-size": "4096", "query-server-timeout": "2s",
                "query-total-timeout": "10s", "vrf": "main"},
    "/ip/neighbor/discovery-settings": {"discover-interface-list": "all",
                                        "protocol": "cdp,lldp,mndp", "mode": "tx-and-rx",
                                        "discover-interval": "30s"},
}

HOTSPOT_LOGIN_BY = frozenset({"mac", "cookie", "http-chap", "http-pap", "https", "trial",
                              "mac-cookie"})
PPP_SERVICES = frozenset({"any", "async", "isdn", "l2tp", "pppoe", "pptp", "ovpn", "sstp"})


def spec_for(path: str, has_name: bool) -> MenuSpec:
    """The spec of a modelled menu, or a generic one derived from the database."""
    found = SPECS.get(path)
    if found is not None:
        return found
    return MenuSpec(path, key="name" if has_name else None)
