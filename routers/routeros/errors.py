"""What can go wrong talking to a router, in words the product can act on.

Messages are built here from plain facts (host, port, RouterOS's own trap text);
they never include a password. routeros-api's own exception text does (it quotes
the login sentence), so it is never chained or logged.
"""

from __future__ import annotations


class RouterOSError(Exception):
    """Base class: anything that went wrong talking to a router."""

    def __init__(self, message: str, host: str = "", port: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.host = host
        self.port = port


class RouterUnreachable(RouterOSError):
    """No API session could be opened. ``reason``: refused, timeout, dns or network."""

    REASONS = ("refused", "timeout", "dns", "network")

    def __init__(self, reason: str, host: str = "", port: int | None = None,
                 detail: str = "") -> None:
        self.reason = reason
        text = {
            "refused": "connection refused",
            "timeout": "no answer before the timeout",
            "dns": "host name does not resolve",
            "network": "network error",
        }.get(reason, reason)
        where = f"{host}:{port}" if host else "router"
        super().__init__(f"{where} unreachable: {text}{f' ({detail})' if detail else ''}",
                         host, port)


class RouterAddressRefused(RouterOSError):
    """The product's outbound policy forbids this address (hotspot/outbound.py)."""


class RouterTimeout(RouterOSError):
    """Logged in, but a command got no complete answer in time."""

    def __init__(self, path: str, timeout: float, host: str = "", port: int | None = None) -> None:
        self.path = path
        self.timeout = timeout
        super().__init__(f"{host}:{port}: {path} did not finish within {timeout:g}s", host, port)


class RouterAuthFailed(RouterOSError):
    """The router refused the user name or password (or the user lacks the api policy)."""

    def __init__(self, username: str, router_message: str = "", host: str = "",
                 port: int | None = None) -> None:
        self.username = username
        self.router_message = router_message
        super().__init__(f"{host}:{port}: login as {username!r} refused"
                         f"{f': {router_message}' if router_message else ''}", host, port)


class RouterTLSError(RouterOSError):
    """The TLS handshake with the api-ssl service failed."""


class RouterCertificateChanged(RouterTLSError):
    """api-ssl served a certificate other than the one pinned at the first probe.

    Raised right after the handshake, before the login: the password is never sent.
    """

    def __init__(self, pinned: str, served: str, host: str = "",
                 port: int | None = None) -> None:
        self.pinned = pinned
        self.served = served
        super().__init__(f"{host}:{port}: api-ssl's certificate changed since it was trusted "
                         f"(SHA-256 now {served}, trusted {pinned}); not logged in", host, port)


class RouterCommandError(RouterOSError):
    """RouterOS answered a command with !trap. ``message`` is RouterOS's own words."""

    def __init__(self, message: str, category: int | None = None, path: str = "",
                 host: str = "", port: int | None = None) -> None:
        super().__init__(message, host, port)
        self.category = category
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class RouterConnectionLost(RouterOSError):
    """The session broke after login (peer closed, !fatal, protocol error)."""


class RouterClosedEarly(RouterConnectionLost):
    """The router accepted the connection and closed it before a word of the login answer.

    RouterOS does that when the service's `address=` list does not hold the client's
    address. ``source`` is this end's address (the router may see another, after NAT).
    """

    def __init__(self, source: str = "", host: str = "", port: int | None = None) -> None:
        self.source = source
        super().__init__(f"{host}:{port}: the router closed the connection before answering"
                         f"{f' (this server connected from {source})' if source else ''}",
                         host, port)
