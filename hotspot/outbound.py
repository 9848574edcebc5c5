"""Where the product connects on an operator's word: router APIs and RADIUS agents.

An operator names a router's host and an agent's URL; the product then connects there
and reports what it found. Without limits that makes it a port scanner of the server's
own network. Refused, unless OUTBOUND_ALLOW_NETWORKS lists the address:

- the unspecified address (0.0.0.0, ::), loopback (this server itself), link-local
  (169.254.0.0/16 holds cloud metadata services, fe80::/10), multicast and reserved ones;

and always refused, allowed network or not:

- the installation's own database and Redis (host and port from DATABASE_URL,
  RADIUS_DATABASE_URL and REDIS_URL), and their ports on any loopback address.

Forms check literal addresses as the operator types them; every connection checks the
addresses a name resolves to, and connects to the checked address (not a second lookup).
Private networks (10/8, 172.16/12, 192.168/16) are where routers live: they are allowed.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import time
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SETTING = "OUTBOUND_ALLOW_NETWORKS"


class OutboundRefused(OSError):
    """The destination is not one the product connects to."""


def address_problem(ip: IPAddress, port: int | None) -> str | None:
    """Why the product must not connect to `ip`:`port`, or None when it may."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if port is not None and _is_own_service(ip, port):
        return f"{_show(ip)}:{port} is this installation's own database or Redis."
    if any(ip in net for net in _allowed_networks()):
        return None
    kind = _refused_kind(ip)
    if kind is None:
        return None
    return (f"{_show(ip)} is {kind}; the product does not connect there unless "
            f"{SETTING} allows it.")


def host_problem(host: str, port: int | None = None) -> str | None:
    """The form-time check: literal addresses and `localhost` (names resolve at connect)."""
    host = host.strip().strip("[]")
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return address_problem(ipaddress.ip_address("127.0.0.1"), port)
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    return address_problem(ip, port)


def url_problem(url: str) -> str | None:
    """host_problem for an http(s) URL's host and port."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "The URL's port is not a number from 1 to 65535."
    return host_problem(parts.hostname or "", port) if parts.hostname else None


def create_connection(host: str, port: int, timeout: float | None) -> socket.socket:
    """socket.create_connection, refusing addresses the policy forbids (OutboundRefused).

    Each address `host` resolves to is checked, and the connection goes to that checked
    address: a name cannot resolve to an allowed address for the check and to a refused
    one for the connection.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    refused: list[str] = []
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in infos:
        problem = address_problem(ipaddress.ip_address(sockaddr[0].split("%", 1)[0]), port)
        if problem:
            refused.append(problem)
            continue
        sock = socket.socket(family, kind, proto)
        try:
            if deadline is not None:
                sock.settimeout(max(deadline - time.monotonic(), 0.001))
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    if error is not None:
        raise error
    if refused:
        if host_is_address(host):
            raise OutboundRefused(refused[0])
        raise OutboundRefused(f"{host} resolves to an address the product does not connect "
                              f"to: {refused[0]}")
    raise OSError(f"{host} has no address")


def host_is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def _refused_kind(ip: IPAddress) -> str | None:
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_loopback:
        return "a loopback address (this server itself)"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_reserved or ip == ipaddress.IPv4Address("255.255.255.255"):
        return "a reserved address"
    return None


def _show(ip: IPAddress) -> str:
    return f"[{ip}]" if ip.version == 6 else str(ip)


def _allowed_networks() -> tuple:
    return _parse_networks(tuple(getattr(settings, SETTING, ())))


@functools.lru_cache(maxsize=8)
def _parse_networks(texts: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(t, strict=False) for t in texts)


def _is_own_service(ip: IPAddress, port: int) -> bool:
    for own_ip, own_port in _own_endpoints(_own_service_addresses()):
        if port != own_port:
            continue
        if ip == own_ip or (ip.is_loopback and (own_ip.is_loopback or own_ip.is_unspecified)):
            return True
    return False


def _own_service_addresses() -> tuple[tuple[str, int], ...]:
    """(host, port) of the database(s) and Redis this installation uses."""
    found = []
    defaults = {"postgresql": 5432, "mysql": 3306}
    for db in settings.DATABASES.values():
        engine = db.get("ENGINE", "").rsplit(".", 1)[-1]
        if engine in defaults:
            host = db.get("HOST") or "localhost"
            if not host.startswith("/"):
                found.append((host, int(db.get("PORT") or defaults[engine])))
    try:
        redis = urlsplit(settings.REDIS_URL)
        if redis.scheme in ("redis", "rediss"):
            found.append((redis.hostname or "localhost", redis.port or 6379))
    except ValueError:
        pass
    return tuple(found)


@functools.lru_cache(maxsize=8)
def _own_endpoints(addresses: tuple[tuple[str, int], ...]) -> tuple:
    endpoints = []
    for host, port in addresses:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError:
            continue
        for *_, sockaddr in infos:
            ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
            endpoints.append((ip, port))
    return tuple(endpoints)
