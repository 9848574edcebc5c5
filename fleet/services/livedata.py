"""Live data of a router: fetched only while someone is looking at its page.

The page polls `latest()` every few seconds. When the cached snapshot is older than
FLEET_LIVE_DATA_MAX_AGE, one fetch is queued on the router-data queue (one job row per
router at a time: many open tabs queue one); the poll answers at once with the latest
snapshot. The fetch stores the new snapshot in the cache and pushes the panel.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from background.services import other_active_jobs
from hotspot import events, jobs
from routers.models import Router
from routers.routeros.errors import RouterOSError
from routers.services.connect import client_for

SESSIONS_SHOWN = 20
# What the panel shows, menu by menu (properties only: real routers send less).
LIVE_MENUS = {
    "/system/resource": ["cpu-load", "free-memory", "total-memory", "uptime", "version",
                         "board-name"],
    "/ip/hotspot/active": ["user", "address", "uptime"],
    "/ppp/active": ["name", "service", "address", "uptime"],
    "/interface": ["name", "type", "running", "rx-byte", "tx-byte"],
}


def cache_key(router_id: int) -> str:
    return f"fleet:live:{router_id}"


def latest(router: Router) -> dict | None:
    """The cached snapshot (None before the first fetch); queue a fetch if it is stale."""
    snapshot = cache.get(cache_key(router.pk))
    if snapshot is None or time.time() - snapshot["fetched_at"] > settings.FLEET_LIVE_DATA_MAX_AGE:
        request_fetch(router)
    return snapshot


def request_fetch(router: Router) -> bool:
    """Queue one fetch unless one is already queued or running for this router."""
    from fleet.jobs import fetch_live_data as fetch_job

    with transaction.atomic():
        Router.objects.select_for_update().filter(pk=router.pk).first()
        if other_active_jobs(fetch_job, router).exists():
            return False
        jobs.enqueue(fetch_job, router.pk, router=router)
    return True


def fetch_live_data(router_id: int) -> dict | None:
    """Read CPU, memory, uptime, sessions and interface counters; cache and push them."""
    router = Router.objects.filter(pk=router_id).first()
    if router is None:
        return None
    previous = cache.get(cache_key(router_id))
    try:
        snapshot = read(router)
    except RouterOSError as exc:
        snapshot = {"error": exc.message, **{k: v for k, v in (previous or {}).items()
                                             if k not in ("error", "fetched_at")}}
    snapshot["fetched_at"] = time.time()
    add_rates(snapshot, previous)
    cache.set(cache_key(router_id), snapshot, timeout=settings.FLEET_LIVE_DATA_TTL)
    events.publish("fleet/partials/live_data.html", panel_context(router, snapshot),
                   events.router_group(router.organization_id, router.pk))
    return snapshot


def read(router: Router) -> dict:
    """One API session, four prints in one pipelined exchange, only the properties shown."""
    with client_for(router, "live") as api:
        menus = api.print_many(LIVE_MENUS, LIVE_MENUS)
    resource = (menus["/system/resource"] or [{}])[0]
    hotspot, ppp = menus["/ip/hotspot/active"], menus["/ppp/active"]
    interfaces = menus["/interface"]
    return {
        "cpu_load": _int(resource.get("cpu-load")),
        "free_memory": _int(resource.get("free-memory")),
        "total_memory": _int(resource.get("total-memory")),
        "uptime": resource.get("uptime", ""),
        "version": resource.get("version", ""),
        "hotspot_active": len(hotspot),
        "hotspot_sessions": hotspot[:SESSIONS_SHOWN],
        "ppp_active": len(ppp),
        "ppp_sessions": ppp[:SESSIONS_SHOWN],
        "interfaces": [{"name": i.get("name", ""), "type": i.get("type", ""),
                        "running": i.get("running") == "true",
                        "rx_byte": _int(i.get("rx-byte")), "tx_byte": _int(i.get("tx-byte"))}
                       for i in interfaces],
    }


def add_rates(snapshot: dict, previous: dict | None) -> None:
    """Bits per second per interface, from the counters' change since the last snapshot."""
    if not previous or "interfaces" not in snapshot or "error" in snapshot:
        return
    elapsed = snapshot["fetched_at"] - previous.get("fetched_at", 0)
    before = {i["name"]: i for i in previous.get("interfaces", [])}
    for iface in snapshot["interfaces"]:
        old = before.get(iface["name"])
        if old and elapsed > 0:
            iface["rx_bps"] = max(iface["rx_byte"] - old["rx_byte"], 0) * 8 / elapsed
            iface["tx_bps"] = max(iface["tx_byte"] - old["tx_byte"], 0) * 8 / elapsed


def panel_context(router: Router, snapshot: dict | None, oob: bool = False) -> dict:
    memory_used = None
    if snapshot and snapshot.get("total_memory"):
        memory_used = round(100 * (1 - snapshot["free_memory"] / snapshot["total_memory"]))
    age = round(time.time() - snapshot["fetched_at"]) if snapshot else None
    return {"router": router, "live": snapshot, "memory_used": memory_used, "age": age,
            "oob": oob}


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
