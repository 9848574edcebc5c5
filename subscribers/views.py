"""Plans, subscribers, bulk runs, the migration review and the switch to RADIUS."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounting.models import DailyUsage, Session
from hotspot.inputs import text_problem
from routers.models import Router
from subscribers.forms import CONTACT, PlanForm, SubscriberForm
from subscribers.models import Plan, Run, Subscriber, Switch
from subscribers.services import lifecycle, migrate, runs, switch
from subscribers.validation import Invalid

STOP_POLLING = 286  # htmx stops polling on this status
PER_PAGE = 50


def _text(data, key: str, limit: int = 100) -> str:
    """A free-text value of a request, refused (Invalid) if it holds characters the product
    never accepts (NUL, surrogates, non-characters)."""
    value = (data.get(key) or "").strip()[:limit]
    problem = text_problem(value)
    if problem:
        raise Invalid(f"{key}: {problem}")
    return value


def _id(value) -> int | None:
    """A primary key from a form value, or None (never a number the database refuses)."""
    value = value or ""
    return int(value) if re.fullmatch(r"[0-9]{1,9}", value) else None


def _filtered(request):
    org = request.organization
    subs = Subscriber.objects.filter(organization=org).select_related("plan").defer("password")
    q = _text(request.GET, "q")
    if q:
        subs = subs.filter(Q(username__icontains=q) | Q(full_name__icontains=q)
                           | Q(phone__icontains=q) | Q(email__icontains=q)
                           | Q(static_ip__startswith=q) | Q(caller_id__icontains=q))
    status = request.GET.get("status", "")
    if status in Subscriber.Status.values:
        subs = subs.filter(status=status)
    plan = request.GET.get("plan", "")
    if _id(plan) is not None:
        subs = subs.filter(plan_id=_id(plan))
    sync = request.GET.get("sync", "")
    if sync in Subscriber.Sync.values:
        subs = subs.filter(radius_status=sync)
    return subs, {"q": q, "status": status, "plan": plan, "sync": sync}


def subscriber_list(request):
    try:
        subs, filters = _filtered(request)
    except Invalid as exc:
        messages.error(request, str(exc))
        return redirect("subscribers:list")
    page = Paginator(subs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "subscribers/list.html", {
        "page": page, **filters, "statuses": Subscriber.Status.choices,
        "syncs": Subscriber.Sync.choices,
        "plans": Plan.objects.filter(organization=request.organization),
        "runs": Run.objects.filter(organization=request.organization)[:5],
        "routers": Router.objects.filter(organization=request.organization)})


@require_POST
def bulk(request):
    """Suspend, resume, change plan or export: the ticked subscribers, or every one the
    filters match; runs in the background."""
    try:
        if request.POST.get("scope") == "all":
            request.GET = request.POST  # the filters travel with the form
            subs, _ = _filtered(request)
            ids = list(subs.values_list("pk", flat=True))
        else:
            ids = [_id(i) for i in request.POST.getlist("ids") if _id(i) is not None]
        plan_id = _id(request.POST.get("plan_id"))
        plan = Plan.objects.filter(organization=request.organization,
                                   pk=plan_id).first() if plan_id is not None else None
        run = runs.start_bulk(request.organization, request.POST.get("action", ""), ids,
                              plan=plan, user=request.user)
    except Invalid as exc:
        messages.error(request, str(exc))
        return redirect("subscribers:list")
    return redirect("subscribers:run", run.pk)


def _subscriber(request, pk) -> Subscriber:
    return get_object_or_404(Subscriber.objects.select_related("plan", "radius_server",
                                                               "router"),
                             organization=request.organization, pk=pk)


def subscriber_detail(request, pk):
    sub = _subscriber(request, pk)
    sessions = Session.objects.filter(server=sub.radius_server, username=sub.username)[:20] \
        if sub.radius_server_id else []
    usage = DailyUsage.objects.filter(organization=request.organization,
                                      username=sub.username).order_by("-day")[:31]
    return render(request, "subscribers/detail.html", {
        "sub": sub, "events": sub.events.select_related("actor")[:100], "sessions": sessions,
        "usage": usage, "plans": Plan.objects.filter(organization=request.organization),
        "radius_problem": _radius_problem(sub)})


def _radius_problem(sub) -> str:
    from subscribers.validation import radius_problem

    why = radius_problem(sub.username)
    return f"FreeRADIUS cannot serve this username: it {why}. Rename it." if why else ""


def subscriber_form(request, pk=None):
    sub = _subscriber(request, pk) if pk else None
    form = SubscriberForm(request.POST or None, instance=sub,
                          organization=request.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if sub is None:
                sub = lifecycle.create_subscriber(
                    request.organization, username=data["username"],
                    password=data["password"], plan=data["plan"],
                    radius_server=data["radius_server"], router=data["router"],
                    static_ip=data["static_ip"], caller_id=data["caller_id"],
                    expires_at=data["expires_at"], user=request.user,
                    **{k: data[k] for k in CONTACT})
            else:
                sub.refresh_from_db()  # the form changed the instance in memory only
                lifecycle.update_subscriber(sub, {**data}, request.user)
            return redirect("subscribers:detail", sub.pk)
        except Invalid as exc:
            form.add_error(None, str(exc))
            if sub is not None:
                sub.refresh_from_db()
    return render(request, "subscribers/form.html", {"form": form, "sub": sub})


@require_POST
def subscriber_action(request, pk):
    sub = _subscriber(request, pk)
    action = request.POST.get("action")
    try:
        if action == "suspend":
            lifecycle.suspend(sub, request.user, _text(request.POST, "reason", 200))
        elif action == "resume":
            lifecycle.resume(sub, request.user)
        elif action == "change_plan":
            plan = get_object_or_404(Plan, organization=request.organization,
                                     pk=_id(request.POST.get("plan_id")) or 0)
            lifecycle.change_plan(sub, plan, request.user)
        else:
            messages.error(request, "No such action.")
    except Invalid as exc:
        messages.error(request, str(exc))
    return redirect("subscribers:detail", sub.pk)


@require_POST
def reveal_password(request, pk):
    """The password, shown once to this operator; the history records it."""
    sub = _subscriber(request, pk)
    password = lifecycle.reveal_password(sub, request.user)
    response = render(request, "subscribers/partials/password.html", {"password": password})
    response["Cache-Control"] = "no-store"
    return response


def plan_list(request):
    from django.db.models import Count

    plans = Plan.objects.filter(organization=request.organization).annotate(
        count=Count("subscribers"))
    return render(request, "subscribers/plans.html", {"plans": plans})


def plan_form(request, pk=None):
    plan = get_object_or_404(Plan, organization=request.organization, pk=pk) if pk else None
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            if plan is not None:
                plan.refresh_from_db()
            lifecycle.save_plan(request.organization, form.cleaned_data, plan)
            return redirect("subscribers:plans")
        except Invalid as exc:
            form.add_error(None, str(exc))
    return render(request, "subscribers/plan_form.html", {"form": form, "plan": plan})


def _run(request, pk) -> Run:
    return get_object_or_404(Run, organization=request.organization, pk=pk)


def run_detail(request, pk):
    return render(request, "subscribers/run.html", {"run": _run(request, pk)})


def run_progress(request, pk):
    run = _run(request, pk)
    response = render(request, "subscribers/partials/run_progress.html", {"run": run})
    if run.finished:
        response.status_code = STOP_POLLING
    return response


def run_csv(request, pk):
    run = get_object_or_404(Run, organization=request.organization, pk=pk,
                            kind=Run.Kind.EXPORT, status=Run.Status.COMPLETED)
    response = HttpResponse(run.csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subscribers-{run.pk}.csv"'
    return response


def _router(request, router_id) -> Router:
    return get_object_or_404(Router.objects.filter(organization=request.organization),
                             pk=router_id)


def migrate_review(request, router_id):
    """Review the mapping (profile -> plan) and start the migration of the router's
    imported secrets (all, or those matching a search)."""
    router = _router(request, router_id)
    try:
        q = _text(request.POST, "q") or _text(request.GET, "q")
    except Invalid as exc:
        messages.error(request, str(exc))
        return redirect("subscribers:migrate", router.pk)
    secret_ids = None
    if q:
        secret_ids = list(migrate.selected(router).filter(
            Q(name__icontains=q) | Q(profile__icontains=q) | Q(comment__icontains=q))
            .values_list("pk", flat=True))
    if request.method == "POST":
        try:
            if request.POST.get("create_plan"):
                plan = migrate.plan_from_profile(request.organization, router,
                                                 _text(request.POST, "create_plan", 255))
                messages.success(request, f"Plan {plan.name} created from the profile.")
                return redirect(request.path + (f"?q={quote(q)}" if q else ""))
            mapping = {key[5:]: _id(value) for key, value in request.POST.items()
                       if key.startswith("plan:") and _id(value) is not None
                       and not text_problem(key)}
            run = migrate.start(request.organization, router, mapping, secret_ids=secret_ids,
                                user=request.user)
            return redirect("subscribers:run", run.pk)
        except Invalid as exc:
            messages.error(request, str(exc))
    rows = migrate.review(request.organization, router, secret_ids)
    return render(request, "subscribers/migrate.html", {
        "router": router, "rows": rows, "q": q,
        "count": sum(r.secrets for r in rows),
        "plans": Plan.objects.filter(organization=request.organization)})


def switch_page(request, router_id):
    router = _router(request, router_id)
    if request.method == "POST":
        try:
            done = switch.start(router, request.POST.get("direction", ""), request.user)
            messages.success(request, f"{done} queued.")
        except Invalid as exc:
            messages.error(request, str(exc))
        return redirect("subscribers:switch", router.pk)
    return render(request, "subscribers/switch.html", {
        "router": router, **switch.preview(router),
        "switches": router.ppp_switches.all()[:10]})


def switch_progress(request, pk):
    row = get_object_or_404(Switch, router__organization=request.organization, pk=pk)
    response = render(request, "subscribers/partials/switch_progress.html", {"switch": row})
    if row.finished:
        response.status_code = STOP_POLLING
    return response
