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


# Every menu discovery reads, with the properties it keeps (None: all of them).
MENUS = {
    "/system/identity": None,
    "/system/resource": None,
    "/system/routerboard": None,
    "/interface": ["name", "type", "running", "disabled", "mac-address", "comment"],
    "/ip/address": ["address", "network", "interface", "comment", "dynamic"],
    "/ip/pool": ["name", "ranges", "comment"],
}


def _read(router) -> dict:
    """Every menu in one pipelined exchange: one round trip after the login."""
    with client_for(router) as api:
        menus = api.print_many(list(MENUS), {p: props for p, props in MENUS.items() if props})
    return facts(menus)


def facts(menus: dict) -> dict:
    """What discovery keeps of the menus it read."""
    identity = (menus["/system/identity"] or [{}])[0].get("name", "")
    resource = (menus["/system/resource"] or [{}])[0]
    board = (menus["/system/routerboard"] or [{}])[0]
    interfaces = menus["/interface"]
    addresses = menus["/ip/address"]
    pools = menus["/ip/pool"]
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
