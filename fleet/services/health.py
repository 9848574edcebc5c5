"""Fleet health: is every router that should answer still answering?

One job checks all of them concurrently (a thread pool; each check is connect + login,
bounded by FLEET_HEALTH_TIMEOUT), so a dead or hanging router costs one timeout on one
thread and never delays the others. The threads touch no database: targets are read
before, results written after, answered routers in one UPDATE. Status changes go
through Router.set_status, which pushes the badge to the routers list and page.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from routers.choices import REACHABLE, RouterStatus
from routers.models import Router, RouterEvent
from routers.routeros.errors import RouterOSError
from routers.services.connect import Reach, client_for
from routers.services.fanout import fan_out

S = RouterStatus
CAN_GO_OFFLINE = frozenset({S.ONLINE, S.ACTIVE, S.FAILED})


@dataclass
class HealthReport:
    """What one fleet check found and changed."""

    checked: int = 0
    answered: int = 0
    missed: int = 0
    went_offline: list[int] = field(default_factory=list)
    came_back: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        return {"checked": self.checked, "answered": self.answered, "missed": self.missed,
                "went_offline": len(self.went_offline), "came_back": len(self.came_back),
                "seconds": round(self.seconds, 2)}


def check_fleet(routers: QuerySet | None = None) -> HealthReport:
    """Check every router expected to answer, then record who did and who did not."""
    started = time.monotonic()
    targets = reachable_targets(routers)
    results = check_all(targets, settings.FLEET_HEALTH_TIMEOUT, settings.FLEET_HEALTH_PARALLEL)
    report = record_results(results)
    report.checked = len(targets)
    report.seconds = time.monotonic() - started
    return report


def reachable_targets(routers: QuerySet | None = None) -> list[Reach]:
    """The routers to check (all by default; a benchmark passes its own)."""
    routers = Router.objects.all() if routers is None else routers
    rows = routers.filter(status__in=REACHABLE).values_list(*Reach.FIELDS)
    return [Reach.from_row(row) for row in rows]


def check_all(targets: list[Reach], timeout: float, parallel: int) -> dict[int, str | None]:
    """router id -> None if it answered, else why not. No database access in here."""
    return dict(fan_out(lambda t: check_one(t, timeout), targets, parallel))


def check_one(target: Reach, timeout: float) -> tuple[int, str | None]:
    """Log in to one router: answering the API with our credentials is being healthy."""
    client = client_for(target, "health", timeout)
    try:
        client.connect()
    except RouterOSError as exc:
        return target.router_id, exc.message
    except OSError as exc:  # anything the socket layer raised past the client's own mapping
        return target.router_id, f"network error: {type(exc).__name__}"
    finally:
        client.close()
    return target.router_id, None


def record_results(results: dict[int, str | None]) -> HealthReport:
    """Bulk-update last seen and missed checks; then change the few statuses that changed."""
    answered = [pk for pk, error in results.items() if error is None]
    missed = {pk: error for pk, error in results.items() if error is not None}
    report = HealthReport(answered=len(answered), missed=len(missed))
    Router.objects.filter(pk__in=answered).update(last_seen=timezone.now(), missed_checks=0)
    Router.objects.filter(pk__in=missed).update(missed_checks=F("missed_checks") + 1)
    back = Router.objects.filter(pk__in=answered, status=S.OFFLINE).values_list("pk", flat=True)
    for pk in back:
        if mark_back_online(pk):
            report.came_back.append(pk)
    limit = settings.FLEET_OFFLINE_AFTER_MISSED
    gone = Router.objects.filter(pk__in=missed, status__in=CAN_GO_OFFLINE,
                                 missed_checks__gte=limit).values_list("pk", flat=True)
    for pk in gone:
        if mark_offline(pk, missed[pk]):
            report.went_offline.append(pk)
    return report


@transaction.atomic
def mark_offline(router_id: int, error: str) -> bool:
    """Offline after N missed checks in a row (re-checked under a row lock)."""
    router = Router.objects.select_for_update().filter(pk=router_id).first()
    if router is None or router.status not in CAN_GO_OFFLINE:
        return False  # deleted, or moved on (e.g. a deploy started) since the check
    router.set_status(S.OFFLINE, f"no answer to {router.missed_checks} health checks: {error}")
    return True


@transaction.atomic
def mark_back_online(router_id: int) -> bool:
    """An offline router answered: back to active if it was active before, else online."""
    router = Router.objects.select_for_update().filter(pk=router_id).first()
    if router is None or router.status != S.OFFLINE:
        return False
    router.set_status(status_before_offline(router), "answered the health check again")
    return True


def status_before_offline(router: Router) -> str:
    """Active if the last status it had before going offline was active (it was deployed)."""
    last = (RouterEvent.objects.filter(router=router, kind=RouterEvent.Kind.STATUS)
            .exclude(status_to=S.OFFLINE).order_by("-created_at", "-id")
            .values_list("status_to", flat=True).first())
    return S.ACTIVE if last == S.ACTIVE else S.ONLINE
