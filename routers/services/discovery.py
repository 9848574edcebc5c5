"""Stage 3: what a router has (identity, interfaces, addresses, pools), cached."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from routers.routeros.errors import (
    RouterCommandError,
    RouterConnectionLost,
    RouterTimeout,
    RouterUnreachable,
)
from routers.services import board as routerboard
from routers.services.connect import client_for

ATTEMPTS = 3
MENUS = ("/system/identity", "/interface", "/interface/bridge", "/interface/bridge/port",
         "/interface/list", "/interface/list/member", "/ip/address", "/ip/pool")
PROPLISTS = {
    "/interface": ["name", "type", "running", "disabled", "mac-address", "comment", "dynamic"],
    "/interface/bridge": ["name"],
    "/interface/bridge/port": ["interface", "bridge", "disabled"],
    "/interface/list": ["name", "builtin"],
    "/interface/list/member": ["list", "interface", "disabled"],
    "/ip/address": ["address", "network", "interface", "comment", "dynamic"],
    "/ip/pool": ["name", "ranges", "comment"],
}
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
    """Everything stage 3 shows, read in one pipelined exchange."""
    commands = [("/system/resource/print", None, None),
                ("/system/routerboard/print", None, None),
                ("/file/print", {".proplist": "name,type"}, {"name": "flash"}),
                *((f"{path}/print", {".proplist": ",".join(PROPLISTS[path])}
                   if path in PROPLISTS else None, None) for path in MENUS)]
    with client_for(router) as api:
        replies = api.call_many(commands)  # one round trip after the login
    for reply in replies[:1] + replies[2:]:  # a missing routerboard is CHR/x86, not an error
        if isinstance(reply, RouterCommandError):
            raise reply
    resource = (replies[0].rows or [{}])[0]
    board = routerboard.row(replies[1])
    flash = replies[2].rows
    menus = {path: reply.rows for path, reply in zip(MENUS, replies[3:], strict=True)}
    ports = [p for p in menus["/interface/bridge/port"] if p.get("disabled") != "true"]
    port_of = {p.get("interface", ""): p.get("bridge", "") for p in ports}
    # The built-in lists (all, none, dynamic, static) are RouterOS's: only the router's own.
    lists: dict[str, list[str]] = {row.get("name", ""): [] for row in menus["/interface/list"]
                                   if row.get("builtin") != "true"}
    for member in menus["/interface/list/member"]:
        if member.get("disabled") != "true":
            lists.setdefault(member.get("list", ""), []).append(member.get("interface", ""))
    return {
        "identity": (menus["/system/identity"] or [{}])[0].get("name", ""),
        "model": routerboard.model(resource, board),
        "version": resource.get("version", ""),
        "routerboard": bool(board),
        # Boards with a flash directory keep files only inside it (the rest is a RAM disk).
        "flash": any(f.get("type") == "directory" for f in flash),
        "interfaces": [{"name": i.get("name", ""), "type": i.get("type", ""),
                        "running": i.get("running") == "true",
                        "disabled": i.get("disabled") == "true",
                        "mac": i.get("mac-address", ""),
                        "bridge": port_of.get(i.get("name", ""), ""),
                        "lists": sorted(name for name, members in lists.items()
                                        if i.get("name", "") in members)}
                       for i in menus["/interface"] if i.get("dynamic") != "true"],
        "bridges": [{"name": b.get("name", ""),
                     "ports": [p.get("interface", "") for p in ports
                               if p.get("bridge") == b.get("name")]}
                    for b in menus["/interface/bridge"]],
        "interface_lists": lists,
        "addresses": menus["/ip/address"],
        "pools": menus["/ip/pool"],
        "read_at": timezone.now().isoformat(),
    }
