"""Stage 3: what a router has (identity, interfaces, addresses, pools), cached."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from routers.routeros.errors import RouterConnectionLost, RouterTimeout, RouterUnreachable
from routers.services.connect import client_for

ATTEMPTS = 3
TRANSIENT = (RouterUnreachable, RouterTimeout, RouterConnectionLost)


def _cache_key(router) -> str:
    return f"discovery:{router.pk}"


def discover(router, refresh: bool = False) -> dict:
    """The router's facts, from cache unless `refresh`; retried on transient errors."""
    if not refresh:
        cached = cache.get(_cache_key(router))
        if cached is not None:
            return cached
    last_error: Exception | None = None
    for _ in range(ATTEMPTS):
        try:
            facts = _read(router)
            break
        except TRANSIENT as exc:
            last_error = exc
    else:
        raise last_error
    cache.set(_cache_key(router), facts, settings.DISCOVERY_CACHE_SECONDS)
    return facts


def forget(router) -> None:
    cache.delete(_cache_key(router))


def _read(router) -> dict:
    with client_for(router) as api:
        identity = (api.print("/system/identity") or [{}])[0].get("name", "")
        resource = (api.print("/system/resource") or [{}])[0]
        board = (api.print("/system/routerboard") or [{}])[0]
        interfaces = api.print("/interface", proplist=[
            "name", "type", "running", "disabled", "mac-address", "comment"])
        addresses = api.print("/ip/address", proplist=["address", "network", "interface",
                                                       "comment", "dynamic"])
        pools = api.print("/ip/pool", proplist=["name", "ranges", "comment"])
    return {
        "identity": identity,
        "model": board.get("model") or resource.get("board-name", ""),
        "version": resource.get("version", ""),
        "interfaces": [{"name": i.get("name", ""), "type": i.get("type", ""),
                        "running": i.get("running") == "true",
                        "disabled": i.get("disabled") == "true",
                        "mac": i.get("mac-address", "")} for i in interfaces],
        "addresses": addresses,
        "pools": pools,
        "read_at": timezone.now().isoformat(),
    }
