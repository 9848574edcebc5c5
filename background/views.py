"""The "Background work" page: the organization's running and failed jobs, live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from background.models import ACTIVE, JobStatus
from background.models import Job as JobRowModel

SHOWN = {
    "active": ("Queued or running", ACTIVE),
    "failed": ("Failed", frozenset({JobStatus.FAILED, JobStatus.ERRORED})),
    "all": ("All", None),
}
PER_PAGE = 50


@dataclass
class Work:
    """One job of any kind, as the page lists it."""

    title: str
    router: object | None
    status: str
    status_label: str
    stage: str
    progress: int
    error: str
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    url: str


def organization_work(organization, statuses) -> list[Work]:
    """Deployments, imports and other jobs of the organization, newest first."""
    from fleet.models import ImportRun
    from provisioning.models import Deployment

    def scoped(qs):
        return qs.filter(status__in=statuses) if statuses else qs

    rows: list[Work] = []
    limit = 1000  # a page lists recent work; the admin holds the rest
    for dep in scoped(Deployment.objects.filter(router__organization=organization)) \
            .select_related("router")[:limit]:
        rows.append(_work(dep, f"{dep.get_kind_display()}", dep.router,
                          reverse("provisioning:deployment", args=[dep.router_id, dep.pk])))
    for run in scoped(ImportRun.objects.filter(router__organization=organization)) \
            .select_related("router")[:limit]:
        what = f"{run.get_kind_display()} {'preview' if run.preview else 'import'}"
        rows.append(_work(run, what, run.router,
                          reverse("fleet:import-detail", args=[run.router_id, run.pk])))
    for job in scoped(JobRowModel.objects.filter(organization=organization)) \
            .select_related("router")[:limit]:
        url = reverse("routers:detail", args=[job.router_id]) if job.router_id else ""
        rows.append(_work(job, job.title, job.router, url))
    rows.sort(key=lambda w: w.created_at, reverse=True)
    return rows


def _work(row, title, router, url) -> Work:
    return Work(title, router, row.status, row.get_status_display(), row.stage, row.progress,
                row.error, row.attempts, row.created_at, row.started_at, row.finished_at, url)


def work_list(request):
    shown = request.GET.get("show", "active")
    if shown not in SHOWN:
        shown = "active"
    page = Paginator(organization_work(request.organization, SHOWN[shown][1]), PER_PAGE) \
        .get_page(request.GET.get("page"))
    context = {"page": page, "show": shown, "choices": [(k, v[0]) for k, v in SHOWN.items()]}
    if request.htmx:
        return render(request, "background/partials/work_table.html", context)
    return render(request, "background/list.html", context)
