from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from routers.choices import ConfigKind, RouterStatus
from routers.forms import RouterForm
from routers.models import Router, RouterConfig
from routers.services import onboarding, probing, removal, tls
from routers.services.stages import stage_of

# htmx stops polling when a response has this status (htmx docs: 286).
STOP_POLLING = 286
# A deployment (or a removal) may start from these statuses (provisioning.services.deploy).
DEPLOYABLE = (RouterStatus.ONLINE, RouterStatus.ACTIVE, RouterStatus.FAILED)


def org_routers(request):
    """Routers of the operator's organization: every router lookup starts here."""
    return Router.objects.for_org(request.organization)


def router_list(request):
    routers = org_routers(request)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()
    if status in RouterStatus.values:
        routers = routers.filter(status=status)
    if query:
        routers = routers.filter(name__icontains=query)
    # The drift badge reads each router's latest drift report: one join, not a query a row.
    page = Paginator(routers.select_related("drift_report"), 25).get_page(request.GET.get("page"))
    add_services(page.object_list)
    context = {"page": page, "status": status, "q": query, "statuses": RouterStatus.choices,
               "add_url": reverse("routers:add")}
    template = "routers/partials/router_table.html" if request.htmx else "routers/list.html"
    return render(request, template, context)


def services_of(config: RouterConfig | None) -> list[str]:
    """What a service config turns on, in words for the routers list."""
    choices = (config.plan.get("choices") if config and config.plan else None) or {}
    labels = (("hotspot", "Hotspot"), ("pppoe", "PPPoE"), ("radius", "RADIUS"))
    return [label for key, label in labels if choices.get(key)]


def add_services(routers) -> None:
    """Set `.services` on each router of a page from its latest service config (one query)."""
    routers = list(routers)
    latest = RouterConfig.objects.filter(router=OuterRef("pk"), kind=ConfigKind.SERVICE)
    ids = dict(Router.objects.filter(pk__in=[r.pk for r in routers]).annotate(
        config_id=Subquery(latest.order_by("-created_at", "-id").values("pk")[:1]),
    ).values_list("pk", "config_id"))
    configs = RouterConfig.objects.in_bulk([c for c in ids.values() if c])
    for router in routers:
        router.services = services_of(configs.get(ids.get(router.pk)))


def router_detail(request, pk):
    router = get_object_or_404(org_routers(request), pk=pk)
    service_config = onboarding.latest_config(router, ConfigKind.SERVICE)
    context = {
        "router": router,
        "stage": stage_of(router),
        "history": router.events.all()[:50],
        "configs": router.configs.all()[:20],
        "deployments": router.deployments.prefetch_related("events")[:10],
        "service_config": service_config,
        "services": services_of(service_config),
        "can_deploy": router.status in DEPLOYABLE,
    }
    return render(request, "routers/detail.html", context)


def router_delete(request, pk):
    """Confirm, then delete the router and its records (the device itself is not touched)."""
    router = get_object_or_404(org_routers(request), pk=pk)
    if request.method == "POST":
        try:
            name = removal.delete_router(router)
        except removal.DeleteRefused as exc:
            messages.error(request, str(exc))
            return redirect("routers:detail", router.pk)
        messages.success(request, f"Router {name} deleted. Its configuration on the device "
                                  "was left as it is.")
        return redirect("routers:list")
    return render(request, "routers/confirm_delete.html", {"router": router})


def router_remove_config(request, pk):
    """Confirmation page; its form posts kind=remove to provisioning:deploy."""
    router = get_object_or_404(org_routers(request), pk=pk)
    context = {"router": router, "can_deploy": router.status in DEPLOYABLE,
               "deployed": router.deployments.filter(status="completed", kind="deploy")
               .exists()}
    return render(request, "routers/confirm_remove.html", context)


def router_add(request):
    form = RouterForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "same_address_ok"}
        router, _ = onboarding.create_router(request.organization, user=request.user, **data)
        messages.success(request, f"Router {router.name} created. Apply the script below.")
        return redirect("routers:wizard", router.pk)
    return render(request, "routers/add.html", {"form": form, "stage": 1})


def wizard(request, pk):
    """The wizard page for the stage the router is at (stages 1-2 live here)."""
    router = get_object_or_404(org_routers(request), pk=pk)
    stage = stage_of(router)
    if stage >= 3:
        return redirect("provisioning:wizard", router.pk)
    config = onboarding.latest_config(router, ConfigKind.INITIAL)
    # Which addresses this script limits the API to ([] = open to all: the page warns).
    api_addresses = ((config.plan or {}).get("api_addresses") or []) if config else []
    context = {"router": router, "stage": stage, "config": config,
               "api_addresses": api_addresses, **probing.probe_panel_context(router)}
    return render(request, "routers/wizard_connect.html", context)


def probe_panel(request, pk):
    """Polling fallback for the live probe panel (the websocket pushes the same partial)."""
    router = get_object_or_404(org_routers(request), pk=pk)
    if stage_of(router) >= 3:
        response = HttpResponse(status=STOP_POLLING)
        response["HX-Redirect"] = reverse("routers:wizard", args=[router.pk])
        return response
    response = render(request, "routers/partials/probe_panel.html",
                      probing.probe_panel_context(router))
    if router.status != RouterStatus.PROBING:
        response.status_code = STOP_POLLING
    return response


def initial_script_download(request, pk):
    router = get_object_or_404(org_routers(request), pk=pk)
    config = onboarding.latest_config(router, ConfigKind.INITIAL)
    return rsc_download(config.operator_script if config else "", f"{router.name}-initial.rsc")


def config_download(request, pk, config_id):
    """An initial script (service scripts download from provisioning)."""
    router = get_object_or_404(org_routers(request), pk=pk)
    config = get_object_or_404(router.configs, pk=config_id, kind=ConfigKind.INITIAL)
    return rsc_download(config.operator_script, f"{router.name}-{config.kind}-{config.pk}.rsc")


def rsc_download(script: str, filename: str) -> HttpResponse:
    response = HttpResponse(script, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def probe_again(request, pk):
    router = get_object_or_404(org_routers(request), pk=pk)
    if router.status in (RouterStatus.PROVISIONING,):
        messages.error(request, "The router is being deployed; probe again when it finishes.")
    else:
        probing.start_probing(router, "probing restarted by the operator")
        messages.success(request, f"Probing {router.name} again.")
    return redirect("routers:wizard", router.pk)


@require_POST
def new_token(request, pk):
    router = get_object_or_404(org_routers(request), pk=pk)
    onboarding.issue_new_token(router, request.user)
    if router.status != RouterStatus.PROVISIONING:
        probing.start_probing(router, "new token issued")
    messages.success(request, "New token issued. Apply the new initial script on the router; "
                              "the old token stops working at the next probe.")
    return redirect("routers:wizard", router.pk)


def retrust_certificate(request, pk):
    """Confirm, then forget the pinned api-ssl certificate and probe again (pins anew)."""
    router = get_object_or_404(org_routers(request), pk=pk)
    if request.method == "POST":
        try:
            tls.retrust(router, request.user)
        except tls.RetrustRefused as exc:
            messages.error(request, str(exc))
            return redirect("routers:detail", router.pk)
        messages.success(request, f"{router.name}: the next successful probe trusts the "
                                  "certificate the router serves then.")
        return redirect("routers:detail", router.pk)
    last = router.probe_log.filter(outcome="certificate_changed").first()
    return render(request, "routers/confirm_retrust.html",
                  {"router": router, "last_refusal": last,
                   "certificate_name": onboarding.CERTIFICATE_NAME})
