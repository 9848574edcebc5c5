"""RADIUS server pages for operators (the agent API is in radius.agent)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from radius import health, scopes
from radius.forms import RadiusServerForm
from radius.models import RadiusServer


def org_servers(request):
    return RadiusServer.objects.filter(organization=request.organization)


def server_list(request):
    servers = org_servers(request).prefetch_related("routers")
    return render(request, "radius/list.html", {"servers": servers})


def _next(request) -> str:
    """Where to go back to after saving (the wizard's "Add one"): a path of this site only."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return ""


def server_form(request, pk=None):
    server = get_object_or_404(org_servers(request), pk=pk) if pk else None
    form = RadiusServerForm(request.POST or None, instance=server,
                            organization=request.organization)
    back = _next(request)
    if request.method == "POST" and form.is_valid():
        created = server is None
        server = form.save()
        messages.success(request, f"RADIUS server {server.name} saved.")
        if created:
            # The only time the token is shown: rendered into this answer, stored nowhere
            # in clear (no redirect through the session).
            return _show_token(request, server, server.agent_token, created=True, back=back)
        return redirect(back or reverse("radius:detail", args=[server.pk]))
    agent_base = request.build_absolute_uri(reverse("radius:agent-users")).removesuffix("users/")
    return render(request, "radius/form.html", {"form": form, "server": server, "next": back,
                                                "agent_base": agent_base})


def server_detail(request, pk):
    """One server: its routers, the health of its last syncs, and the Test button."""
    server = get_object_or_404(org_servers(request).prefetch_related("routers"), pk=pk)
    return render(request, "radius/detail.html", {
        "server": server, "nas_sync": health.last_nas_sync(server),
        "vouchers": health.voucher_sync_counts(server)})


@require_POST
def server_test(request, pk):
    """Run the checks now and show each result (the page's test region)."""
    server = get_object_or_404(org_servers(request), pk=pk)
    checks = health.test_server(server)
    context = {"server": server, "checks": checks, "tested": True,
               "failed": any(c.result == health.FAILED for c in checks)}
    if request.htmx:
        return render(request, "radius/partials/test_result.html", context)
    return render(request, "radius/detail.html", {
        **context, "nas_sync": health.last_nas_sync(server),
        "vouchers": health.voucher_sync_counts(server)})


def token_confirm(request, pk):
    server = get_object_or_404(org_servers(request), pk=pk)
    return render(request, "radius/token_confirm.html", {"server": server})


@require_POST
def token_rotate(request, pk):
    """A new agent token, told to the agent with the old one; `force` skips the agent (whose
    operator then sets the new token there by hand)."""
    server = get_object_or_404(org_servers(request), pk=pk)
    try:
        if request.POST.get("force") == "1":
            token = scopes.replace_token(server)
        else:
            token = scopes.rotate_token(server)
    except scopes.TokenError as exc:
        return render(request, "radius/token_confirm.html",
                      {"server": server, "error": str(exc)}, status=409)
    return _show_token(request, server, token, created=False)


def _show_token(request, server, token, *, created, back=""):
    response = render(request, "radius/token.html",
                      {"server": server, "token": token, "created": created, "back": back})
    response["Cache-Control"] = "no-store"
    return response
