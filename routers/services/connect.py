"""The one way the product builds a RouterOS client for a router.

    with client_for(router, "import") as api: ...

`target` is a Router or a Reach (connection details read before threads start). The
purpose picks the timeouts from settings, so every caller of one kind waits alike:
connect + login share `connect`, and each command may take `command` seconds.
With TLS, the router's pinned certificate fingerprint goes with it: a changed
certificate is refused before the login (routers.services.tls).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from routers.routeros.client import RouterOSClient

# purpose -> (connect timeout setting, command timeout setting)
PURPOSES = {
    "command": ("ROUTER_CONNECT_TIMEOUT", "ROUTER_COMMAND_TIMEOUT"),  # deploys, discovery
    "probe": ("ROUTER_CONNECT_TIMEOUT", "ROUTER_CONNECT_TIMEOUT"),
    "import": ("ROUTER_CONNECT_TIMEOUT", "FLEET_IMPORT_COMMAND_TIMEOUT"),
    "health": ("FLEET_HEALTH_TIMEOUT", "FLEET_HEALTH_TIMEOUT"),
    "live": ("FLEET_LIVE_DATA_TIMEOUT", "FLEET_LIVE_DATA_TIMEOUT"),
    "drift": ("FLEET_DRIFT_TIMEOUT", "FLEET_DRIFT_TIMEOUT"),
}


@dataclass(frozen=True)
class Reach:
    """How to reach and log in to one router (read before the threads start)."""

    router_id: int
    host: str
    port: int
    username: str
    password: str
    use_tls: bool
    # api-ssl's pinned certificate (SHA-256 hex), "" before the first successful probe.
    # Keyword-only, so subclasses (fleet.services.drift.Target) may add plain fields.
    tls_fingerprint: str = field(default="", kw_only=True)

    # Router fields, in this order, for values_list() queries (see from_row).
    FIELDS = ("pk", "host", "api_port", "api_username", "config_token", "use_tls",
              "tls_fingerprint")

    @classmethod
    def of(cls, router) -> Reach:
        return cls(router.pk, router.host, router.api_port, router.api_username,
                   router.config_token, router.use_tls, tls_fingerprint=router.tls_fingerprint)

    @classmethod
    def from_row(cls, row) -> Reach:
        """From a values_list(*Reach.FIELDS) row."""
        *head, fingerprint = row
        return cls(*head, tls_fingerprint=fingerprint)


def timeouts(purpose: str) -> tuple[float, float]:
    connect, command = PURPOSES[purpose]
    return float(getattr(settings, connect)), float(getattr(settings, command))


def client_for(target, purpose: str = "command", timeout: float | None = None
               ) -> RouterOSClient:
    """A (not yet connected) client logged in as the router's API user. `timeout`, when
    given, bounds connecting and each command alike (a caller's own deadline)."""
    reach = target if isinstance(target, Reach) else Reach.of(target)
    connect, command = (timeout, timeout) if timeout else timeouts(purpose)
    return RouterOSClient(reach.host, reach.port, reach.username, reach.password,
                          use_tls=reach.use_tls, timeout=connect, command_timeout=command,
                          tls_fingerprint=reach.tls_fingerprint if reach.use_tls else "",
                          pipelining=settings.ROUTER_API_PIPELINING)
