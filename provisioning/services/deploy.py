"""Stage 5: apply a plan through the API with live progress, verify it, or roll it all back.

The deployment row is the truth: what was created (by .id), what was removed and
what the touched menus held before. So a rollback restores the router exactly,
whether it runs in the failing job or, after a worker died, in the reaper.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hotspot import events, jobs
from provisioning.models import Deployment, DeploymentEvent
from provisioning.services.plan import MANAGED_MENUS, SINGLETONS, Plan, is_managed
from radius.models import RadiusServer
from routers.choices import ConfigKind, RouterStatus
from routers.models import Router
from routers.routeros.client import RouterOSClient
from routers.routeros.errors import RouterCommandError, RouterOSError
from routers.services.discovery import client_for, forget

log = logging.getLogger(__name__)
D = Deployment.Status
# Fields a router reports but nobody sets; ignored when comparing states.
VOLATILE = {".id", "dynamic", "invalid", "running", "actual-interface", "total", "used",
            "available", "size", "creation-time", "last-modified", "HTTPS", "proxy-status"}


class CountingClient(RouterOSClient):
    """Counts API round trips (reported by the deploy benchmark)."""

    calls = 0

    def call(self, path, params=None, queries=None):
        self.calls += 1
        return super().call(path, params, queries)


def counting_client(router) -> CountingClient:
    base = client_for(router)
    return CountingClient(base.host, base.port, base.username, router.config_token,
                          use_tls=base.use_tls, timeout=base.timeout,
                          command_timeout=base.command_timeout)


# --- starting ------------------------------------------------------------------------------


class DeployRefused(Exception):
    """The deployment cannot start; the message says why."""


@transaction.atomic
def start_deploy(router: Router, user=None, kind: str = Deployment.Kind.DEPLOY) -> Deployment:
    """Queue a deployment of the router's latest service config (or a removal)."""
    router = Router.objects.select_for_update().get(pk=router.pk)
    if router.status == RouterStatus.PROVISIONING:
        raise DeployRefused("A deployment is already running on this router.")
    if router.status not in (RouterStatus.ONLINE, RouterStatus.ACTIVE, RouterStatus.FAILED):
        raise DeployRefused(f"The router is {router.get_status_display().lower()}; "
                            "it must be online to deploy.")
    config = router.configs.filter(kind=ConfigKind.SERVICE).first()
    if kind == Deployment.Kind.DEPLOY and config is None:
        raise DeployRefused("Generate the service configuration first (stage 4).")
    deployment = Deployment.objects.create(router=router, config=config, kind=kind,
                                           created_by=user)
    router.set_status(RouterStatus.PROVISIONING, f"{deployment} queued")
    from provisioning.jobs import deploy

    jobs.enqueue(deploy, deployment.pk)
    return deployment


# --- progress ------------------------------------------------------------------------------


def record(dep: Deployment, stage: str, progress: int, message: str, level: str = "info",
           **fields) -> None:
    """Persist a stage (outside any transaction, so it survives a rollback) and push it."""
    dep.stage, dep.progress, dep.heartbeat_at = stage, progress, timezone.now()
    for name, value in fields.items():
        setattr(dep, name, value)
    dep.save()
    DeploymentEvent.objects.create(deployment=dep, stage=stage, progress=progress,
                                   message=message, level=level)
    push_progress(dep)


def push_progress(dep: Deployment) -> None:
    router = dep.router
    events.push(events.router_group(router.organization_id, router.pk),
                "provisioning/partials/deploy_progress.html",
                {"deployment": dep, "events": list(dep.events.all()), "router": router,
                 "oob": True})


# --- running -------------------------------------------------------------------------------


def run_deployment(deployment_id: int) -> str:
    """The job body: claim the row, apply, verify; on any failure roll back."""
    claimed = Deployment.objects.filter(pk=deployment_id, status=D.PENDING).update(
        status=D.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    if not claimed:
        return "already claimed"
    dep = Deployment.objects.select_related("router", "config").get(pk=deployment_id)
    plan = Plan.from_dict(dep.config.plan) if dep.config else Plan("000000")
    secret = _secret_for(plan)
    api = counting_client(dep.router)
    step_label = ""
    try:
        record(dep, "verifying", 10, "Verifying router connectivity...")
        api.connect()
        record(dep, "connected", 20, "Router connected successfully")
        dep.before = snapshot(api)
        record(dep, "deploying", 40, "Deploying service configuration to router...",
               before=dep.before)
        _remove_managed(dep, api)
        if dep.kind == Deployment.Kind.DEPLOY:
            for index, step in enumerate(plan.steps):
                step_label = f"step {index + 1} of {len(plan.steps)}: {step.label}"
                _apply(dep, api, step, secret)
                pct = 40 + round(30 * (index + 1) / len(plan.steps))
                record(dep, "deploying", pct, f"{step_label} ({step.path} {step.action})",
                       round_trips=api.calls)
            step_label = ""
        record(dep, "deployed", 70, "Configuration deployed successfully")
        record(dep, "verifying_deployment", 85, "Verifying deployment...")
        # One read of every touched menu serves both the verification and the record of
        # the router's state afterwards.
        dep.after = snapshot(api)
        problems = verify(dep, dep.after, plan, secret)
        if problems:
            step_label = "verification"
            raise RouterOSError("the router does not hold what was deployed: "
                                + "; ".join(problems[:5]))
        finish(dep, api)
        return "completed"
    except Exception as exc:  # every failure is rolled back, whatever raised it
        _fail_and_roll_back(dep, api, exc, step_label)
        return "failed"
    finally:
        api.close()


def _secret_for(plan: Plan) -> str | None:
    rad = (plan.choices or {}).get("radius")
    if not rad:
        return None
    server = RadiusServer.objects.filter(pk=rad.get("server_id")).first()
    return server.nas_secret if server else None


def _apply(dep: Deployment, api, step, secret) -> None:
    params = step.resolved(secret)
    if step.action == "add":
        new_id = api.add(step.path, params)
        dep.created_items.append({"path": step.path, "id": new_id, "label": step.label})
        dep.save(update_fields=["created_items"])  # recorded before the next step runs
    else:
        api.set(step.path, None, params)


def _remove_managed(dep: Deployment, api) -> None:
    """Remove what earlier deployments made (found by tag), newest phase first."""
    removed = []
    for path in reversed(MANAGED_MENUS):
        for row in dep.before.get(path, []):
            if is_managed(path, row):
                api.remove(path, row[".id"])
                removed.append({"path": path, "row": row})
                dep.removed_items = removed
                dep.save(update_fields=["removed_items"])
    if removed:
        record(dep, "deploying", 40, f"Removed {len(removed)} items of the previous "
                                     "deployment", round_trips=api.calls)


def snapshot(api) -> dict:
    """What the menus the product touches hold now."""
    return {path: api.print(path) for path in (*MANAGED_MENUS, *SINGLETONS)}


def comparable(state: dict) -> dict:
    """A snapshot without ids and runtime fields, order-independent."""
    return {path: sorted(tuple(sorted((k, v) for k, v in row.items() if k not in VOLATILE))
                         for row in rows) for path, rows in state.items()}


def verify(dep: Deployment, state: dict, plan: Plan, secret) -> list[str]:
    """Compare every created item and setting with what the router holds (`state`, a
    snapshot read after the steps); list what differs."""
    problems = []
    by_id = {(path, r[".id"]): r for path in {c["path"] for c in dep.created_items}
             for r in state.get(path, [])}
    adds = [s for s in plan.steps if s.action == "add"]
    for created, step in zip(dep.created_items, adds, strict=False):
        row = by_id.get((created["path"], created["id"]))
        if row is None:
            problems.append(f"{step.label}: missing")
            continue
        for key, value in step.resolved(secret).items():
            if key == "contents":
                continue
            if _norm(row.get(key, "")) != _norm(value):
                problems.append(f"{step.label}: {key} is {row.get(key)!r}, expected {value!r}")
    for step in (s for s in plan.steps if s.action == "set"):
        row = (state.get(step.path) or [{}])[0]
        for key, value in step.params.items():
            if _norm(row.get(key, "")) != _norm(value):
                problems.append(f"{step.label}: {key} is {row.get(key)!r}")
    return problems


def _norm(value) -> str:
    text = str(value)
    return {"yes": "true", "no": "false"}.get(text, text)


def finish(dep: Deployment, api) -> None:
    router = Router.objects.get(pk=dep.router_id)
    router.mark_seen()
    removed = dep.kind == Deployment.Kind.REMOVE
    # Status first, then the row: the final push never shows a finished deployment on a
    # router still marked as deploying.
    router.set_status(RouterStatus.ONLINE if removed else RouterStatus.ACTIVE,
                      f"{dep} completed")
    record(dep, "completed", 100,
           "The product's configuration was removed from the router." if removed
           else "Router provisioned successfully!",
           status=D.COMPLETED, finished_at=timezone.now(), after=dep.after,
           round_trips=api.calls)
    forget(router)


# --- failing and rolling back ---------------------------------------------------------------


def describe(exc: Exception) -> tuple[str, str]:
    """(what failed, RouterOS's own words if any)."""
    if isinstance(exc, RouterCommandError):
        return f"RouterOS refused {exc.path}: {exc.message}", exc.message
    if isinstance(exc, RouterOSError):
        return str(exc), ""
    return f"Unexpected error: {type(exc).__name__}: {exc}", ""


def _fail_and_roll_back(dep: Deployment, api, exc: Exception, step_label: str) -> None:
    error, router_message = describe(exc)
    log.warning("deployment %s failed at %s: %s", dep.pk, step_label or dep.stage, error)
    record(dep, "failed", dep.progress, f"Provisioning failed: {error}", level="error",
           error=error, router_message=router_message, failed_step=step_label)
    roll_back(dep, api)


def roll_back(dep: Deployment, api=None) -> None:
    """Undo everything the deployment did; the router ends as `before` described it."""
    api = api or counting_client(dep.router)
    try:
        if not api.connected:
            api.close()
            api.connect()
        record(dep, "rolling_back", dep.progress, "Rolling back: removing what was created...")
        _undo(dep, api)
        now = comparable({p: api.print(p) for p in dep.before})
        clean = now == comparable(dep.before) if dep.before else True
        note = ("Rollback complete: the router is as it was before." if clean else
                "Rollback finished, but the router differs from before; see the difference.")
        outcome = {"level": "info" if clean else "error", "rolled_back": True,
                   "rollback_clean": clean, "after": snapshot(api)}
    except Exception as exc:  # the router went away mid-rollback: say so, keep the record
        error, _ = describe(exc)
        note = (f"Rollback incomplete ({error}). When the router answers, Retry: a new "
                "deployment first removes everything the product made.")
        outcome = {"level": "error", "rolled_back": False}
    finally:
        api.close()
    # The router's status changes before the row turns `failed`, so the Retry button
    # the final push shows never meets a router still marked as deploying.
    router = Router.objects.get(pk=dep.router_id)
    if router.status == RouterStatus.PROVISIONING:
        router.set_status(RouterStatus.FAILED, dep.error or "deployment failed")
    record(dep, "failed", dep.progress, note, status=D.FAILED, finished_at=timezone.now(),
           **outcome)


def _undo(dep: Deployment, api) -> None:
    # 1. What this deployment created, newest first, by recorded id.
    for item in reversed(dep.created_items):
        try:
            api.remove(item["path"], item["id"])
        except RouterCommandError:
            pass  # already gone (or never made): the tag sweep below double-checks
    # 2. Anything still carrying this deployment's tag (an add whose reply was lost).
    plan = Plan.from_dict(dep.config.plan) if dep.config else None
    if plan is not None:
        for path in reversed(MANAGED_MENUS):
            for row in api.print(path):
                name = row.get("name") or ""
                if row.get("comment") == plan.tag or name.startswith(f"hs{plan.tag_id}"):
                    api.remove(path, row[".id"])
    # 3. Settings changed in place get their old values back.
    for path in SINGLETONS:
        old = (dep.before.get(path) or [{}])[0]
        now = (api.print(path) or [{}])[0]
        changed = {k: v for k, v in old.items() if k not in VOLATILE and now.get(k) != v}
        if changed:
            api.set(path, None, changed)
    # 4. What an earlier deployment had and this one removed comes back, in order.
    for item in sorted(dep.removed_items, key=lambda i: MANAGED_MENUS.index(i["path"])):
        row = {k: v for k, v in item["row"].items() if k not in VOLATILE and v != ""}
        api.add(item["path"], _settable(item["path"], row))


# Runtime fields a menu prints that cannot be given to `add` (besides VOLATILE).
READ_ONLY = {"/ip/address": {"network"}, "/file": {"type"},
             "/ip/hotspot/profile": {"default"}, "/ppp/profile": {"default"}}


def _settable(path: str, row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in READ_ONLY.get(path, set())}


def reap_stale_deployments() -> int:
    """Roll back deployments whose worker died (no heartbeat for DEPLOY_STALE_SECONDS)."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.DEPLOY_STALE_SECONDS)
    stale = list(Deployment.objects.filter(status=D.RUNNING, heartbeat_at__lt=cutoff))
    for dep in stale:
        claimed = Deployment.objects.filter(pk=dep.pk, status=D.RUNNING,
                                            heartbeat_at=dep.heartbeat_at).update(
            heartbeat_at=timezone.now())
        if not claimed:
            continue
        dep.refresh_from_db()
        record(dep, "failed", dep.progress, "The worker running this deployment stopped; "
               "rolling back.", level="error", error="worker stopped mid-deployment")
        roll_back(dep)
    return len(stale)
