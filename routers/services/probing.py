"""Stage 2 of the wizard: probe new routers until they answer.

Waiting is never done by sleeping in a worker. Each router due for a probe has
`next_probe_at` set; the scheduler submits a probe job whenever some router is due
(and none is queued or running); the job claims every due router, probes them
concurrently (each probe is bounded by the connect timeout) and records each attempt.

Nothing is stranded: claiming moves a router's `next_probe_at` a lease ahead instead of
clearing it, so a router whose result was never recorded (the worker died, recording
raised, the message was lost) is simply due again when the lease ends.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hotspot import events, jobs
from routers import versions
from routers.choices import ProbeOutcome, RouterStatus
from routers.models import ProbeAttempt, Router, RouterEvent
from routers.services import board as routerboard
from routers.services import tls
from routers.services.connect import Reach, client_for
from routers.services.diagnosis import Diagnosis, diagnose, too_old
from routers.services.fanout import fan_out

log = logging.getLogger(__name__)
MAX_PARALLEL_PROBES = 64


@dataclass
class ProbeResult:
    router_id: int
    ok: bool
    facts: dict = field(default_factory=dict)
    diagnosis: Diagnosis | None = None


def start_probing(router: Router, message: str = "") -> None:
    """(Re)start probing: attempts from zero, first probe now."""
    router.probe_attempts = 0
    router.next_probe_at = timezone.now()
    router.save(update_fields=["probe_attempts", "next_probe_at", "updated_at"])
    router.set_status(RouterStatus.PROBING, message)
    request_probe_run()


def request_probe_run() -> None:
    """Queue a probe job now unless one is already waiting (the scheduler also does)."""
    from background.models import Job, JobStatus
    from routers.jobs import probe_due_routers

    if not Job.objects.filter(kind=probe_due_routers.job_spec.path, status=JobStatus.PENDING).exists():
        jobs.enqueue(probe_due_routers)


def any_due() -> bool:
    """Whether some router waits for a probe (the scheduler's test before a probe job)."""
    return Router.objects.filter(status=RouterStatus.PROBING,
                                 next_probe_at__lte=timezone.now()).exists()


def lease() -> dt.timedelta:
    """How long a claimed router waits for its result before it is due again."""
    return dt.timedelta(seconds=3 * settings.ROUTER_CONNECT_TIMEOUT + 10)


def probe(target: Reach, timeout: float) -> ProbeResult:
    """Log in and read the router's identity facts. No database access here."""
    try:
        with client_for(target, "probe", timeout) as api:
            # Both reads in one pipelined exchange: one round trip after the login.
            resource, board = routerboard.read(api)  # CHR/x86: no routerboard
    except Exception as exc:  # every failure becomes a diagnosis the operator can act on
        return ProbeResult(target.router_id, False, diagnosis=diagnose(
            exc, host=target.host, port=target.port, username=target.username,
            use_tls=target.use_tls, timeout=timeout))
    served = api.peer_fingerprint  # api-ssl's certificate, checked against any pin
    version = resource.get("version", "")
    if versions.too_old(version):
        return ProbeResult(target.router_id, False, diagnosis=too_old(version))
    return ProbeResult(target.router_id, True, facts={
        "model": routerboard.model(resource, board),
        "board": resource.get("board-name", ""),
        "routeros_version": version,
        "serial": board.get("serial-number", ""),
        **({"tls_fingerprint": served} if target.use_tls and served else {}),
    })


def claim_due(now: dt.datetime) -> list[Reach]:
    """Take the routers due for a probe for one lease; a concurrent run will not see them."""
    with transaction.atomic():
        due = list(
            Router.objects.select_for_update(skip_locked=True)
            .filter(status=RouterStatus.PROBING, next_probe_at__lte=now)
            .order_by("next_probe_at")
        )
        Router.objects.filter(pk__in=[r.pk for r in due]).update(next_probe_at=now + lease())
    return [Reach.of(r) for r in due]


def run_due_probes() -> int:
    """Probe every due router concurrently and record each outcome."""
    targets = claim_due(timezone.now())
    timeout = settings.ROUTER_CONNECT_TIMEOUT
    failures = 0
    for result in fan_out(lambda t: probe(t, timeout), targets, MAX_PARALLEL_PROBES):
        try:
            record(result)
        except Exception:  # this router is due again when its lease ends; the rest go on
            failures += 1
            log.exception("probe result of router %s not recorded", result.router_id)
    if failures:
        raise RuntimeError(f"{failures} of {len(targets)} probe results not recorded")
    return len(targets)


@transaction.atomic
def record(result: ProbeResult) -> None:
    """Store one probe's outcome and move the router on."""
    router = Router.objects.select_for_update().filter(pk=result.router_id).first()
    if router is None or router.status != RouterStatus.PROBING:
        return  # deleted, or the operator moved it on meanwhile
    router.probe_attempts += 1
    now = timezone.now()
    if result.ok:
        ProbeAttempt.objects.create(router=router, number=router.probe_attempts,
                                    outcome=ProbeOutcome.CONNECTED, created_at=now)
        facts = dict(result.facts)
        tls.pin(router, facts.pop("tls_fingerprint", ""))  # trust on first use
        for name, value in facts.items():
            setattr(router, name, value[:120])
        router.last_seen = now
        router.next_probe_at = None
        router.save()
        router.set_status(RouterStatus.ONLINE, f"answered on attempt {router.probe_attempts}")
        RouterEvent.objects.create(router=router, kind=RouterEvent.Kind.CONNECTED,
                                   message=f"{router.model} RouterOS {router.routeros_version}")
    else:
        d = result.diagnosis
        ProbeAttempt.objects.create(router=router, number=router.probe_attempts,
                                    outcome=d.outcome, error=d.error, hint=d.hint, created_at=now)
        if router.probe_attempts >= settings.PROBE_MAX_ATTEMPTS:
            router.next_probe_at = None
            router.save()
            router.set_status(RouterStatus.CONNECTION_FAILED,
                              f"no answer after {router.probe_attempts} attempts: {d.error}")
        else:
            router.next_probe_at = now + dt.timedelta(seconds=settings.PROBE_INTERVAL_SECONDS)
            router.save()
    push_probe_panel(router)


def push_probe_panel(router: Router) -> None:
    events.publish("routers/partials/probe_panel.html", probe_panel_context(router),
                   events.router_group(router.organization_id, router.pk))


def probe_panel_context(router: Router, oob: bool = False) -> dict:
    return {"router": router, "attempts": list(router.probe_log.all()[:20]), "oob": oob,
            "max_attempts": settings.PROBE_MAX_ATTEMPTS}


