"""Imported pools and secrets, import runs, and the live-data panel of one router."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from fleet.models import (
    ImportedHotspotProfile,
    ImportedHotspotUser,
    ImportedPool,
    ImportedPppSecret,
    ImportKind,
)
from fleet.services import drift, imports, livedata
from provisioning.models import Deployment
from provisioning.services import deploy as deploying
from routers.choices import ConfigKind
from routers.models import Router

# htmx stops polling when a response has this status (htmx docs: 286).
STOP_POLLING = 286
PER_PAGE = 50


def org_router(request, pk) -> Router:
    """The operator's router, or 404: every view here starts with it."""
    return get_object_or_404(Router.objects.for_org(request.organization), pk=pk)


def import_list(request, pk):
    router = org_router(request, pk)
    page = Paginator(router.import_runs.all(), 25).get_page(request.GET.get("page"))
    return render(request, "fleet/imports.html", {"router": router, "page": page,
                                                  "kinds": ImportKind.choices})


@require_POST
def import_start(request, pk):
    router = org_router(request, pk)
    kind = request.POST.get("kind", ImportKind.ALL)
    if kind not in ImportKind.values:
        kind = ImportKind.ALL
    preview = request.POST.get("preview") == "1"
    run = imports.request_import(router, kind, preview=preview, user=request.user)
    url = reverse("fleet:import-detail", args=[router.pk, run.pk])
    if request.htmx and request.POST.get("follow") == "1":  # "Apply" on a preview's page
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    if request.htmx:
        return render(request, "fleet/partials/import_progress.html", {"run": run})
    what = "Preview" if preview else "Import"
    messages.success(request, format_html('{} queued. <a href="{}">Follow it here</a>.',
                                          what, url))
    return redirect(url)


def import_detail(request, pk, run_id):
    router = org_router(request, pk)
    run = get_object_or_404(router.import_runs, pk=run_id)
    return render(request, "fleet/import_detail.html", {"router": router, "run": run,
                                                        "kinds": ImportKind.choices})


def import_progress(request, pk, run_id):
    """Polling fallback for the progress partial (the websocket pushes the same one)."""
    router = org_router(request, pk)
    run = get_object_or_404(router.import_runs, pk=run_id)
    response = render(request, "fleet/partials/import_progress.html", {"run": run})
    if run.finished:
        response.status_code = STOP_POLLING
    return response


def pool_list(request, pk):
    router = org_router(request, pk)
    pools = ImportedPool.objects.filter(router=router)
    query = request.GET.get("q", "").strip()
    if query:
        pools = pools.filter(Q(name__icontains=query) | Q(ranges__icontains=query))
    totals = ImportedPool.objects.filter(router=router, removed_at__isnull=True).aggregate(
        addresses=Sum("address_count"))
    page = Paginator(pools, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "fleet/pools.html", {"router": router, "page": page, "q": query,
                                                "total_addresses": totals["addresses"] or 0})


def secret_list(request, pk):
    router = org_router(request, pk)
    # The password column is never even read here: defer() keeps it encrypted in the DB.
    secrets = ImportedPppSecret.objects.filter(router=router).defer("password")
    query = request.GET.get("q", "").strip()
    if query:
        secrets = secrets.filter(Q(name__icontains=query) | Q(profile__icontains=query)
                                 | Q(remote_address__icontains=query)
                                 | Q(comment__icontains=query))
    page = Paginator(secrets, PER_PAGE).get_page(request.GET.get("page"))
    template = "fleet/partials/secret_table.html" if request.htmx else "fleet/secrets.html"
    return render(request, template, {"router": router, "page": page, "q": query})


def hotspot_user_list(request, pk):
    router = org_router(request, pk)
    users = ImportedHotspotUser.objects.filter(router=router).defer("password")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(Q(name__icontains=query) | Q(profile__icontains=query))
    page = Paginator(users, PER_PAGE).get_page(request.GET.get("page"))
    profiles = ImportedHotspotProfile.objects.filter(router=router)
    return render(request, "fleet/hotspot_users.html",
                  {"router": router, "page": page, "q": query, "profiles": profiles})


def live_data(request, pk):
    """Polled every 5 s by the router page: the cached snapshot; queues a fetch if stale."""
    router = org_router(request, pk)
    snapshot = livedata.latest(router)
    return render(request, "fleet/partials/live_data.html",
                  livedata.panel_context(router, snapshot))


def drift_panel(request, pk):
    """The drift panel; polled every 3 s only while a check is queued (then 286)."""
    router = org_router(request, pk)
    context = drift.panel_context(router)
    response = render(request, "fleet/partials/drift.html", context)
    if not context["checking"]:
        response.status_code = STOP_POLLING
    return response


@require_POST
def drift_check(request, pk):
    """Check now: queue a drift check of this router; the panel follows it."""
    router = org_router(request, pk)
    drift.request_check(router)
    if request.htmx:
        # Read, not assumed: a fast check may have ended (and pushed its result) before this
        # answer is rendered; saying "checking" then would cover the result.
        return render(request, "fleet/partials/drift.html", drift.panel_context(router))
    messages.info(request, "Drift check queued.")
    return redirect("routers:detail", router.pk)


@require_POST
def drift_reapply(request, pk):
    """Re-apply: redeploy the configuration that was deployed (a redeploy removes everything
    the product tagged and makes it again, rolled back on failure)."""
    router = org_router(request, pk)
    last = router.deployments.filter(status=Deployment.Status.COMPLETED).first()
    latest = router.configs.filter(kind=ConfigKind.SERVICE).values_list("pk", flat=True).first()
    if last and last.kind == Deployment.Kind.DEPLOY and last.config_id != latest:
        messages.error(request, "A newer service configuration was generated after the last "
                                "deployment; deploy it from the wizard instead of re-applying.")
        return redirect("routers:detail", router.pk)
    try:
        dep = deploying.start_deploy(router, request.user)
    except deploying.DeployRefused as exc:
        messages.error(request, str(exc))
        return redirect("routers:detail", router.pk)
    messages.success(request, f"Re-applying the deployed configuration ({dep}).")
    return redirect(reverse("provisioning:wizard", args=[router.pk]) + "#deploy")
