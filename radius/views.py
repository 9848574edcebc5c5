"""RADIUS server pages for operators (the agent API is in radius.agent)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

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
        server = form.save()
        messages.success(request, f"RADIUS server {server.name} saved.")
        return redirect("radius:list")
    return render(request, "radius/form.html", {"form": form, "server": server})
