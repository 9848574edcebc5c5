"""Imported PPP secrets become subscribers: the operator reviews a mapping (each PPP profile
of the selected secrets -> a plan), then a background run creates the subscribers with
their passwords, static addresses, caller-id bindings and comments, in bulk.

A secret that cannot become a subscriber (its name is too long for FreeRADIUS, it is
already a subscriber or a voucher code, a static plan without an address) is listed
with the reason and skipped; the rest migrate. Running it again skips what migrated.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from background import lifecycle as jobs_lifecycle
from fleet.models import ImportedPppProfile, ImportedPppSecret, ImportedQueue
from subscribers import rates, validation
from subscribers.models import Event, Plan, Run, Subscriber
from subscribers.services import radius
from subscribers.validation import Invalid

CHUNK = 500
MAX_ERRORS = 500
MAC_LIKE = re.compile(r"^[0-9A-Fa-f:.-]{12,17}$")


@dataclass
class ProfileRow:
    """One line of the review: a PPP profile, how many selected secrets use it, and the
    plan proposed for it."""

    name: str
    secrets: int
    rate_limit: str = ""
    pool: str = ""
    plan: Plan | None = None
    problem: str = ""
    queues: list = field(default_factory=list)


def _ipv4(value: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(value.strip()))
    except ValueError:
        return None


def selected(router, secret_ids=None):
    qs = ImportedPppSecret.objects.filter(router=router, removed_at=None)
    return qs.filter(pk__in=secret_ids) if secret_ids is not None else qs


def review(organization, router, secret_ids=None) -> list[ProfileRow]:
    """The mapping to review: every profile of the selected secrets with a proposed plan
    (an existing plan with the same rate limit and pool, if any)."""
    from django.db.models import Count

    counts = dict(selected(router, secret_ids).values_list("profile").annotate(n=Count("pk")))
    profiles = {p.name: p for p in ImportedPppProfile.objects.filter(router=router)}
    plans = list(Plan.objects.filter(organization=organization))
    # A simple queue targeting a secret's static address gives that customer its own speed:
    # shown beside the profile, so the operator sees who the plan would slow down or free.
    queues = {}
    for queue in ImportedQueue.objects.filter(router=router, removed_at=None, disabled=False):
        for target in queue.target.split(","):
            address = _ipv4(target.strip().removesuffix("/32"))
            if address:
                queues[address] = queue
    queued: dict[str, list] = {}
    for profile, address in selected(router, secret_ids).exclude(remote_address="") \
            .values_list("profile", "remote_address"):
        queue = queues.get(address.strip())
        if queue is not None:
            queued.setdefault(profile or "default", []).append(queue.max_limit)
    rows = []
    for name, count in sorted(counts.items()):
        profile = profiles.get(name or "default")
        row = ProfileRow(name=name or "default", secrets=count)
        if profile is not None:
            row.rate_limit = profile.rate_limit
            row.pool = "" if _ipv4(profile.remote_address or "") else profile.remote_address
        else:
            row.problem = "profile not imported: import PPP secrets again"
        row.plan = next((p for p in plans if p.name == row.name), None) or next(
            (p for p in plans if row.rate_limit and p.rate_limit == row.rate_limit
             and p.address_pool == row.pool), None)
        row.queues = queued.get(row.name, [])
        rows.append(row)
    return rows


def plan_from_profile(organization, router, profile_name: str) -> Plan:
    """A plan with the profile's rate limit and pool (the profile must have a rate limit)."""
    from subscribers.services.lifecycle import save_plan

    profile = ImportedPppProfile.objects.filter(router=router, name=profile_name).first()
    if profile is None:
        raise Invalid(f"profile {profile_name!r} was not imported")
    if not profile.rate_limit:
        raise Invalid(f"profile {profile_name!r} has no rate limit: choose a plan for it")
    try:
        rate = rates.normalise(profile.rate_limit)
    except rates.RateError as exc:
        raise Invalid(f"profile {profile_name!r}: {exc}") from None
    pool = "" if _ipv4(profile.remote_address or "") else profile.remote_address
    name = profile_name[:90]
    if Plan.objects.filter(organization=organization, name=name).exists():
        name = f"{name[:80]} ({router.name})"[:100]
    addressing = Plan.Addressing.POOL if pool else Plan.Addressing.STATIC
    return save_plan(organization, {"name": name, "rate_limit": rate, "address_pool": pool,
                                    "addressing": addressing})


def start(organization, router, mapping: dict[str, int], *, secret_ids=None,
          radius_server=None, user=None) -> Run:
    """Check the mapping covers every profile of the selection, then queue the run."""
    secrets = selected(router, secret_ids)
    total = secrets.count()
    if not total:
        raise Invalid("no imported secrets selected")
    plans = {p.pk: p for p in Plan.objects.filter(organization=organization,
                                                  pk__in=list(mapping.values()))}
    profiles = {p or "default" for p in secrets.values_list("profile", flat=True).distinct()}
    missing = sorted(p for p in profiles if mapping.get(p) not in plans)
    if missing:
        raise Invalid("choose a plan for every profile: " + ", ".join(missing[:10]))
    server = radius_server or router.radius_server
    run = Run(organization=organization, kind=Run.Kind.MIGRATE, total=total,
              requested_by=user, params={
                  "router": router.pk, "mapping": {k: v for k, v in mapping.items()
                                                   if k in profiles},
                  "secrets": list(secret_ids) if secret_ids is not None else None,
                  "radius_server": server.pk if server else None})
    return jobs_lifecycle.submit(run)


def run(job: Run) -> str:
    from radius.models import RadiusServer
    from routers.models import Router
    from vouchers.models import Voucher

    router = Router.objects.get(pk=job.params["router"])
    server = RadiusServer.objects.filter(pk=job.params.get("radius_server")).first()
    plans = {p.pk: p for p in Plan.objects.filter(organization=job.organization)}
    mapping = {name: plans[pk] for name, pk in job.params["mapping"].items() if pk in plans}
    ids = list(selected(router, job.params.get("secrets")).order_by("pk")
               .values_list("pk", flat=True))
    job.total = len(ids)
    done = failed = 0
    errors: list[dict] = []
    migrated: list[int] = []
    for start_at in range(0, len(ids), CHUNK):
        chunk = list(ImportedPppSecret.objects.filter(pk__in=ids[start_at:start_at + CHUNK])
                     .order_by("pk"))
        names = [s.name for s in chunk]
        taken = set(Subscriber.objects.filter(organization=job.organization,
                                              username__in=names)
                    .values_list("username", flat=True))
        codes = set(Voucher.objects.filter(code__in=names).values_list("code", flat=True))
        subs, problems = [], []
        for secret in chunk:
            try:
                subs.append(_subscriber(job, secret, mapping, server, router, taken, codes))
            except Invalid as exc:
                problems.append({"name": secret.name, "error": str(exc)})
        with transaction.atomic():
            Subscriber.objects.bulk_create(subs, batch_size=CHUNK)
            Event.objects.bulk_create([
                Event(subscriber=s, kind="migrated", actor=job.requested_by,
                      message=f"Migrated from PPP secret on {router.name} "
                              f"(profile {s.imported_secret.profile or 'default'}) "
                              f"to plan {s.plan.name}"
                              + (", disabled on the router: suspended" if
                                 s.status == Subscriber.Status.SUSPENDED else ""))
                for s in subs], batch_size=CHUNK)
        migrated += [s.pk for s in subs]
        done += len(subs)
        failed += len(problems)
        errors += problems
        jobs_lifecycle.step(job, f"migrated {done + failed} of {job.total}",
                            min(99, round(100 * (done + failed) / max(job.total, 1))),
                            done=done, failed=failed, errors=errors[:MAX_ERRORS])
    if migrated:
        radius.mark_pending(Subscriber.objects.filter(pk__in=migrated))
    jobs_lifecycle.finish(job, Run.Status.COMPLETED, done=done, failed=failed,
                          errors=errors[:MAX_ERRORS], total=job.total)
    return job.status


def _subscriber(job, secret, mapping, server, router, taken, codes) -> Subscriber:
    if secret.name in taken:
        raise Invalid("already a subscriber")
    if secret.name in codes:
        raise Invalid("the name is a voucher code")
    name = validation.username(secret.name)
    plan = mapping.get(secret.profile or "default")
    if plan is None:
        raise Invalid(f"no plan chosen for profile {secret.profile!r}")
    static_ip = _ipv4(secret.remote_address or "")
    if plan.addressing == Plan.Addressing.STATIC and not static_ip:
        raise Invalid(f"plan {plan.name} is static and the secret has no remote address")
    try:
        mac = validation.mac(secret.caller_id) if MAC_LIKE.match(secret.caller_id or "") \
            else ""
    except Invalid:
        mac = ""
    if not secret.password:
        raise Invalid("the secret has no password")
    taken.add(name)
    now = timezone.now()
    sub = Subscriber(
        organization=job.organization, username=name, password=secret.password, plan=plan,
        radius_server=server, router=router, static_ip=static_ip, caller_id=mac,
        notes=secret.comment, imported_secret=secret,
        status=Subscriber.Status.SUSPENDED if secret.disabled else Subscriber.Status.ACTIVE,
        radius_status=Subscriber.Sync.PENDING if server else Subscriber.Sync.NONE,
        created_at=now, updated_at=now)
    if plan.validity_days:
        sub.expires_at = now + dt.timedelta(days=plan.validity_days)
    return sub
