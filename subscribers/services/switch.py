"""Switching a router's PPP to RADIUS, and back: a reversible operation of its own.

To RADIUS: `/ppp aaa use-radius=yes` first (RouterOS then asks RADIUS for any user its
own secrets do not hold), then the migrated secrets are disabled, never deleted, so the
subscribers RADIUS now serves are authenticated there. Only secrets whose subscriber is
synced to the router's RADIUS server and whose name FreeRADIUS can serve are disabled:
the others keep working from the router's own secrets.

Back: the same secrets enabled again and `use-radius` as it was before the switch.

Like a deployment (provisioning.services.deploy), the menus it touches are read before
anything changes, `touched` is saved before the first write, and any failure (a trap, a
lost link, a timeout, a crash, a dead worker) puts the router back as it was read and
compares it with that reading (provisioning.services.compare, the one comparison).
"""

from __future__ import annotations

import logging

from django.db import transaction

from background import lifecycle as jobs_lifecycle
from background.models import ACTIVE
from hotspot import events
from provisioning.services import compare
from routers.choices import RouterStatus
from routers.routeros.errors import RouterOSError
from routers.services.connect import client_for
from subscribers.models import Subscriber, Switch
from subscribers.validation import Invalid, radius_problem

log = logging.getLogger(__name__)
D = Switch.Direction
AAA, SECRET = "/ppp/aaa", "/ppp/secret"
SET_CHUNK = 100  # secrets per `set` command (RouterOS takes a list of ids)


# -- what it would do -------------------------------------------------------------------------

def candidates(router) -> list[str]:
    """Secrets of this router that RADIUS now serves: migrated, synced to the router's
    RADIUS server, and a username FreeRADIUS accepts."""
    if router.radius_server_id is None:
        return []
    names = (Subscriber.objects.filter(
        router=router, radius_server_id=router.radius_server_id,
        radius_status=Subscriber.Sync.SYNCED, imported_secret__router=router,
        imported_secret__removed_at=None).values_list("imported_secret__name", flat=True))
    return sorted(n for n in names if not radius_problem(n))


def last_switch(router) -> Switch | None:
    """The completed switch to RADIUS that is in force (not switched back since)."""
    last = router.ppp_switches.filter(status=Switch.Status.COMPLETED).first()
    return last if last is not None and last.direction == D.TO_RADIUS else None


def preview(router) -> dict:
    names = candidates(router)
    migrated = Subscriber.objects.filter(router=router, imported_secret__isnull=False).count()
    current = last_switch(router)
    return {"to_disable": len(names), "sample": names[:20], "migrated": migrated,
            "kept": migrated - len(names), "in_force": current,
            "running": router.ppp_switches.filter(status__in=ACTIVE).first()}


@transaction.atomic
def start(router, direction: str, user=None) -> Switch:
    """Queue a switch (or the way back); refused while a deployment or switch runs."""
    from routers.models import Router

    router = Router.objects.select_for_update().get(pk=router.pk)
    if router.status == RouterStatus.PROVISIONING:
        raise Invalid("a deployment is running on this router: wait for it to finish")
    if router.ppp_switches.filter(status__in=ACTIVE).exists():
        raise Invalid("a switch is already running on this router")
    if direction == D.TO_RADIUS:
        if router.radius_server_id is None:
            raise Invalid("link the router to a RADIUS server first")
        if last_switch(router) is not None:
            raise Invalid("the router is already switched to RADIUS")
        names = candidates(router)
        if not names:
            raise Invalid("no migrated subscriber of this router is synced to RADIUS yet")
        row = Switch(router=router, direction=direction, secrets=names, use_radius="yes",
                     requested_by=user)
    elif direction == D.BACK:
        current = last_switch(router)
        if current is None:
            raise Invalid("the router is not switched to RADIUS by the product")
        was = (current.before.get(AAA) or [{}])[0].get("use-radius", "false")
        row = Switch(router=router, direction=direction, secrets=current.secrets,
                     use_radius=compare.value(AAA, "use-radius", was), requested_by=user)
    else:
        raise Invalid("no such direction")
    return jobs_lifecycle.submit(row)


# -- running ----------------------------------------------------------------------------------

def read(api, names) -> dict:
    """/ppp aaa and the switch's secrets (names and disabled only: never passwords)."""
    state = api.print_many([AAA, SECRET], {SECRET: [".id", "name", "disabled"]})
    wanted = set(names)
    return {AAA: state[AAA], SECRET: [r for r in state[SECRET] if r.get("name") in wanted]}


def note(row: Switch, stage: str, progress: int, message: str, **fields) -> None:
    row.log = [*row.log, message]
    jobs_lifecycle.step(row, stage, progress, log=row.log, **fields)


def _touch(row: Switch) -> None:
    if not row.touched:
        row.touched = True
        row.save(update_fields=["touched"])


def _set_secrets(api, row: Switch, rows: list[dict], disabled: str) -> None:
    mine = set(row.secrets)
    ids = [r[".id"] for r in rows if r.get("name") in mine
           and compare.value(SECRET, "disabled", r.get("disabled")) != disabled]
    for start_at in range(0, len(ids), SET_CHUNK):
        _touch(row)
        api.set(SECRET, ",".join(ids[start_at:start_at + SET_CHUNK]),
                {"disabled": "yes" if disabled == "true" else "no"})


def run(row: Switch) -> str:
    if row.must_roll_back:
        return recover(row)
    api = client_for(row.router)
    before = None
    try:
        api.connect()
        if row.direction == D.TO_RADIUS:
            _check_radius_entry(api, row)
        before = read(api, row.secrets)
        if row.direction == D.TO_RADIUS:
            # Only the secrets enabled now are this switch's to disable, and the way back
            # enables exactly those: one the operator had disabled stays disabled.
            row.secrets = sorted(r["name"] for r in before[SECRET]
                                 if compare.value(SECRET, "disabled", r.get("disabled"))
                                 != "true")
        found = {r["name"] for r in before[SECRET]}
        note(row, "read", 20, f"Read /ppp aaa and {len(found)} of the secrets before any "
             f"change; {len(row.secrets)} to "
             f"{'disable' if row.direction == D.TO_RADIUS else 'enable'}",
             before=before, secrets=row.secrets)
        disable = "true" if row.direction == D.TO_RADIUS else "false"
        if row.direction == D.TO_RADIUS:
            _touch(row)
            api.set(AAA, None, {"use-radius": "yes"})
            note(row, "applying", 40, "/ppp aaa use-radius=yes")
            _set_secrets(api, row, before[SECRET], disable)
            note(row, "applying", 70, f"{len(found)} migrated secrets disabled (not deleted)")
        else:
            _set_secrets(api, row, before[SECRET], disable)
            note(row, "applying", 40, f"{len(found)} secrets enabled again")
            _touch(row)
            api.set(AAA, None, {"use-radius": row.use_radius})
            note(row, "applying", 70, f"/ppp aaa use-radius={row.use_radius}")
        after = read(api, row.secrets)
        problems = _verify(row, after, disable)
        if problems:
            raise RouterOSError("the router does not hold the switch: " + "; ".join(problems))
        jobs_lifecycle.finish(row, Switch.Status.COMPLETED, after=after,
                              log=[*row.log, "Verified on the router."])
        return "completed"
    except Exception as exc:  # every failure is rolled back, whatever raised it
        if not isinstance(exc, RouterOSError):
            log.exception("switch %s crashed", row.pk)
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        row.error = message[:2000]
        roll_back(row, api, before)
        return "failed"
    finally:
        api.close()


class NoRadiusEntry(RouterOSError):
    """The router would ask no RADIUS server for PPP: switching would lock everyone out."""


def _check_radius_entry(api, row: Switch) -> None:
    """Before anything changes: the router must have an enabled /radius entry for PPP
    pointing at its RADIUS server (the deployment's RADIUS service makes it)."""
    host = row.router.radius_server.host
    entries = api.print("/radius", [".id", "address", "service", "disabled"])
    if not any(e.get("address") == host and "ppp" in (e.get("service") or "").split(",")
               and compare.value("/radius", "disabled", e.get("disabled")) != "true"
               for e in entries):
        raise NoRadiusEntry(f"the router has no enabled /radius entry for PPP to {host}: "
                            "deploy the RADIUS service (wizard) first; nothing was changed")


def _verify(row: Switch, state: dict, disabled: str) -> list[str]:
    want = "true" if row.direction == D.TO_RADIUS else compare.value(AAA, "use-radius",
                                                                       row.use_radius)
    problems = []
    aaa = (state.get(AAA) or [{}])[0]
    if compare.value(AAA, "use-radius", aaa.get("use-radius")) != want:
        problems.append(f"use-radius is {aaa.get('use-radius')!r}")
    mine = set(row.secrets)
    wrong = [r["name"] for r in state[SECRET] if r["name"] in mine
             and compare.value(SECRET, "disabled", r.get("disabled")) != disabled]
    if wrong:
        problems.append(f"{len(wrong)} secrets not {'disabled' if disabled == 'true' else 'enabled'}")
    return problems


def roll_back(row: Switch, api, before: dict | None) -> None:
    """Put /ppp aaa and the secrets back as read before the switch; say whether they are."""
    if not row.touched:
        jobs_lifecycle.finish(row, Switch.Status.FAILED, error=row.error, rolled_back=True,
                              rollback_clean=True, log=[*row.log, "Nothing had been changed "
                                                        "on the router: it is as before."])
        return
    before = before if before is not None else row.before
    try:
        if not api.connected:
            api.close()
            api.connect()
        names = [r["name"] for r in before[SECRET]]  # what was read, compared alike
        now = read(api, names)
        by_name = {r["name"]: r for r in now[SECRET]}
        for disabled in ("true", "false"):
            ids = [by_name[r["name"]][".id"] for r in before[SECRET]
                   if r["name"] in by_name
                   and compare.value(SECRET, "disabled", r.get("disabled")) == disabled
                   and compare.value(SECRET, "disabled", by_name[r["name"]].get("disabled"))
                   != disabled]
            for start_at in range(0, len(ids), SET_CHUNK):
                api.set(SECRET, ",".join(ids[start_at:start_at + SET_CHUNK]),
                        {"disabled": "yes" if disabled == "true" else "no"})
        was = (before.get(AAA) or [{}])[0].get("use-radius")
        if was is not None and compare.value(AAA, "use-radius", was) != compare.value(
                AAA, "use-radius", (now.get(AAA) or [{}])[0].get("use-radius")):
            api.set(AAA, None, {"use-radius": "yes" if compare.value(
                AAA, "use-radius", was) == "true" else "no"})
        after = read(api, names)
        differences = compare.state_differences(before, after)
        clean = not differences
        message = ("Rolled back: /ppp aaa and the secrets are as they were (compared)."
                   if clean else "Rollback finished, but the router differs: "
                   + "; ".join(differences[:5]))
        jobs_lifecycle.finish(row, Switch.Status.FAILED, error=row.error, rolled_back=True,
                              rollback_clean=clean, after=after, log=[*row.log, message])
    except RouterOSError as exc:
        jobs_lifecycle.finish(row, Switch.Status.FAILED, error=row.error, rolled_back=False,
                              rollback_clean=None, log=[*row.log, "Rollback incomplete: "
                              f"{exc.message}. Press the way back when the router answers."])


def interrupted(row: Switch) -> None:
    """The worker died mid-switch: the next run only rolls back."""
    reset = Switch.objects.filter(pk=row.pk, status=Switch.Status.RUNNING,
                                  heartbeat_at=row.heartbeat_at).update(
        status=Switch.Status.PENDING, must_roll_back=True, enqueued_at=None, run_at=None,
        stage="recovering")
    if reset:
        jobs_lifecycle.send(Switch.objects.get(pk=row.pk))


def recover(row: Switch) -> str:
    row.error = row.error or "The worker running this switch stopped."
    api = client_for(row.router)
    try:
        roll_back(row, api, None)
    finally:
        api.close()
    return "rolled back"


def publish(row: Switch) -> None:
    router = row.router
    events.publish("subscribers/partials/switch_progress.html", {"switch": row},
                   events.router_group(router.organization_id, router.pk))
