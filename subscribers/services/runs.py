"""Background runs over many subscribers: the migration, bulk actions and the CSV export.
Each is a `Run` row (progress, counts, errors) before it is an RQ message; bulk actions
call the same state changes as the subscriber page (subscribers.services.lifecycle)."""

from __future__ import annotations

import csv
import io

from background import lifecycle as jobs_lifecycle
from hotspot import events
from subscribers.models import Plan, Run, Subscriber
from subscribers.services import lifecycle
from subscribers.validation import Invalid

CHUNK = 500
CSV_FIELDS = ("username", "plan", "status", "static_ip", "caller_id", "full_name", "phone",
              "email", "address", "expires_at", "radius_status", "created_at")


def group(org_id: int) -> str:
    return f"org{org_id}.subscribers"


def publish(run: Run) -> None:
    events.publish("subscribers/partials/run_progress.html", {"run": run},
                   group(run.organization_id))


def start_bulk(organization, kind: str, subscriber_ids, *, plan: Plan | None = None,
               user=None) -> Run:
    """Queue a bulk action on these subscribers of the organization."""
    if kind not in (Run.Kind.SUSPEND, Run.Kind.RESUME, Run.Kind.CHANGE_PLAN, Run.Kind.EXPORT):
        raise Invalid("no such action")
    ids = list(Subscriber.objects.filter(organization=organization, pk__in=list(subscriber_ids))
               .values_list("pk", flat=True))
    if not ids:
        raise Invalid("no subscribers selected")
    params = {"subscribers": ids}
    if kind == Run.Kind.CHANGE_PLAN:
        if plan is None or plan.organization_id != organization.pk:
            raise Invalid("choose the plan to move them to")
        params["plan"] = plan.pk
    return jobs_lifecycle.submit(Run(organization=organization, kind=kind, params=params,
                                     total=len(ids), requested_by=user))


def run(job: Run) -> str:
    if job.kind == Run.Kind.MIGRATE:
        from subscribers.services import migrate

        return migrate.run(job)
    if job.kind == Run.Kind.EXPORT:
        return _export(job)
    ids = job.params["subscribers"]
    plan = Plan.objects.filter(pk=job.params.get("plan"),
                               organization=job.organization).first()
    changed = 0
    errors = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        try:
            if job.kind == Run.Kind.SUSPEND:
                changed += lifecycle.set_status(chunk, Subscriber.Status.SUSPENDED, "suspended",
                                                "Suspended (bulk action)", job.requested_by)
            elif job.kind == Run.Kind.RESUME:
                changed += lifecycle.set_status(chunk, Subscriber.Status.ACTIVE, "resumed",
                                                "Resumed (bulk action)", job.requested_by)
            elif job.kind == Run.Kind.CHANGE_PLAN:
                if plan is None:
                    raise Invalid("the plan was deleted")
                changed += lifecycle.change_plans(chunk, plan, job.requested_by)
        except Invalid as exc:
            errors.append({"error": str(exc), "name": f"subscribers {start + 1}-"
                                                      f"{start + len(chunk)}"})
        done = min(start + CHUNK, len(ids))
        jobs_lifecycle.step(job, f"{done} of {len(ids)}", round(100 * done / len(ids)) - 1,
                            done=done)
    jobs_lifecycle.finish(job, Run.Status.COMPLETED, done=len(ids), failed=sum(
        1 for _ in errors), errors=errors, stage=f"{changed} changed")
    return job.status


def _export(job: Run) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    ids = job.params["subscribers"]
    for start in range(0, len(ids), CHUNK):
        rows = (Subscriber.objects.filter(pk__in=ids[start:start + CHUNK])
                .select_related("plan").order_by("username"))
        for sub in rows:
            writer.writerow([_cell(sub.plan.name if f == "plan" else getattr(sub, f))
                             for f in CSV_FIELDS])
        done = min(start + CHUNK, len(ids))
        jobs_lifecycle.step(job, f"{done} of {len(ids)}", round(100 * done / len(ids)) - 1,
                            done=done)
    jobs_lifecycle.finish(job, Run.Status.COMPLETED, done=len(ids), csv=out.getvalue())
    return job.status


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
