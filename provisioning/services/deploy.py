"""Stage 5: apply a plan through the API with live progress, verify it, or roll it all back.

A deployment is a job row (background.models.JobRow) that also records what it did to
the router: the snapshot of every touched menu taken before any change (`before`),
whether any change was sent (`touched`), what it removed (recorded before each remove)
and what it created (by .id, recorded before the next step). A rollback, in the failing
job or after a worker died, converges the router on `before` (provisioning.services.
restore) and then compares the two (provisioning.services.compare) to say truthfully
whether the router is as it was.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from background import lifecycle
from hotspot import events
from provisioning.models import Deployment, DeploymentEvent
from provisioning.services import compare, sealing
from provisioning.services.plan import MANAGED_MENUS, SECRET_REF, Plan, is_managed
from provisioning.services.restore import restore, snapshot
from radius.models import RadiusServer
from routers.choices import ConfigKind, RouterStatus
from routers.models import Router
from routers.routeros.errors import (
    RouterCommandError,
    RouterConnectionLost,
    RouterOSError,
    RouterTimeout,
    RouterUnreachable,
)
from routers.services.connect import client_for
from routers.services.discovery import forget
from routers.services.onboarding import API_GROUP, API_POLICIES

log = logging.getLogger(__name__)
D = Deployment.Status
UNREACHABLE = (RouterUnreachable, RouterTimeout, RouterConnectionLost)


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
    deployment = Deployment(router=router, config=config, kind=kind, created_by=user,
                            previous_status=router.status)
    lifecycle.submit(deployment)
    router.set_status(RouterStatus.PROVISIONING, f"{deployment} queued")
    return deployment


# --- progress ------------------------------------------------------------------------------


def record(dep: Deployment, stage: str, progress: int, message: str, level: str = "info",
           **fields) -> None:
    """Persist a stage (outside any transaction, so it survives a rollback) and push it."""
    DeploymentEvent.objects.create(deployment=dep, stage=stage, progress=progress,
                                   message=message, level=level)
    lifecycle.step(dep, stage, progress, **fields)


def push_progress(dep: Deployment) -> None:
    router = dep.router
    events.publish("provisioning/partials/deploy_progress.html",
                   {"deployment": dep, "events": list(dep.events.all()), "router": router},
                   events.router_group(router.organization_id, router.pk))


# --- running -------------------------------------------------------------------------------


class VerificationFailed(RouterOSError):
    """The router does not hold what was deployed."""


def run_deployment(dep: Deployment) -> str:
    """The job body (the row is claimed): apply, verify; on any failure roll back."""
    if dep.must_roll_back:
        return recover(dep)
    plan = Plan.from_dict(dep.config.plan) if dep.config else Plan("000000")
    secret = _secret_for(plan)
    api = client_for(dep.router)
    step_label = ""
    before = None
    try:
        record(dep, "verifying", 10, "Verifying router connectivity...")
        api.connect()
        record(dep, "connected", 20, "Router connected successfully")
        before = snapshot(api)
        record(dep, "deploying", 40, "Deploying service configuration to router...",
               before=sealing.seal(before), round_trips=api.calls)
        _remove_managed(dep, api, before)
        if dep.kind == Deployment.Kind.DEPLOY:
            anchors = _anchors(before)
            total = len(plan.steps)

            def label(index: int) -> str:
                return f"step {index + 1} of {total}: {plan.steps[index].label}"

            # One step at a time, or a group of independent steps in one exchange.
            for batch in plan.batches():
                at = [batch[0][0]]  # the plan index of the step being answered
                step_label = label(at[0])
                try:
                    _apply(dep, api, batch, secret, anchors, at)
                finally:
                    step_label = label(at[0])
                for index, step in batch:  # progress: after the batch's answers
                    step_label = label(index)
                    pct = 40 + round(30 * (index + 1) / total)
                    record(dep, "deploying", pct, f"{step_label} ({step.path} {step.action})",
                           round_trips=api.calls)
            step_label = ""
        record(dep, "deployed", 70, "Configuration deployed successfully")
        record(dep, "verifying_deployment", 85, "Verifying deployment...")
        # One read of every touched menu serves both the verification and the record of
        # the router's state afterwards.
        after = snapshot(api)
        problems = verify(dep, after, plan, secret)
        if problems:
            step_label = "verification"
            raise VerificationFailed("the router does not hold what was deployed: "
                                     + "; ".join(problems[:5]))
        finish(dep, api, after)
        return "completed"
    except Exception as exc:  # every failure is rolled back, whatever raised it
        crashed = not isinstance(exc, RouterOSError)
        if crashed:
            log.exception("deployment %s crashed", dep.pk)
        _fail_and_roll_back(dep, api, exc, step_label, before, crashed)
        return "failed"
    finally:
        api.close()


def _secret_for(plan: Plan) -> str | None:
    rad = (plan.choices or {}).get("radius")
    if not rad:
        return None
    server = RadiusServer.objects.filter(pk=rad.get("server_id")).first()
    return server.nas_secret if server else None


def _touch(dep: Deployment) -> None:
    """Record, before the first change is sent, that the router may now differ."""
    if not dep.touched:
        dep.touched = True
        dep.save(update_fields=["touched"])


def _anchors(before: dict) -> dict[str, str]:
    """Per ordered menu: the item that followed the product's rules in `before`, so a
    redeploy puts its rules back where the previous ones were. The first time, the
    product's input accepts go before the router's first input drop (a factory
    configuration's "drop all not coming from LAN"), or last where there is none."""
    out = {}
    for path in compare.ORDERED_MENUS & set(MANAGED_MENUS):
        rows = compare.relevant(path, before.get(path, []))
        seen_ours = False
        for row in rows:
            if is_managed(path, row):
                seen_ours = True
            elif seen_ours:
                out[path] = row[".id"]
                break
        if not seen_ours and path == "/ip/firewall/filter":
            drop = first_input_drop(rows)
            if drop:
                out[path] = drop
    return out


def first_input_drop(rows: list[dict]) -> str | None:
    """The first enabled static input rule that would drop or reject a client's new
    request (a rule for other connection states, such as defconf's "drop invalid", is
    passed over: the accepts belong after it)."""
    for row in rows:
        if (row.get("chain") == "input" and row.get("action") in ("drop", "reject")
                and compare.value("", "disabled", row.get("disabled")) != "true"
                and _meets_new(row.get("connection-state") or "")):
            return row[".id"]
    return None


def _meets_new(states: str) -> bool:
    """Whether a rule's connection-state matcher lets a new connection through to it."""
    if not states:
        return True
    negated = states.startswith("!")
    listed = "new" in states.lstrip("!").split(",")
    return listed != negated


def _apply(dep: Deployment, api, batch: list, secret, anchors: dict[str, str],
           at: list[int]) -> None:
    """Send one batch of plan.batches(): a single step, or a group of independent steps
    in one pipelined exchange. Each add's new .id is recorded (the row saved) as its
    answer is read, in the order sent, so a link lost mid-group leaves every id that came
    back on record. A trap fails the batch once all its answers are read. `at[0]` follows
    the step being answered (for the failure message)."""
    commands = []
    for _, step in batch:
        params = step.resolved(secret)
        if step.action == "add" and step.path in anchors:
            params["place-before"] = anchors[step.path]
        commands.append((f"{step.path}/{step.action}", params, None))
    unnamed: list[tuple[int, dict]] = []  # (position in created_items, the add's params)
    trapped: list[tuple[int, RouterCommandError]] = []

    def answered(position: int, result) -> None:
        index, step = batch[position]
        if isinstance(result, RouterCommandError):
            trapped.append((index, result))
        elif step.action == "add":
            new_id = result.ret or ""
            if not new_id and commands[position][1].get("name"):
                unnamed.append((len(dep.created_items), commands[position][1]))
            dep.created_items.append({"path": step.path, "id": new_id, "label": step.label})
            dep.save(update_fields=["created_items"])  # recorded before the next answer
        if position + 1 < len(batch):
            at[0] = batch[position + 1][0]

    _touch(dep)
    api.call_many(commands, on_result=answered)
    if trapped:
        at[0], error = trapped[0]
        raise error
    if unnamed:
        # RouterOS before ~7.13 answers `/file add` without the new id: look each up by
        # name (one exchange for the batch).
        lookups = [(f"{dep.created_items[i]['path']}/print", None, {"name": params["name"]})
                   for i, params in unnamed]
        for (position, _), result in zip(unnamed, api.call_many(lookups), strict=True):
            if isinstance(result, RouterCommandError):
                raise result
            dep.created_items[position]["id"] = (result.rows[0].get(".id", "")
                                                 if result.rows else "")
        dep.save(update_fields=["created_items"])


def _remove_managed(dep: Deployment, api, before: dict) -> None:
    """Remove what earlier deployments made (found by tag), dependents first. Each item is
    recorded as removed before its remove is sent. The portal's files (every product file
    that is not a directory) are removed in one pipelined exchange: no file depends on
    another; the directories go after them, one at a time, deepest first."""
    count = 0
    for path in reversed(MANAGED_MENUS):
        rows = [row for row in before.get(path, []) if is_managed(path, row)]
        batches = [[row] for row in rows]
        if path == "/file":  # a directory after the files it holds
            rows.sort(key=lambda r: -len(r.get("name") or ""))
            files = [row for row in rows if row.get("type") != "directory"]
            batches = ([files] if files else []) + [
                [row] for row in rows if row.get("type") == "directory"]
        for batch in batches:
            dep.removed_items += [{"path": path, "id": row[".id"]} for row in batch]
            _touch(dep)
            dep.save(update_fields=["removed_items"])  # recorded before the removes are sent
            results = api.call_many([(f"{path}/remove", {".id": row[".id"]}, None)
                                     for row in batch])
            for result in results:  # a trap fails it once every answer is read
                if isinstance(result, RouterCommandError):
                    raise result
            count += len(batch)
    if count:
        record(dep, "deploying", 40, f"Removed {count} items of the previous deployment",
               round_trips=api.calls)


def verify(dep: Deployment, state: dict, plan: Plan, secret) -> list[str]:
    """Compare every created item and setting with what the router holds (`state`, a
    snapshot read after the steps); list what differs (secret values masked)."""
    problems = []
    by_id = {(path, r.get(".id")): r for path, rows in state.items() for r in rows}
    adds = [s for s in plan.steps if s.action == "add"]
    for created, step in zip(dep.created_items, adds, strict=False):
        row = by_id.get((created["path"], created["id"]))
        if row is None:
            problems.append(f"{step.label}: missing")
            continue
        expected = {k: v for k, v in step.resolved(secret).items() if k != "contents"}
        problems += _described(step, compare.field_differences(step.path, expected, row))
    for step in (s for s in plan.steps if s.action == "set"):
        row = (state.get(step.path) or [{}])[0]
        problems += _described(step, compare.field_differences(step.path, step.params, row))
    return problems


def _described(step, differences) -> list[str]:
    out = []
    for key, want, found in differences:
        if step.params.get(key) == SECRET_REF:  # the NAS secret is never written out
            want, found = sealing.MASK, sealing.MASK if found else found
        out.append(f"{step.label}: {key} is {found!r}, expected {want!r}")
    return out


def finish(dep: Deployment, api, after: dict) -> None:
    router = Router.objects.get(pk=dep.router_id)
    router.mark_seen()
    removed = dep.kind == Deployment.Kind.REMOVE
    # Status first, then the row: the final push never shows a finished deployment on a
    # router still marked as deploying.
    router.set_status(RouterStatus.ONLINE if removed else RouterStatus.ACTIVE,
                      f"{dep} completed")
    DeploymentEvent.objects.create(
        deployment=dep, stage="completed", progress=100,
        message="The product's configuration was removed from the router." if removed
        else "Router provisioned successfully!")
    lifecycle.finish(dep, D.COMPLETED, stage="completed", after=sealing.seal(after),
                     round_trips=api.calls)
    forget(router)
    from fleet.services.drift import deployment_finished  # fleet reads deployments too

    deployment_finished(dep)


# --- failing and rolling back ---------------------------------------------------------------


def describe(exc: Exception) -> tuple[str, str]:
    """(what failed, RouterOS's own words if any)."""
    if isinstance(exc, RouterCommandError):
        text = f"RouterOS refused {exc.path}: {exc.message}"
        if "not enough permissions" in exc.message:
            # Routers onboarded before the group had `ftp` (file writes need it).
            text += (f". The product's API group needs the policies {API_POLICIES}: on the "
                     f"router, /user group set {API_GROUP} policy={API_POLICIES}")
        return text, exc.message
    if isinstance(exc, RouterOSError):
        return str(exc), ""
    return f"Unexpected error: {type(exc).__name__}: {exc}", ""


def _fail_and_roll_back(dep: Deployment, api, exc: Exception, step_label: str,
                        before: dict | None, crashed: bool) -> None:
    error, router_message = describe(exc)
    log.warning("deployment %s failed at %s: %s", dep.pk, step_label or dep.stage, error)
    record(dep, "failed", dep.progress, f"Provisioning failed: {error}", level="error",
           error=error, router_message=router_message, failed_step=step_label)
    roll_back(dep, api, before, errored=crashed)


def interrupted(dep: Deployment) -> None:
    """The reaper found this deployment running with no heartbeat: roll it back."""
    reset = Deployment.objects.filter(pk=dep.pk, status=D.RUNNING,
                                      heartbeat_at=dep.heartbeat_at).update(
        status=D.PENDING, must_roll_back=True, enqueued_at=None, run_at=None,
        stage="recovering")
    if reset:
        dep.refresh_from_db()
        DeploymentEvent.objects.create(
            deployment=dep, stage="recovering", progress=dep.progress, level="error",
            message="The worker running this deployment stopped; rolling back.")
        lifecycle.send(dep)


def recover(dep: Deployment) -> str:
    """A run that only rolls back (its worker died, or the router did not answer)."""
    if not dep.error:
        dep.error = "The worker running this deployment stopped mid-deployment."
    record(dep, "rolling_back", dep.progress, "Rolling back what the deployment changed...",
           error=dep.error)
    roll_back(dep, client_for(dep.router), None, errored=False)
    return "rolled back"


def roll_back(dep: Deployment, api, before: dict | None, errored: bool) -> None:
    """Undo everything the deployment did; say truthfully whether the router is as before."""
    outcome: dict = {}
    if not dep.touched:
        note, level = ("Nothing had been changed on the router yet: it is as it was "
                       "before."), "info"
        outcome = {"rolled_back": True, "rollback_clean": True}
    else:
        before = before if before is not None else sealing.unseal(dep.before)
        try:
            if not api.connected:
                api.close()
                api.connect()
            record(dep, "rolling_back", dep.progress, "Rolling back: restoring the router "
                   "to its state before the deployment...")
            restore(api, before, {(i["path"], i["id"]) for i in dep.removed_items})
            now = snapshot(api)
            differences = compare.state_differences(before, now)
            clean = not differences
            note = ("Rollback complete: the router is as it was before (every menu "
                    "compared)." if clean else
                    "Rollback finished, but the router differs from before: "
                    + "; ".join(differences[:5]))
            level = "info" if clean else "error"
            outcome = {"rolled_back": True, "rollback_clean": clean,
                       "after": sealing.seal(now)}
        except UNREACHABLE as exc:
            if _retry_rollback(dep, exc):
                return
            note, level = (f"Rollback incomplete: {describe(exc)[0]}. The router may hold "
                           "part of the deployment: press Retry when it answers (a new "
                           "deployment first removes everything the product made)."), "error"
            outcome = {"rolled_back": False, "rollback_clean": None}
        except Exception as exc:  # a refused restore step: keep the record, say so
            log.exception("rollback of deployment %s failed", dep.pk)
            note, level = f"Rollback incomplete: {describe(exc)[0]}", "error"
            outcome = {"rolled_back": False, "rollback_clean": None}
        finally:
            api.close()
    _settle_router(dep, outcome.get("rollback_clean"))
    DeploymentEvent.objects.create(deployment=dep, stage="failed", progress=dep.progress,
                                   message=note, level=level)
    lifecycle.finish(dep, D.ERRORED if errored else D.FAILED, stage="failed", **outcome)


def _retry_rollback(dep: Deployment, exc: Exception) -> bool:
    """The router stopped answering mid-rollback: try again later, a few times."""
    delays = settings.DEPLOY_ROLLBACK_RETRY_SECONDS
    if dep.rollback_attempts >= len(delays):
        return False
    delay = delays[dep.rollback_attempts]
    DeploymentEvent.objects.create(
        deployment=dep, stage="rolling_back", progress=dep.progress, level="error",
        message=f"The router did not answer during the rollback ({describe(exc)[0]}); "
                f"trying again in {delay} s (attempt {dep.rollback_attempts + 2} of "
                f"{len(delays) + 1}).")
    dep.must_roll_back = True
    dep.rollback_attempts += 1
    lifecycle.retry_later(dep, delay, dep.error)
    return True


def _settle_router(dep: Deployment, clean: bool | None) -> None:
    """The router's status after a failed deployment tells the truth: back to what it was
    when the router is as before (a working deployment stays `active`), else `failed`."""
    router = Router.objects.get(pk=dep.router_id)
    if router.status != RouterStatus.PROVISIONING:
        return
    back = dep.previous_status if dep.previous_status in (RouterStatus.ONLINE,
                                                          RouterStatus.ACTIVE) else None
    if clean and back:
        router.set_status(back, f"{dep} failed; rolled back cleanly")
    else:
        router.set_status(RouterStatus.FAILED, dep.error or "deployment failed")
