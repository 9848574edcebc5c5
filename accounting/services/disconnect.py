"""Ending a session for real: Disconnect-Request, checked on the router, API fallback.

Peers' users report disconnects that are acknowledged while the client stays online. So a
Disconnect here is done only when the router no longer lists the session:

1. the agent (next to FreeRADIUS, whose address the router trusts) sends a RADIUS
   Disconnect-Request (RFC 5176) signed with the NAS secret, to the port the router's
   `/radius incoming` listens on (read from the router; RADIUS_INCOMING_PORT when the
   router cannot be asked);
2. the router's active lists are read through its API: if the session is still there
   (acknowledged or not), it is removed from `/ip hotspot active` or `/ppp active`, and
   read again;
3. the answer, the method that worked and what was seen are recorded on the Disconnect row
   and shown; accounting is read again so the online list follows, and a session the
   router no longer has but whose Stop never came is closed (Admin-Reset).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounting.models import Disconnect, Session
from hotspot.jobs import enqueue
from radius.client import AgentClient, AgentError
from routers.routeros.errors import RouterOSError
from routers.services.connect import client_for

log = logging.getLogger(__name__)
Status = Disconnect.Status
MENUS = ("/ip/hotspot/active", "/ppp/active")


def request_disconnect(session: Session, reason: str = Disconnect.Reason.OPERATOR,
                       user=None) -> Disconnect:
    """Record a disconnect and enqueue it (views and voucher changes call this)."""
    from accounting import jobs

    pending = session.disconnects.filter(status=Status.PENDING).first()
    if pending is not None:
        return pending  # one at a time per session
    record = Disconnect.objects.create(organization_id=session.organization_id,
                                       session=session, reason=reason, requested_by=user)
    enqueue(jobs.disconnect_session, record.pk)
    return record


def request_for_vouchers(voucher_ids, reason: str) -> int:
    """Disconnect every open session of these vouchers (revoked, used up, expired)."""
    sessions = Session.objects.filter(voucher_id__in=list(voucher_ids), stopped_at=None)
    count = 0
    for session in sessions:
        request_disconnect(session, reason)
        count += 1
    return count


REASONS = {"revoked": Disconnect.Reason.REVOKED, "used_up": Disconnect.Reason.USED_UP,
           "expired": Disconnect.Reason.EXPIRED}
RETRY_AFTER = dt.timedelta(minutes=10)


def sweep(voucher_ids) -> int:
    """Open sessions of vouchers that no longer work (a session started just before the
    voucher was revoked, or a disconnect that failed): disconnect them again, at most every
    RETRY_AFTER per session."""
    recent = timezone.now() - RETRY_AFTER
    sessions = (Session.objects.filter(voucher_id__in=list(voucher_ids), stopped_at=None,
                                       voucher__state__in=list(REASONS))
                .exclude(disconnects__created_at__gte=recent).select_related("voucher"))
    count = 0
    for session in sessions:
        request_disconnect(session, REASONS[session.voucher.state])
        count += 1
    return count


def _listed(api, session: Session) -> list[tuple[str, str]]:
    """(menu, .id) of the rows the router lists for this session (user and device)."""
    found = []
    for menu, user_key, mac_key in (("/ip/hotspot/active", "user", "mac-address"),
                                    ("/ppp/active", "name", "caller-id")):
        for row in api.print(menu, proplist=[".id", user_key, mac_key]):
            if row.get(user_key) == session.username and (
                    not session.mac or row.get(mac_key, "").upper() == session.mac):
                found.append((menu, row[".id"]))
    return found


def _incoming_port(api) -> tuple[int | None, str]:
    """The router's /radius incoming port, or None with why, when it does not accept."""
    settings_row = (api.print("/radius/incoming") or [{}])[0]
    if settings_row.get("accept") not in ("true", "yes"):
        return None, "the router does not accept Disconnect (/radius incoming accept=no)"
    return int(settings_row.get("port") or settings.RADIUS_INCOMING_PORT), ""


def run(record: Disconnect) -> Disconnect:
    """Carry out a disconnect (the job); records and returns the outcome."""
    session = record.session
    router, server = session.router, session.server
    notes: list[str] = []
    if router is None:
        return _finish(record, Status.FAILED, notes=[
            f"no router of this organization has the address {session.nas_address}"])
    api = None
    try:
        api = client_for(router).connect()
        port, why = _incoming_port(api)
    except RouterOSError as exc:
        api, port, why = None, settings.RADIUS_INCOMING_PORT, ""
        notes.append(f"router not reachable through its API ({exc.message})")
    try:
        if port is not None:
            _send_radius(record, server, router, port, notes)
        else:
            notes.append(why)
        if api is None:
            status = Status.DONE if record.radius_answer.endswith("ACK") else Status.FAILED
            notes.append("not confirmed on the router")
            return _finish(record, status, notes=notes)
        listed = _listed(api, session)
        if not listed:
            record.method = record.method or "radius"
            notes.append("gone from the router")
            return _finish(record, Status.DONE, notes=notes)
        if record.radius_answer.endswith("ACK"):
            notes.append("still listed after the acknowledgement")
        for menu, item_id in listed:
            api.remove(menu, item_id)
        record.method = "api"
        if _listed(api, session):
            notes.append("still listed after removal through the API")
            return _finish(record, Status.FAILED, notes=notes)
        notes.append(f"removed through the API ({', '.join(m for m, _ in listed)})")
        return _finish(record, Status.DONE, notes=notes)
    except RouterOSError as exc:
        notes.append(f"router: {exc.message}")
        return _finish(record, Status.FAILED, notes=notes)
    finally:
        if api is not None:
            api.close()


def _send_radius(record, server, router, port: int, notes: list[str]) -> None:
    session = record.session
    client = AgentClient.for_server(server)
    try:
        answer = client.disconnect(router.host, port, {
            "User-Name": session.username, "Acct-Session-Id": session.session_id,
            "Framed-IP-Address": session.ip or None})
    except AgentError as exc:
        record.radius_answer = "not sent"
        notes.append(f"agent: {exc}")
        return
    finally:
        client.close()
    record.radius_answer = answer["answer"] + (
        f" ({answer['error_cause']})" if answer.get("error_cause") else "")
    if answer["answer"].endswith("ACK"):
        record.method = "radius"


def _finish(record: Disconnect, status: str, notes: list[str]) -> Disconnect:
    record.status = status
    record.message = "; ".join(n for n in notes if n)[:2000]
    record.finished_at = timezone.now()
    record.save(update_fields=["status", "radius_answer", "method", "message", "finished_at"])
    if status == Status.DONE:
        transaction.on_commit(lambda: _follow_accounting(record.session_id))
    return record


def _follow_accounting(session_id: int) -> None:
    """Read accounting now (the router's Stop is in); close the session if no Stop came."""
    from accounting.services import feed

    session = Session.objects.select_related("server").get(pk=session_id)
    feed.pull(session.server)
    session.refresh_from_db()
    if session.online:
        client = AgentClient.for_server(session.server)
        try:
            client.close_sessions([session.unique_id], "Admin-Reset")
        except AgentError as exc:
            log.warning("disconnect: session %s not closed in accounting: %s", session.pk, exc)
            return
        finally:
            client.close()
        feed.pull(session.server)
