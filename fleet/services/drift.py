"""Drift: has someone changed by hand what the product deployed on a router?

The deployed state is the router's latest completed deployment: its plan (config.plan)
and the items it created (created_items, by RouterOS .id, in the plan's order of `add`
steps). A check reads those menus and compares every created item's fields with its
step's parameters, and every singleton setting with its `set` step, the way the
deployment's own verification does. Items the operator made (untagged) are never read
as drift: only what the deployment created is compared.

One job checks all active routers concurrently (a thread pool; each check bounded by
FLEET_DRIFT_TIMEOUT), like the health check: targets are read before, the threads touch
no database, results are written after. A router's DriftReport row keeps only the latest
result; a changed result is pushed to the router page and the routers list.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from background.services import other_active_jobs
from fleet.models import DriftReport
from hotspot import events, jobs
from provisioning.models import Deployment
from provisioning.services import compare as comparison
from provisioning.services.plan import COMMENTLESS, SECRET_REF, Plan
from radius.models import RadiusServer
from routers.choices import RouterStatus
from routers.models import Router
from routers.routeros.errors import RouterOSError
from routers.services.connect import Reach, client_for
from routers.services.fanout import fan_out

log = logging.getLogger(__name__)
D = Deployment.Status
HIDDEN = "(hidden)"
# Fields never compared: a file's contents are not printed back in full.
SKIPPED = {"contents"}


def setting(name: str, default):
    return getattr(settings, name, default)


@dataclass(frozen=True)
class Expected:
    """One deployed item (or singleton setting) and the fields it must still have."""

    label: str
    path: str
    item_id: str  # "" for a singleton setting
    params: dict
    hidden: frozenset = frozenset()  # fields whose values are never shown (the NAS secret)


@dataclass(frozen=True)
class Target(Reach):
    """What one check needs, read from the database before the threads start."""

    deployment_id: int
    tag: str
    items: tuple[Expected, ...]
    settings: tuple[Expected, ...]

    @property
    def paths(self) -> list[str]:
        return sorted({e.path for e in (*self.items, *self.settings)})


@dataclass
class DriftSummary:
    """What one drift run found."""

    checked: int = 0
    drifted: int = 0
    unreadable: int = 0
    changed_reports: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        return {"checked": self.checked, "drifted": self.drifted,
                "unreadable": self.unreadable, "changed": len(self.changed_reports),
                "seconds": round(self.seconds, 2)}


# --- running a check ------------------------------------------------------------------------


def check_drift(routers=None) -> DriftSummary:
    """Compare every active router (or those of `routers`) with its last deployment."""
    started = time.monotonic()
    targets = drift_targets(routers)
    results = check_all(targets, setting("FLEET_DRIFT_TIMEOUT", 10),
                        setting("FLEET_DRIFT_PARALLEL", 64))
    summary = record_results(targets, results)
    summary.checked = len(targets)
    summary.seconds = time.monotonic() - started
    return summary


def drift_targets(routers=None) -> list[Target]:
    """Active routers with a completed deployment, and what that deployment made."""
    routers = (Router.objects.all() if routers is None else routers).filter(
        status=RouterStatus.ACTIVE)
    completed = Deployment.objects.filter(router__in=routers, status=D.COMPLETED)
    latest = newest_per_router(completed, "-finished_at", "-id").select_related("router",
                                                                                "config")
    deployments = [d for d in latest if d.kind == Deployment.Kind.DEPLOY and d.config]
    secrets = _secrets([Plan.from_dict(d.config.plan) for d in deployments])
    return [_target(d, secrets) for d in deployments]


def newest_per_router(deployments, *order: str):
    """Each router's newest row of `deployments` (a correlated subquery: any database)."""
    newest = deployments.filter(router_id=OuterRef("router_id")).order_by(*order).values("pk")
    return deployments.filter(pk=Subquery(newest[:1]))


def _secrets(plans: list[Plan]) -> dict[int, str]:
    """NAS secrets of the RADIUS servers the plans use (one query)."""
    ids = {(p.choices.get("radius") or {}).get("server_id") for p in plans} - {None}
    return {s.pk: s.nas_secret for s in RadiusServer.objects.filter(pk__in=ids)}


def _target(dep: Deployment, secrets: dict[int, str]) -> Target:
    plan = Plan.from_dict(dep.config.plan)
    secret = secrets.get((plan.choices.get("radius") or {}).get("server_id"))
    adds = [s for s in plan.steps if s.action == "add"]
    items = tuple(_expected(step, created["id"], secret)
                  for created, step in zip(dep.created_items, adds, strict=False))
    sets = tuple(_expected(s, "", secret) for s in plan.steps if s.action == "set")
    r = dep.router
    return Target(r.pk, r.host, r.api_port, r.api_username, r.config_token, r.use_tls,
                  dep.pk, plan.tag, items, sets, tls_fingerprint=r.tls_fingerprint)


def _expected(step, item_id: str, secret: str | None) -> Expected:
    params, hidden = {}, set()
    for key, value in step.params.items():
        if key in SKIPPED:
            continue
        if value == SECRET_REF:
            if secret is None:
                continue  # the RADIUS server is gone: nothing to compare the secret with
            value = secret
            hidden.add(key)
        params[key] = value
    return Expected(step.label, step.path, item_id, params, frozenset(hidden))


def check_all(targets: list[Target], timeout: float, parallel: int) -> dict[int, tuple]:
    """router id -> (drift items, None) or (None, why it could not be read). No database."""
    return dict(fan_out(lambda t: check_one(t, timeout), targets, parallel))


def check_one(target: Target, timeout: float) -> tuple[int, tuple]:
    """Read the menus the deployment touched, then compare (one session per router, all of
    it within `timeout` seconds however slowly the router answers)."""
    deadline = time.monotonic() + timeout
    client = client_for(target, "drift", timeout)
    try:
        client.connect(deadline)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return target.router_id, (None, f"no full answer within {timeout:g} s")
        client.command_timeout = remaining
        menus = client.print_many(target.paths)  # one pipelined exchange
    except RouterOSError as exc:
        return target.router_id, (None, exc.message)
    except OSError as exc:  # anything the socket layer raised past the client's own mapping
        return target.router_id, (None, f"network error: {type(exc).__name__}")
    finally:
        client.close()
    return target.router_id, (compare(target, menus), None)


# --- comparing ------------------------------------------------------------------------------


def compare(target: Target, menus: dict[str, list[dict]]) -> list[dict]:
    """The deployed items that were deleted or changed, one entry per item."""
    found = []
    by_id = {(path, row.get(".id")): row for path, rows in menus.items() for row in rows}
    claimed = {(e.path, e.item_id) for e in target.items if (e.path, e.item_id) in by_id}
    for exp in target.items:
        row = by_id.get((exp.path, exp.item_id))
        if row is None:
            row = _fallback(exp, menus.get(exp.path, []), claimed, target.tag)
        if row is None:
            found.append(_entry(exp, "deleted", []))
            continue
        claimed.add((exp.path, row.get(".id")))
        changes = differences(exp, row)
        if changes:
            found.append(_entry(exp, "changed", changes, row.get(".id", "")))
    for exp in target.settings:
        changes = differences(exp, (menus.get(exp.path) or [{}])[0], singleton=True)
        if changes:
            found.append(_entry(exp, "changed", changes))
    return found


def _fallback(exp: Expected, rows: list[dict], claimed: set, tag: str) -> dict | None:
    """The item under another .id (removed and made again): same name, or an exact copy
    carrying the deployment's tag when the item has no name."""
    free = [r for r in rows if (exp.path, r.get(".id")) not in claimed]
    name = exp.params.get("name")
    if name:
        return next((r for r in free if r.get("name") == name), None)
    if exp.path in COMMENTLESS:
        return None
    return next((r for r in free if r.get("comment") == tag and not differences(exp, r)),
                None)


def differences(exp: Expected, row: dict, singleton: bool = False) -> list[dict]:
    """Fields whose value on the router is not what the deployment set."""
    changes = []
    for key, value, now in comparison.field_differences(exp.path, exp.params, row):
        hide = key in exp.hidden
        changes.append({"field": key, "expected": HIDDEN if hide else value,
                        "found": HIDDEN if hide and now else now})
    # Disabling an item by hand is an edit too (the product adds items enabled).
    if not singleton and "disabled" not in exp.params and \
            comparison.value(exp.path, "disabled", row.get("disabled")) == "true":
        changes.append({"field": "disabled", "expected": "no", "found": "yes"})
    return changes


def _entry(exp: Expected, kind: str, changes: list[dict], item_id: str = "") -> dict:
    return {"label": exp.label, "path": exp.path, "id": item_id or exp.item_id, "kind": kind,
            "changes": changes}


# --- recording ------------------------------------------------------------------------------


def record_results(targets: list[Target], results: dict[int, tuple]) -> DriftSummary:
    """Save each router's result; push only the reports that changed."""
    summary = DriftSummary()
    by_router = {t.router_id: t for t in targets}
    # A deployment that started since the targets were read makes the result meaningless.
    current = dict(newest_per_router(Deployment.objects.filter(router_id__in=list(results)),
                                     "-created_at", "-id").values_list("router_id", "pk"))
    reports = {r.router_id: r for r in DriftReport.objects.filter(router_id__in=list(results))}
    now = timezone.now()
    unchanged = []
    for router_id, (items, error) in results.items():
        target = by_router[router_id]
        if current.get(router_id) != target.deployment_id:
            continue
        report = reports.get(router_id) or DriftReport(router_id=router_id)
        if error is not None:
            summary.unreadable += 1
            if report.pk and report.error == error:
                continue
            report.error = error
        else:
            summary.drifted += bool(items)
            new = (target.deployment_id, items, not items, "")
            if report.pk and (report.deployment_id, report.items, report.clean,
                              report.error) == new:
                unchanged.append(report.pk)
                continue
            (report.deployment_id, report.items, report.clean, report.error) = new
            report.checked_at = now
        report.save()
        summary.changed_reports.append(router_id)
        push(report.router_id)
    DriftReport.objects.filter(pk__in=unchanged).update(checked_at=now)
    return summary


def deployment_finished(dep: Deployment) -> None:
    """A completed deployment verified every item it made: the router holds it, no drift."""
    if dep.kind == Deployment.Kind.REMOVE:
        if DriftReport.objects.filter(router_id=dep.router_id).delete()[0]:
            push(dep.router_id)
        return
    updated = DriftReport.objects.filter(router_id=dep.router_id).exclude(deployment=dep).update(
        deployment=dep, items=[], clean=True, error="", checked_at=timezone.now())
    if updated:
        push(dep.router_id)


# --- on demand and live updates -------------------------------------------------------------


def checking(router: Router) -> bool:
    """Whether a "Check now" of this router is queued or running (the row running this very
    check does not count: its final push must not say "checking")."""
    from fleet.jobs import check_router_drift

    return other_active_jobs(check_router_drift, router).exists()


def request_check(router: Router) -> bool:
    """Queue one check of this router ("Check now") unless one is already queued."""
    from fleet.jobs import check_router_drift

    with transaction.atomic():
        Router.objects.select_for_update().filter(pk=router.pk).first()
        if checking(router):
            return False
        jobs.enqueue(check_router_drift, router.pk, router=router)
    return True


def check_router(router_id: int) -> dict:
    """The on-demand check: one router, then the panel (the "checking" state ends)."""
    summary = check_drift(Router.objects.filter(pk=router_id))
    if router_id not in summary.changed_reports:
        push(router_id)
    return summary.summary()


def panel_context(router: Router, oob: bool = False) -> dict:
    report = DriftReport.objects.filter(router=router).select_related("deployment").first()
    return {"router": router, "report": report, "checking": checking(router),
            "deployed": router.status == RouterStatus.ACTIVE, "oob": oob}


def push(router_id: int) -> None:
    """The drift panel to the router page, the drift badge to the routers list."""
    router = Router.objects.filter(pk=router_id).first()
    if router is None:
        return
    org = router.organization_id
    events.publish("fleet/partials/drift.html", panel_context(router),
                   events.router_group(org, router.pk))
    events.publish("fleet/partials/drift_badge.html", {"router": router},
                   events.routers_group(org))
