"""Sessions online (per organization, per router) and their disconnects."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounting.models import Session
from accounting.services.disconnect import request_disconnect
from routers.models import Router
from vouchers.services import usage

PAGE_SIZE = 50


ONLINE_FIELDS = ("pk", "voucher_id", "router_id", "username", "mac", "ip", "nas_address",
                 "started_at", "seconds", "bytes_in", "bytes_out", "stopped_at")


def online(request):
    """The organization's sessions online, newest first; `?router=` narrows to one router."""
    sessions = Session.objects.filter(organization=request.organization, stopped_at=None)
    routers = list(Router.objects.filter(organization=request.organization)
                   .values_list("pk", "name"))
    router = None
    if request.GET.get("router", "").isdigit():
        router = get_object_or_404(Router.objects.only("pk", "name"),
                                   pk=int(request.GET["router"]),
                                   organization=request.organization)
        sessions = sessions.filter(router=router)
    # Plain columns, no joins: router names come from the filter's list, what vouchers have
    # left from one grouped query (usage.totals) and one query for their limits.
    page = Paginator(sessions.only(*ONLINE_FIELDS).order_by("-started_at", "-id"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(routers)
    limits = usage.limits({s.voucher_id for s in page.object_list if s.voucher_id})
    used = usage.totals(limits)
    rows = []
    for session in page.object_list:
        left = None
        if session.voucher_id in limits:
            time_limit, data_limit = limits[session.voucher_id]
            left = usage.left(time_limit, data_limit,
                              used.get(session.voucher_id, usage.Usage()))
        rows.append(display(session, left, names.get(session.router_id)))
    context = {"page": page, "rows": rows, "router": router,
               "routers": [{"pk": pk, "name": name} for pk, name in routers]}
    template = ("accounting/partials/online_table.html" if request.htmx
                else "accounting/online.html")
    return render(request, template, context)


def display(session: Session, left: dict | None, router_name: str | None) -> dict:
    """One online row as text, formatted here rather than by template filters: a page of 50
    rows renders about twice as fast."""
    from django.utils import timezone

    from accounting.templatetags.accounting_tags import duration, is_randomized, size

    parts = []
    if left:
        if left["seconds"] is not None:
            parts.append(duration(left["seconds"]))
        if left["bytes"] is not None:
            parts.append(size(left["bytes"]))
    started = timezone.localtime(session.started_at) if session.started_at else None
    return {
        "pk": session.pk, "voucher_id": session.voucher_id, "username": session.username,
        "mac": session.mac or "—", "random": is_randomized(session.mac),
        "ip": session.ip or "—",
        "router": router_name or session.nas_address,
        "since": f"{started:%Y-%m-%d %H:%M}" if started else "—",
        "time": duration(session.seconds),
        "traffic": f"{size(session.bytes_in)} / {size(session.bytes_out)}",
        "left": " · ".join(parts) if parts else ("no limit" if left else "—"),
    }


def with_remaining(sessions) -> list[tuple]:
    """(session, what its voucher has left) for a page of sessions: one grouped query."""
    sessions = list(sessions)
    found = usage.totals({s.voucher_id for s in sessions if s.voucher_id})
    rows = []
    for s in sessions:
        left = None
        if s.voucher_id:
            left = usage.remaining(s.voucher, s.voucher.batch.profile,
                                   found.get(s.voucher_id, usage.Usage()))
        rows.append((s, left))
    return rows


@require_POST
def disconnect(request, pk):
    """The Disconnect button: recorded and enqueued; the row shows it is on its way."""
    session = get_object_or_404(Session, pk=pk, organization=request.organization)
    record = request_disconnect(session, user=request.user) if session.online else None
    if request.htmx:
        return render(request, "accounting/partials/disconnect_button.html",
                      {"session": session, "record": record})
    if record is not None:
        messages.success(request, f"Disconnecting {session.username}; the result shows on "
                                  "the voucher's page.")
    return redirect(request.POST.get("next") or "accounting:online")
