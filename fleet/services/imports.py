"""Importing what a router already has: IP pools, PPP secrets, hotspot profiles and users.

A run reads every menu it covers first, compares with what was imported before, and
only then writes, all in one transaction: a router that stops answering halfway leaves
nothing half-imported. Items match on their key (name; server + name for hotspot users)
and then on the router's .id, so a re-import updates in place, a renamed item keeps
its row, and a retry changes nothing. Items gone from the router are marked removed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from background import lifecycle, runner
from fleet.models import (
    IMPORT_FINISHED,
    KINDS_OF,
    ImportedHotspotProfile,
    ImportedHotspotUser,
    ImportedPool,
    ImportedPppProfile,
    ImportedPppSecret,
    ImportedQueue,
    ImportKind,
    ImportRun,
    ImportStatus,
)
from fleet.services.ranges import address_count
from hotspot import events
from routers.models import Router
from routers.routeros.errors import RouterOSError
from routers.services.connect import client_for

log = logging.getLogger(__name__)

BATCH = 1000  # rows per bulk_create / bulk_update statement
SAMPLE = 50  # names kept per change list (what a preview shows)
MAX_ERRORS = 200


@dataclass(frozen=True)
class Spec:
    """How one RouterOS menu maps onto one model."""

    kind: str
    path: str
    model: type[models.Model]
    fields: dict[str, str]  # RouterOS property -> model field
    key: Callable[[dict], tuple] = lambda v: (v["name"],)
    derive: Callable[[dict], dict] = lambda v: {}

    @property
    def model_fields(self) -> list[str]:
        return ["ros_id", *self.fields.values(), *self.derive_fields]

    @property
    def derive_fields(self) -> tuple[str, ...]:
        return ("address_count",) if self.model is ImportedPool else ()


SPECS = {
    ImportKind.POOLS: Spec(
        ImportKind.POOLS, "/ip/pool", ImportedPool,
        {"name": "name", "ranges": "ranges", "next-pool": "next_pool", "comment": "comment"},
        derive=lambda v: {"address_count": address_count(v["ranges"])},
    ),
    ImportKind.PPP_SECRETS: Spec(
        ImportKind.PPP_SECRETS, "/ppp/secret", ImportedPppSecret,
        {"name": "name", "password": "password", "service": "service", "profile": "profile",
         "local-address": "local_address", "remote-address": "remote_address",
         "caller-id": "caller_id", "comment": "comment", "disabled": "disabled"},
    ),
    ImportKind.PPP_PROFILES: Spec(
        ImportKind.PPP_PROFILES, "/ppp/profile", ImportedPppProfile,
        {"name": "name", "rate-limit": "rate_limit", "local-address": "local_address",
         "remote-address": "remote_address", "only-one": "only_one", "comment": "comment"},
    ),
    ImportKind.QUEUES: Spec(
        ImportKind.QUEUES, "/queue/simple", ImportedQueue,
        {"name": "name", "target": "target", "max-limit": "max_limit",
         "burst-limit": "burst_limit", "burst-threshold": "burst_threshold",
         "burst-time": "burst_time", "limit-at": "limit_at", "priority": "priority",
         "comment": "comment", "disabled": "disabled"},
    ),
    ImportKind.HOTSPOT_PROFILES: Spec(
        ImportKind.HOTSPOT_PROFILES, "/ip/hotspot/user/profile", ImportedHotspotProfile,
        {"name": "name", "rate-limit": "rate_limit", "shared-users": "shared_users",
         "session-timeout": "session_timeout", "idle-timeout": "idle_timeout",
         "address-pool": "address_pool"},
    ),
    ImportKind.HOTSPOT_USERS: Spec(
        ImportKind.HOTSPOT_USERS, "/ip/hotspot/user", ImportedHotspotUser,
        {"name": "name", "password": "password", "profile": "profile", "server": "server",
         "mac-address": "mac_address", "limit-uptime": "limit_uptime",
         "limit-bytes-total": "limit_bytes_total", "comment": "comment",
         "disabled": "disabled"},
        key=lambda v: (v["server"], v["name"]),
    ),
}


@dataclass
class Diff:
    """What applying one menu's rows would do."""

    kind: str
    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    remove: list = field(default_factory=list)
    unchanged: int = 0
    errors: list = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "added": len(self.create), "updated": len(self.update),
            "removed": len(self.remove), "unchanged": self.unchanged,
            "failed": len(self.errors),
            "added_names": [o.name for o in self.create[:SAMPLE]],
            "updated_names": [o.name for o in self.update[:SAMPLE]],
            "removed_names": [o.name for o in self.remove[:SAMPLE]],
        }


# -- requesting ------------------------------------------------------------------------------

def request_import(router: Router, kind: str = ImportKind.ALL, preview: bool = False,
                   user=None, immediate: bool = False) -> ImportRun:
    """Record an import run and queue it (the caller answers at once), or run it here."""
    run = ImportRun(router=router, kind=kind, preview=preview, requested_by=user)
    if immediate:  # commands: the same claim-read-compare-write path as the worker
        run.save()
        claimed = lifecycle.claim(ImportRun, run.pk)
        runner.run_claimed(claimed)
        run.refresh_from_db()
    else:
        lifecycle.submit(run)
    return run


# -- running -------------------------------------------------------------------------------

def run_import(run: ImportRun) -> str:
    """Run a claimed import: read the router, compare, then write in one transaction.
    A router that does not answer fails the run; anything else is a crash (errored)."""
    set_stage(run, "connecting", 5)
    try:
        rows = read_router(run)
    except RouterOSError as exc:
        finish(run, ImportStatus.FAILED, errors=[{"error": exc.message}])
        return run.status
    diffs = [diff_rows(SPECS[kind], run.router, rows[kind]) for kind in KINDS_OF[run.kind]]
    set_stage(run, "writing" if not run.preview else "comparing", 85)
    apply_diffs(run, diffs)
    return run.status


def read_router(run: ImportRun) -> dict[str, list[dict]]:
    """Every menu the run covers, read over one API session before anything is written."""
    specs = [SPECS[kind] for kind in KINDS_OF[run.kind]]
    set_stage(run, "reading " + ", ".join(s.path for s in specs), 10)
    with client_for(run.router, "import") as api:  # every menu in one pipelined exchange
        menus = api.print_many([s.path for s in specs],
                               {s.path: [".id", *s.fields] for s in specs})
    return {s.kind: menus[s.path] for s in specs}


def diff_rows(spec: Spec, router: Router, rows: list[dict]) -> Diff:
    """Compare the router's rows with the imported ones; builds objects, saves nothing."""
    diff = Diff(spec.kind)
    existing = list(spec.model.objects.filter(router=router))
    by_key = {spec.key(_attrs(o, spec)): o for o in existing}
    by_id = {o.ros_id: o for o in existing}
    claimed: set[int] = set()
    seen: set[tuple] = set()
    keys_on_router = {_key_or_none(spec, row) for row in rows}
    limits = _max_lengths(spec.model)
    for row in rows:
        try:
            values = convert(spec, row, limits)
        except (KeyError, ValueError) as exc:
            diff.errors.append({"kind": spec.kind, "name": row.get("name", row.get(".id", "?")),
                                "error": str(exc)})
            # Unreadable now is not gone: keep whatever it matched from being marked removed.
            claimed.update(o.pk for o in (by_key.get(_key_or_none(spec, row)),
                                          by_id.get(row.get(".id"))) if o)
            continue
        key = spec.key(values)
        if key in seen:
            diff.errors.append({"kind": spec.kind, "name": values["name"],
                                "error": "duplicate name on the router"})
            continue
        seen.add(key)
        # The key first: RouterOS gives a re-created item a new .id. Then the .id, for a
        # rename, unless the row's old name is still on the router (it is matched by that).
        obj = by_key.get(key)
        if obj is None:
            obj = by_id.get(values["ros_id"])
            if obj is not None and (obj.pk in claimed
                                    or spec.key(_attrs(obj, spec)) in keys_on_router):
                obj = None
        if obj is None:
            diff.create.append(spec.model(router=router, **values))
            continue
        claimed.add(obj.pk)
        if _differs(obj, values) or obj.removed_at is not None:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.removed_at = None
            diff.update.append(obj)
        else:
            diff.unchanged += 1
    diff.remove = [o for o in existing if o.pk not in claimed and o.removed_at is None]
    return diff


def convert(spec: Spec, row: dict, limits: dict[str, int]) -> dict:
    """A RouterOS row as model values (strings trimmed to the columns, yes/no as booleans)."""
    if not row.get("name"):
        raise ValueError("item has no name")
    values = {"ros_id": row.get(".id", "")}
    for prop, name in spec.fields.items():
        raw = row.get(prop, "")
        if name == "disabled":
            values[name] = raw in ("true", "yes")
        else:
            value = "" if (name == "next_pool" and raw == "none") else raw
            values[name] = value[: limits.get(name, len(value))]
    values.update(spec.derive(values))
    return values


def apply_diffs(run: ImportRun, diffs: list[Diff]) -> None:
    """Write every menu's changes in one transaction (or, for a preview, only count them)."""
    now = timezone.now()
    if not run.preview:
        with transaction.atomic():
            for diff in diffs:
                write(SPECS[diff.kind], diff, run, now)
    errors = [e for d in diffs for e in d.errors][:MAX_ERRORS]
    finish(run, ImportStatus.COMPLETED, errors=errors, diffs=diffs)


def write(spec: Spec, diff: Diff, run: ImportRun, now: dt.datetime) -> None:
    """Bulk statements in batches: 10,000 secrets are a handful of queries."""
    for obj in diff.create:
        obj.last_run, obj.last_changed_at = run, now
    for obj in diff.update:
        obj.last_run, obj.last_changed_at = run, now
    spec.model.objects.bulk_create(diff.create, batch_size=BATCH)
    spec.model.objects.bulk_update(
        diff.update, [*spec.model_fields, "removed_at", "last_run", "last_changed_at"],
        batch_size=BATCH)
    spec.model.objects.filter(pk__in=[o.pk for o in diff.remove]).update(
        removed_at=now, last_run=run, last_changed_at=now)


def finish(run: ImportRun, status: str, errors: list, diffs: list[Diff] = ()) -> None:
    """Record the outcome and counts; the final state is pushed to the router's page."""
    lifecycle.finish(
        run, status, error=errors[0]["error"] if status != ImportStatus.COMPLETED and errors
        else "", progress=100, errors=errors, changes={d.kind: d.summary() for d in diffs},
        added=sum(len(d.create) for d in diffs), updated=sum(len(d.update) for d in diffs),
        removed=sum(len(d.remove) for d in diffs), unchanged=sum(d.unchanged for d in diffs),
        failed=sum(len(d.errors) for d in diffs))


def set_stage(run: ImportRun, stage: str, progress: int) -> None:
    lifecycle.step(run, stage, progress)


def publish(run: ImportRun) -> None:
    """Push the run's progress partial to the router's page (and the run's own page)."""
    router = run.router
    group = events.router_group(router.organization_id, router.pk)
    events.publish("fleet/partials/import_progress.html", {"run": run}, group)
    # The run's own page: its times and per-type results, live as the run ends.
    events.publish("fleet/partials/import_result.html", {"run": run, "router": router}, group)


def is_finished(run: ImportRun) -> bool:
    return run.status in IMPORT_FINISHED


# -- helpers -----------------------------------------------------------------------------------

def _attrs(obj, spec: Spec) -> dict:
    return {name: getattr(obj, name) for name in ("name", "server") if hasattr(obj, name)}


def _key_or_none(spec: Spec, row: dict):
    try:
        return spec.key({"name": row.get("name", ""), "server": row.get("server", "")})
    except KeyError:
        return None


def _differs(obj, values: dict) -> bool:
    return any(getattr(obj, name) != value for name, value in values.items())


def _max_lengths(model) -> dict[str, int]:
    return {f.name: f.max_length for f in model._meta.get_fields()
            if isinstance(f, models.CharField) and f.max_length}
