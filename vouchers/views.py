"""Voucher pages: profiles, generating batches, a batch's live progress, CSV, printing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from hotspot.jobs import enqueue
from sales.services import facts as sales_facts
from vouchers import jobs
from vouchers.forms import GenerateForm, VoucherFilterForm, VoucherProfileForm
from vouchers.models import Voucher, VoucherBatch, VoucherProfile
from vouchers.services import lifecycle, printing
from vouchers.services.generate import GenerationError, generate_batch
from vouchers.services.sync import batch_progress

PRINT_PAGE_SIZE = 200
SESSIONS_SHOWN = 20


def org_batches(request):
    return VoucherBatch.objects.filter(organization=request.organization)


def _batch(request, pk):
    return get_object_or_404(
        org_batches(request).select_related("profile", "router", "radius_server"), pk=pk
    )


def batch_list(request):
    page = Paginator(org_batches(request).select_related("profile"), 25).get_page(
        request.GET.get("page")
    )
    for batch in page.object_list:
        batch.progress = batch_progress(batch)
    profiles = VoucherProfile.objects.filter(organization=request.organization)
    return render(request, "vouchers/list.html", {"page": page, "profiles": profiles})


def profile_form(request, pk=None):
    profile = None
    if pk:
        profile = get_object_or_404(VoucherProfile, pk=pk, organization=request.organization)
    form = VoucherProfileForm(request.POST or None, instance=profile,
                              organization=request.organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("vouchers:list")
    return render(request, "vouchers/profile_form.html", {"form": form, "profile": profile})


def batch_generate(request):
    form = GenerateForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = generate_batch(request.organization, data["profile"], data["count"],
                                   router=data["router"], radius_server=data["radius_server"],
                                   code_length=data["code_length"], alphabet=data["alphabet"],
                                   separate_password=data["separate_password"],
                                   prefix=data["prefix"], login_url=data["login_url"],
                                   created_by=request.user)
        except GenerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{batch.count:,} vouchers generated. Syncing to RADIUS…")
            return redirect("vouchers:batch", pk=batch.pk)
    return render(request, "vouchers/generate.html", {"form": form})


def batch_detail(request, pk):
    batch = _batch(request, pk)
    filters = VoucherFilterForm(request.GET or None)
    vouchers = batch.vouchers.order_by("pk")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            vouchers = vouchers.filter(code__icontains=data["q"].strip())
        if data["state"]:
            vouchers = vouchers.filter(state=data["state"])
        if data["sync"]:
            vouchers = vouchers.filter(radius_sync_status=data["sync"])
    page = Paginator(vouchers, 50).get_page(request.GET.get("page"))
    context = {"batch": batch, "page": page, "filters": filters,
               "query": _query_without_page(request), "progress": batch_progress(batch)}
    if request.htmx and request.htmx.target == "voucher-table":
        response = render(request, "vouchers/partials/voucher_table.html", context)
    else:
        response = render(request, "vouchers/batch.html", context)
    # The table alone and the whole page share a URL: "Back" must not show the table alone
    # from the browser's cache.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def batch_progress_view(request, pk):
    """The polling fallback: the progress partial; 286 stops htmx polling when done."""
    batch = _batch(request, pk)
    progress = batch_progress(batch)
    response = render(request, "vouchers/partials/batch_progress.html",
                      {"batch": batch, "progress": progress})
    if progress["done"]:
        response.status_code = 286
    return response


def batch_csv(request, pk):
    batch = _batch(request, pk)
    response = StreamingHttpResponse(printing.csv_rows(batch), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{batch.batch_id}.csv"'
    return response


def batch_print(request, pk):
    """Print sheets; vouchers not in RADIUS would be sold and then not work, so the sheet
    is not printed before the operator chooses: only the synced ones, or all anyway."""
    batch = _batch(request, pk)
    vouchers = batch.vouchers.order_by("pk")
    only_synced = request.GET.get("only") == "synced"
    if only_synced:
        vouchers = vouchers.filter(radius_sync_status=Voucher.SyncStatus.SYNCED)
    elif request.GET.get("anyway") != "1":
        progress = batch_progress(batch)
        if progress["pending"] or progress["failed"]:
            return render(request, "vouchers/print_warning.html",
                          {"batch": batch, "progress": progress})
    page = Paginator(vouchers, PRINT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"batch": batch, "page": page, "cards": printing.cards(batch, page.object_list),
               "query": _query_without_page(request)}
    sales_facts.printed(page.object_list, by=request.user)
    return render(request, "vouchers/print.html", context)


ACTIONS = {
    "retry": ("Retry failed vouchers", "Send this batch's failed vouchers to RADIUS again?"),
    "revoke": ("Revoke batch", "Revoke every unused or active voucher of this batch? They stop "
                               "working once removed from RADIUS. This cannot be undone."),
    "verify": ("Verify against RADIUS", "Read every voucher back from RADIUS and compare?"),
}


def batch_action(request, pk, action):
    """GET asks for confirmation; POST (require_POST below) does it."""
    batch = _batch(request, pk)
    if action not in ACTIONS:
        raise Http404("No such action")
    title, question = ACTIONS[action]
    return render(request, "vouchers/confirm.html",
                  {"batch": batch, "title": title, "question": question, "action": action})


@require_POST
def batch_retry(request, pk):
    batch = _batch(request, pk)
    count = lifecycle.retry_failed(batch)
    messages.success(request, f"{count:,} failed vouchers sent again.")
    return _back(request, batch)


@require_POST
def batch_revoke(request, pk):
    batch = _batch(request, pk)
    count = lifecycle.revoke_batch(batch)
    messages.success(request, f"{count:,} vouchers revoked; removing them from RADIUS.")
    return _back(request, batch)


@require_POST
def batch_verify(request, pk):
    batch = _batch(request, pk)
    enqueue(jobs.verify_batch, batch.pk, organization=batch.organization_id)
    messages.success(request, "Verification started; the report appears on this page.")
    return _back(request, batch)


def _back(request, batch):
    url = reverse("vouchers:batch", args=[batch.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def voucher_detail(request, pk):
    """One voucher: what it has used and has left, its sessions, day by day."""
    from accounting.models import Disconnect
    from accounting.views import with_remaining
    from vouchers.services import usage

    voucher = get_object_or_404(
        Voucher.objects.filter(organization=request.organization)
        .select_related("batch__profile", "batch__radius_server"), pk=pk)
    profile = voucher.batch.profile
    used = usage.totals([voucher.pk]).get(voucher.pk, usage.Usage())
    # Router names only: a Router carries an encrypted token, decrypted whenever one is loaded.
    sessions = voucher.sessions.select_related("router", "voucher__batch__profile").defer(
        "router__config_token").order_by("-started_at", "-id")[:SESSIONS_SHOWN]
    first = voucher.sessions.select_related("router").defer("router__config_token").order_by(
        "started_at", "id").first()
    context = {
        "voucher": voucher, "batch": voucher.batch, "profile": profile, "used": used,
        "left": usage.remaining(voucher, profile, used), "first": first,
        "rows": with_remaining(sessions), "days": voucher.daily_usage.order_by("-day")[:31],
        "disconnects": Disconnect.objects.filter(session__voucher=voucher)
        .order_by("-created_at")[:10],
        "bound": lifecycle.bound_device(voucher) if profile.bind_device else None,
    }
    return render(request, "vouchers/voucher.html", context)


@require_POST
def voucher_release_device(request, pk):
    """Release a voucher's device: the next device to log in is bound instead."""
    voucher = get_object_or_404(Voucher.objects.filter(organization=request.organization)
                                .select_related("batch__radius_server", "batch__router"), pk=pk)
    try:
        lifecycle.release_device(voucher)
    except lifecycle.DeviceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Device released: the next device to log in is bound.")
    return redirect("vouchers:voucher", pk=voucher.pk)
