"""A subscriber's change reaching its session on the router.

RouterOS applies a CoA-Request's Mikrotik-Rate-Limit to a live PPP session; an address
or pool change cannot be applied to a session that holds an address: that session is
disconnected (the accounting app's disconnect: RADIUS Disconnect-Request through the
agent, checked on the router, API fallback) and the client dials again with the new plan.
"""

from __future__ import annotations

import logging

from django.conf import settings

from accounting.models import Disconnect, Session
from hotspot.jobs import enqueue
from radius.client import AgentClient, AgentError
from routers.routeros.errors import RouterOSError
from routers.services.connect import client_for
from subscribers.models import Event, Subscriber

log = logging.getLogger(__name__)


def online_sessions(sub: Subscriber):
    if sub.radius_server_id is None:
        return Session.objects.none()
    return Session.objects.filter(server_id=sub.radius_server_id, username=sub.username,
                                  stopped_at=None)


def _online(subs) -> list[tuple[Subscriber, Session]]:
    """(subscriber, open session) pairs for many subscribers, in one query."""
    by_key = {(s.radius_server_id, s.username): s for s in subs if s.radius_server_id}
    if not by_key:
        return []
    sessions = Session.objects.filter(
        stopped_at=None, server_id__in={k[0] for k in by_key},
        username__in=[k[1] for k in by_key]).select_related("router")
    return [(by_key[(x.server_id, x.username)], x) for x in sessions
            if (x.server_id, x.username) in by_key]


def disconnect_online(subs, reason: str) -> int:
    """Suspended or expired: end their sessions (each disconnect records its outcome)."""
    from accounting.services.disconnect import request_disconnect

    pairs = _online(subs)
    for sub, session in pairs:
        request_disconnect(session, Disconnect.Reason.OPERATOR)
        Event.objects.create(subscriber=sub, kind="disconnect",
                             message=f"Session {session.session_id} disconnected ({reason})")
    return len(pairs)


def apply_plan(subs, user=None) -> int:
    """Queue the new plan's rate for each online session (job `change_session_rate`)."""
    from subscribers import jobs

    pairs = _online(subs)
    for sub, session in pairs:
        enqueue(jobs.change_session_rate, sub.pk, session.pk, router=session.router,
                organization=sub.organization_id)
    return len(pairs)


def _incoming_port(router) -> int:
    try:
        with client_for(router) as api:
            row = (api.print("/radius/incoming") or [{}])[0]
        return int(row.get("port") or settings.RADIUS_INCOMING_PORT)
    except (RouterOSError, ValueError):
        return settings.RADIUS_INCOMING_PORT


def change_session_rate(sub: Subscriber, session: Session) -> str:
    """CoA with the plan's Mikrotik-Rate-Limit; anything but an ACK: disconnect instead."""
    from accounting.services.disconnect import request_disconnect

    plan = sub.plan
    answer = "not sent"
    if session.router is not None and session.stopped_at is None:
        port = _incoming_port(session.router)
        client = AgentClient.for_server(sub.radius_server)
        try:
            reply = client.disconnect(session.router.host, port, {
                "User-Name": sub.username, "Acct-Session-Id": session.session_id,
                "Framed-IP-Address": session.ip or None,
                "Mikrotik-Rate-Limit": plan.rate_limit}, kind="coa")
            answer = reply["answer"] + (f" ({reply['error_cause']})"
                                        if reply.get("error_cause") else "")
        except AgentError as exc:
            answer = f"not sent: {exc}"
        finally:
            client.close()
    if answer.startswith("CoA-ACK"):
        Event.objects.create(subscriber=sub, kind="coa",
                             message=f"Rate {plan.rate_limit} applied to the online session "
                             f"{session.session_id} (CoA-ACK)",
                             data={"session": session.pk, "answer": answer})
        return "coa"
    request_disconnect(session, Disconnect.Reason.OPERATOR)
    Event.objects.create(subscriber=sub, kind="disconnect",
                         message=f"CoA not applied ({answer}): session {session.session_id} "
                         "disconnected so the new plan applies at the next login",
                         data={"session": session.pk, "answer": answer})
    return "disconnect"
