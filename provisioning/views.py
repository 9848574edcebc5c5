"""Wizard stages 3-5 (services, review, deploy) and their JSON endpoints."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hotspot.inputs import JSONRefused, read_json_object
from provisioning.models import Deployment
from provisioning.services import compare, sealing
from provisioning.services import deploy as deploying
from provisioning.services.configure import generate_service_config, latest_service_config
from provisioning.services.scripts import operator_script
from radius.models import RadiusServer
from routers import versions
from routers.choices import ConfigKind, RouterStatus
from routers.models import Router
from routers.routeros.errors import RouterOSError
from routers.services.discovery import discover
from routers.services.stages import stage_of

STOP_POLLING = 286
CAN_CONFIGURE = (RouterStatus.ONLINE, RouterStatus.ACTIVE, RouterStatus.FAILED)


def org_router(request, pk) -> Router:
    return get_object_or_404(Router.objects.for_org(request.organization), pk=pk)


def wizard(request, pk):
    """Stages 3-5 on one page: the parts shown follow the router's state."""
    router = org_router(request, pk)
    stage = stage_of(router)
    if stage < 3:
        return redirect("routers:wizard", router.pk)
    context = {"router": router, "stage": stage, **deploy_context(router)}
    if router.status in CAN_CONFIGURE:
        context.update(services_context(request, router, refresh="refresh" in request.GET))
    return render(request, "provisioning/wizard.html", context)


def services_context(request, router, refresh=False, data=None, errors=None) -> dict:
    try:
        facts = discover(router, refresh=refresh)
        discovery_error = ""
    except RouterOSError as exc:
        facts, discovery_error = {"interfaces": [], "addresses": [], "pools": []}, str(exc)
    config = latest_service_config(router)
    previous = (config.plan.get("choices") if config else None) or {}
    return {
        "facts": facts, "discovery_error": discovery_error, "config": config,
        "form": form_values(facts, data, previous), "errors": errors or {},
        "general_errors": (errors or {}).get("__all__", []),
        "radius_servers": RadiusServer.objects.filter(organization=request.organization,
                                                      is_active=True),
        "login_methods": ("mac", "http-chap", "http-pap", "https", "cookie", "trial"),
    }


def form_values(facts: dict, data, previous: dict) -> dict:
    """What the services form shows: the submitted values, else the last saved choices."""
    hs, pp, rad = (previous.get(k) or {} for k in ("hotspot", "pppoe", "radius"))
    if data is not None:
        get, getlist = data.get, data.getlist
    else:
        nets = {i["name"]: i for i in hs.get("interfaces", [])}
        flat = {
            "enable_hotspot": "on" if hs else "", "enable_pppoe": "on" if pp else "",
            "enable_radius": "on" if rad else "", "portal_title": hs.get("portal_title", ""),
            "dns_name": hs.get("dns_name", "hotspot.lan"),
            "pppoe_service_name": pp.get("service_name", "internet"),
            "pppoe_local_address": pp.get("local_address", ""),
            "pppoe_ip_pool": pp.get("pool", ""), "radius_server": str(rad.get("server_id", "")),
            "portal_pages": hs.get("pages", ""), "portal_colour": hs.get("colour", ""),
            "portal_background": hs.get("background", ""),
            **{f"hotspot_gateway_{n}": v["gateway"] for n, v in nets.items()},
            **{f"hotspot_pool_{n}": v["pool"] for n, v in nets.items()},
        }
        lists = {"hotspot_interfaces": list(nets), "pppoe_interfaces": pp.get("interfaces", []),
                 "login_methods": hs.get("login_by", ["http-chap"]),
                 "pppoe_authentication": pp.get("authentication", ["pap", "chap", "mschap2"]),
                 "radius_for": [k for k in ("hotspot", "pppoe") if rad.get(k, True)]}
        get, getlist = flat.get, (lambda k: lists.get(k, []))
    radius_for = getlist("radius_for") if data is None else [
        k for k in ("hotspot", "pppoe") if data.get(f"radius_for_{k}")]
    ports = {b["name"]: b["ports"] for b in facts.get("bridges", [])}
    rows = [{**i, "ports": ports.get(i["name"], []),
             "hotspot": i["name"] in getlist("hotspot_interfaces"),
             "pppoe": i["name"] in getlist("pppoe_interfaces"),
             "gateway": get(f"hotspot_gateway_{i['name']}", "") or "",
             "pool": get(f"hotspot_pool_{i['name']}", "") or ""}
            for i in facts.get("interfaces", [])]
    return {"rows": rows, "get": {k: get(k, "") or "" for k in (
        "enable_hotspot", "enable_pppoe", "enable_radius", "portal_title", "dns_name",
        "pppoe_service_name", "pppoe_local_address", "pppoe_ip_pool", "radius_server",
        "portal_pages", "portal_colour", "portal_background")},
        "can_upload": versions.supports(facts.get("version", ""), "file-add"),
        "file_add_since": versions.since("file-add"),
        "login_methods": getlist("login_methods") or ["http-chap"],
        "pppoe_authentication": getlist("pppoe_authentication") or ["pap", "chap", "mschap2"],
        "radius_for": radius_for, "auth_choices": ("pap", "chap", "mschap1", "mschap2")}


def deploy_context(router) -> dict:
    deployment = router.deployments.first()
    return {"deployment": deployment,
            "events": list(deployment.events.all()) if deployment else [],
            "deployments": router.deployments.all()[:10]}


@require_POST
def generate(request, pk):
    router = org_router(request, pk)
    if router.status not in CAN_CONFIGURE:
        messages.error(request, "The router must be online to configure services.")
        return redirect("provisioning:wizard", router.pk)
    try:
        config, errors = generate_service_config(router, request.POST, request.user)
    except RouterOSError as exc:
        messages.error(request, f"Could not read the router's interfaces: {exc}")
        return redirect("provisioning:wizard", router.pk)
    if errors:
        context = {"router": router, "stage": 3, **deploy_context(router),
                   **services_context(request, router, data=request.POST, errors=errors)}
        return render(request, "provisioning/wizard.html", context, status=400)
    messages.success(request, "Service configuration generated. Review it, then deploy.")
    return redirect(reverse("provisioning:wizard", args=[router.pk]) + "#review")


@require_POST
def deploy(request, pk):
    router = org_router(request, pk)
    kind = request.POST.get("kind", Deployment.Kind.DEPLOY)
    if kind not in Deployment.Kind.values:
        kind = Deployment.Kind.DEPLOY
    try:
        deploying.start_deploy(router, request.user, kind)
    except deploying.DeployRefused as exc:
        messages.error(request, str(exc))
    return redirect(reverse("provisioning:wizard", args=[router.pk]) + "#deploy")


def progress(request, pk):
    """Polling fallback: the same partial the websocket pushes; 286 once finished."""
    router = org_router(request, pk)
    # `poll`: the answer also carries the status badge (out of band), as pushes do.
    context = {"router": router, "poll": True, **deploy_context(router)}
    response = render(request, "provisioning/partials/deploy_progress.html", context)
    if context["deployment"] is None or context["deployment"].finished:
        response.status_code = STOP_POLLING
    return response


def deployment_detail(request, pk, deployment_id):
    router = org_router(request, pk)
    dep = get_object_or_404(router.deployments, pk=deployment_id)
    return render(request, "provisioning/deployment.html", {
        "router": router, "deployment": dep, "events": dep.events.all(),
        "diff": state_diff(dep.before, dep.after)})


def state_diff(before: dict, after: dict) -> list[dict]:
    """Per menu: rows only before (removed) and only after (added); secrets masked."""
    out = []
    b, a = sealing.masked(before or {}), sealing.masked(after or {})
    b = {p: [compare.comparable_row(p, r) for r in compare.relevant(p, rows)]
         for p, rows in b.items()}
    a = {p: [compare.comparable_row(p, r) for r in compare.relevant(p, rows)]
         for p, rows in a.items()}
    for path in sorted(set(b) | set(a)):
        gone = [dict(r) for r in b.get(path, []) if r not in a.get(path, [])]
        new = [dict(r) for r in a.get(path, []) if r not in b.get(path, [])]
        if gone or new:
            out.append({"path": path, "removed": gone, "added": new})
    return out


def script_download(request, pk, config_id):
    router = org_router(request, pk)
    config = get_object_or_404(router.configs, pk=config_id)
    # The stored script holds placeholders; the operator's download gets the secrets.
    script = (operator_script(config) if config.kind == ConfigKind.SERVICE
              else config.operator_script)
    response = HttpResponse(script, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{router.name}-{config.kind}-{config.pk}.rsc"')
    return response


# --- JSON endpoints (seed 000, stages 3-5) ---------------------------------------------------


@require_GET
def api_interfaces(request, pk):
    router = org_router(request, pk)
    if router.status not in CAN_CONFIGURE:
        return JsonResponse({"success": False, "error": "The router is not online."},
                            status=409)
    try:
        facts = discover(router, refresh=request.GET.get("refresh") == "1")
    except RouterOSError as exc:
        return JsonResponse({"success": False, "error": str(exc)}, status=502)
    return JsonResponse({
        "success": True, "interfaces": facts["interfaces"], "addresses": facts["addresses"],
        "pools": facts["pools"], "bridges": facts.get("bridges", []),
        "interface_lists": facts.get("interface_lists", {}),
        "portal_pages": {"custom": versions.supports(facts["version"], "file-add"),
                         "router": True},
        "router_info": {"identity": facts["identity"], "model": facts["model"],
                        "os_version": facts["version"],
                        "last_seen": router.last_seen.isoformat() if router.last_seen else None},
        "stage": 3,
    })


@require_POST
def api_generate(request, pk):
    router = org_router(request, pk)
    try:
        data = read_json_object(request)
    except JSONRefused as exc:
        return JsonResponse({"success": False, "errors": exc.errors()}, status=400)
    if router.status not in CAN_CONFIGURE:
        return JsonResponse({"success": False, "error": "The router is not online."},
                            status=409)
    try:
        config, errors = generate_service_config(router, data, request.user)
    except RouterOSError as exc:
        return JsonResponse({"success": False, "error": str(exc)}, status=502)
    if errors:
        return JsonResponse({"success": False, "errors": errors}, status=400)
    return JsonResponse({"success": True, "service_script": config.script,
                         "config_id": config.pk, "stage": 4})


@require_POST
def api_deploy(request, pk):
    """Deploys the saved, validated configuration; never takes commands from the client."""
    router = org_router(request, pk)
    try:
        dep = deploying.start_deploy(router, request.user)
    except deploying.DeployRefused as exc:
        return JsonResponse({"success": False, "error": str(exc)}, status=409)
    return JsonResponse({"success": True, "deployment_id": dep.pk, "stage": 5,
                         "message": "Service configuration deployment started"}, status=202)
