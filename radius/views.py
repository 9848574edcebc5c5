"""RADIUS server pages for operators (the agent API is in radius.agent)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from radius import scopes
from radius.forms import RadiusServerForm
from radius.models import RadiusServer


def org_servers(request):
    return RadiusServer.objects.filter(organization=request.organization)


def server_list(request):
    servers = org_servers(request).prefetch_related("routers")
    return render(request, "radius/list.html", {"servers": servers})


def server_form(request, pk=None):
    server = get_object_or_404(org_servers(request), pk=pk) if pk else None
    form = RadiusServerForm(request.POST or None, instance=server,
                            organization=request.organization)
    if request.method == "POST" and form.is_valid():
        created = server is None
        server = form.save()
        messages.success(request, f"RADIUS server {server.name} saved.")
        if created:
            # The only time the token is shown: rendered into this answer, stored nowhere
            # in clear (no redirect through the session).
            return _show_token(request, server, server.agent_token, created=True)
        return redirect("radius:list")
    return render(request, "radius/form.html", {"form": form, "server": server})


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


def _show_token(request, server, token, *, created):
    response = render(request, "radius/token.html",
                      {"server": server, "token": token, "created": created})
    response["Cache-Control"] = "no-store"
    return response
