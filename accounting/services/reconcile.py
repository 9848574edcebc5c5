"""Closing sessions the routers no longer list: zombies in the online list.

A session stays open in radacct until its Stop arrives; when the Stop is lost (a reboot, a
power cut, a dropped packet) it stays open for good, holds a Simultaneous-Use slot, and the
online list lies (peers' users complain of exactly this). The reconciler reads the router's
own active lists (`/ip hotspot active`, `/ppp active`) and has the agent close the open
sessions the router no longer has, stopped at their last update with their usage as last
reported, cause Stale-Session. History is never deleted. A router that does not answer is
left alone: nothing can be told about its sessions.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from accounting.models import Session
from radius.client import AgentClient, AgentError
from routers.models import Router
from routers.routeros.errors import RouterOSError
from routers.services.connect import client_for

log = logging.getLogger(__name__)
CAUSE = "Stale-Session"


def active_on_router(router: Router) -> set[tuple[str, str]]:
    """(user, MAC) of every session the router lists, hotspot and PPP."""
    with client_for(router) as api:
        hotspot = api.print("/ip/hotspot/active", proplist=["user", "mac-address"])
        ppp = api.print("/ppp/active", proplist=["name", "caller-id"])
    return ({(r.get("user", ""), r.get("mac-address", "").upper()) for r in hotspot}
            | {(r.get("name", ""), r.get("caller-id", "").upper()) for r in ppp})


def stale(router: Router, listed: set[tuple[str, str]], grace: dt.timedelta) -> list[Session]:
    """Open sessions of the router it does not list (older than `grace`: a session whose
    Start has just been read may not be in a list read a moment earlier)."""
    due = Session.objects.filter(router=router, stopped_at=None,
                                 started_at__lte=timezone.now() - grace)
    return [s for s in due.select_related("server") if (s.username, s.mac) not in listed]


def reconcile_router(router: Router, grace: dt.timedelta | None = None) -> int:
    """Close the router's sessions it no longer lists; returns how many were closed."""
    from accounting.services import feed

    if grace is None:
        grace = dt.timedelta(seconds=settings.ACCOUNTING_RECONCILE_GRACE_SECONDS)
    if not Session.objects.filter(router=router, stopped_at=None).exists():
        return 0
    try:
        listed = active_on_router(router)
    except RouterOSError as exc:
        log.info("reconcile: router %s not read (%s); its sessions are left as they are",
                 router.pk, exc)
        return 0
    by_server = defaultdict(list)
    for session in stale(router, listed, grace):
        by_server[session.server].append(session.unique_id)
    closed = 0
    for server, unique_ids in by_server.items():
        client = AgentClient.for_server(server)
        try:
            closed += client.close_sessions(unique_ids, CAUSE)
        except AgentError as exc:
            log.warning("reconcile: agent of server %s refused closing: %s", server.pk, exc)
            continue
        finally:
            client.close()
        feed.pull(server)  # the closed rows come back through the feed, like any Stop
    return closed


def routers_to_reconcile() -> list[int]:
    """Routers with sessions open longer than the grace."""
    since = timezone.now() - dt.timedelta(seconds=settings.ACCOUNTING_RECONCILE_GRACE_SECONDS)
    return sorted(set(Session.objects.filter(stopped_at=None, started_at__lte=since,
                                             router__isnull=False)
                      .values_list("router_id", flat=True).distinct()))
