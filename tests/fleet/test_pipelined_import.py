"""An import reads its menus in one pipelined exchange; one print at a time
(ROUTER_API_PIPELINING off) must give exactly the same run and the same imported items,
and a refused or lost read must fail both the same way, writing nothing."""

import pytest

from conftest import run_jobs
from fleet.models import (
    KINDS_OF,
    ImportedHotspotProfile,
    ImportedHotspotUser,
    ImportedPool,
    ImportedPppProfile,
    ImportedPppSecret,
    ImportedQueue,
    ImportKind,
    ImportRun,
)
from fleet.services.imports import request_import
from tests.fleet.conftest import fill, pool_fields, secret_fields

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]
MODELS = (ImportedPool, ImportedPppSecret, ImportedPppProfile, ImportedQueue, ImportedHotspotProfile,
          ImportedHotspotUser)
SKIP = {"id", "router", "last_run", "first_imported_at", "last_changed_at", "removed_at"}


def imported(router, settings, pipelining):
    settings.ROUTER_API_PIPELINING = pipelining
    run = ImportRun.objects.get(pk=request_import(router).pk)
    run_jobs("imports")
    run.refresh_from_db()
    items = {model.__name__: sorted(
        tuple(sorted((f.attname, getattr(item, f.attname)) for f in model._meta.concrete_fields
                     if f.name not in SKIP))
        for item in model.objects.filter(router=router)) for model in MODELS}
    return {"status": run.status, "changes": run.changes, "errors": run.errors,
            "counts": (run.updated, run.removed, run.failed)}, items


def twins(routersim, sim_router):
    """Two routers holding the same items."""
    routers = []
    for name in ("one", "two"):
        sim = routersim()
        fill(sim, "/ip/pool", 40, pool_fields)
        fill(sim, "/ppp/secret", 300, secret_fields)
        sim.add_item("/ip/hotspot/user", name="guest", password="pw", profile="default")
        routers.append((sim, sim_router(sim, name=name)))
    return routers


def test_an_import_pipelined_equals_one_print_at_a_time(routersim, sim_router, settings):
    (sim_a, a), (sim_b, b) = twins(routersim, sim_router)
    one_by_one = imported(a, settings, False)
    sim_b.faults.latency(0.2)  # in flight together only if sent before the first answer
    together = imported(b, settings, True)
    assert together == one_by_one
    assert together[0]["status"] == "completed"
    assert len(together[1]["ImportedPppSecret"]) == 300
    every_menu = len(KINDS_OF[ImportKind.ALL])  # all of them out before the first answer
    assert sim_b.faults.most_in_flight == every_menu and sim_a.faults.most_in_flight <= 1


@pytest.mark.parametrize("fault", ["trap", "drop"])
def test_a_refused_or_lost_pipelined_read_fails_the_import_as_one_at_a_time(
        routersim, sim_router, settings, fault):
    (sim_a, a), (sim_b, b) = twins(routersim, sim_router)
    for sim in (sim_a, sim_b):
        if fault == "trap":
            sim.faults.trap("/ppp/secret/print", "failure: injected")
        else:
            sim.faults.drop_on("/ppp/secret/print")
    one_by_one = imported(a, settings, False)
    together = imported(b, settings, True)
    assert together[1] == one_by_one[1] == {m.__name__: [] for m in MODELS}  # nothing written
    assert together[0]["status"] == one_by_one[0]["status"] == "failed"
    if fault == "trap":
        assert together[0] == one_by_one[0]
        assert "injected" in together[0]["errors"][0]["error"]
    else:  # the command a lost link is named after may differ (see test_pipelined_reads)
        assert "connection lost" in together[0]["errors"][0]["error"]
        assert "connection lost" in one_by_one[0]["errors"][0]["error"]
