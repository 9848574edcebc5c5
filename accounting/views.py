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


def online(request):
    """The organization's sessions online, newest first; `?router=` narrows to one router."""
    sessions = Session.objects.filter(organization=request.organization, stopped_at=None)
    router = None
    if request.GET.get("router", "").isdigit():
        router = get_object_or_404(Router, pk=int(request.GET["router"]),
                                   organization=request.organization)
        sessions = sessions.filter(router=router)
    page = Paginator(sessions.select_related("router", "voucher__batch__profile")
                     .order_by("-started_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = with_remaining(page.object_list)
    context = {"page": page, "rows": rows, "router": router,
               "routers": Router.objects.filter(organization=request.organization)
               .only("pk", "name")}
    template = ("accounting/partials/online_table.html" if request.htmx
                else "accounting/online.html")
    return render(request, template, context)


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
