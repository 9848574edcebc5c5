"""Imports of pools, secrets and hotspot users from simulated routers, by a real worker."""

import pytest
from django.db import connection

from conftest import run_jobs
from fleet.models import (
    ImportedHotspotProfile,
    ImportedHotspotUser,
    ImportedPool,
    ImportedPppSecret,
    ImportKind,
    ImportRun,
    ImportStatus,
)
from fleet.services.imports import request_import
from tests.fleet.conftest import fill, pool_fields, secret_fields

# Every simulated router has RouterOS's factory hotspot user profile "default" and the
# factory PPP profiles "default" and "default-encryption" (imported since PPP profiles are).
FACTORY_ITEMS = 3

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def imported(router, kind=ImportKind.ALL, preview=False):
    run = request_import(router, kind, preview=preview)
    run_jobs("imports")
    return ImportRun.objects.get(pk=run.pk)


def test_it_imports_1000_pools_and_10000_secrets_with_correct_counts(routersim, sim_router):
    sim = routersim()
    fill(sim, "/ip/pool", 1000, pool_fields)
    fill(sim, "/ppp/secret", 10_000, secret_fields)
    router = sim_router(sim)

    run = imported(router)

    assert run.status == ImportStatus.COMPLETED, run.errors
    assert (run.updated, run.removed, run.failed) == (0, 0, 0)
    assert run.changes["pools"]["added"] == 1000
    assert run.changes["ppp_secrets"]["added"] == 10_000
    assert run.started_at and run.finished_at and run.progress == 100
    assert ImportedPool.objects.filter(router=router).count() == 1000
    assert ImportedPppSecret.objects.filter(router=router).count() == 10_000
    pool = ImportedPool.objects.get(router=router, name="pool-300")
    assert (pool.ranges, pool.address_count) == ("10.1.44.2-10.1.44.254", 253)
    assert pool.deployed_by_product and pool.ros_id.startswith("*")
    assert ImportedPool.objects.filter(router=router, comment__startswith="hotspot:").count() \
        == 100


def test_it_encrypts_secret_passwords_at_rest(routersim, sim_router):
    sim = routersim()
    fill(sim, "/ppp/secret", 3, secret_fields)
    router = sim_router(sim)
    imported(router, ImportKind.PPP_SECRETS)
    secret = ImportedPppSecret.objects.get(router=router, name="user-1")
    assert secret.password == "pw-1-secret"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT password FROM {ImportedPppSecret._meta.db_table}")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and not any("secret" in value for value in stored)


def test_it_updates_adds_and_marks_removed_items_on_reimport(routersim, sim_router):
    sim = routersim()
    pool_ids = fill(sim, "/ip/pool", 5, pool_fields)
    secret_ids = fill(sim, "/ppp/secret", 5, secret_fields)
    router = sim_router(sim)
    first = imported(router)
    assert first.added == 10 + FACTORY_ITEMS
    rows_before = {p.name: p.pk for p in ImportedPool.objects.filter(router=router)}

    sim.set_item("/ip/pool", pool_ids[0], ranges="192.168.0.0/24")
    sim.remove_item("/ip/pool", pool_ids[1])
    sim.add_item("/ip/pool", **{**pool_fields(99), "name": "new-pool"})
    sim.set_item("/ppp/secret", secret_ids[2], password="changed", profile="gold")
    sim.set_item("/ppp/secret", secret_ids[3], name="user-3-renamed")
    sim.remove_item("/ppp/secret", secret_ids[4])
    second = imported(router)

    assert second.status == ImportStatus.COMPLETED, second.errors
    assert (second.added, second.updated, second.removed, second.unchanged) == (1, 3, 2, 3 + 2 + FACTORY_ITEMS)
    pools = {p.name: p for p in ImportedPool.objects.filter(router=router)}
    assert len(pools) == 6  # updated in place, never duplicated
    assert pools["pool-0"].pk == rows_before["pool-0"]
    assert (pools["pool-0"].ranges, pools["pool-0"].address_count) == ("192.168.0.0/24", 256)
    assert pools["pool-1"].removed_at is not None  # marked, not deleted
    assert pools["new-pool"].removed_at is None
    secrets = {s.name: s for s in ImportedPppSecret.objects.filter(router=router)}
    assert set(secrets) == {"user-0", "user-1", "user-2", "user-3-renamed", "user-4"}
    assert (secrets["user-2"].password, secrets["user-2"].profile) == ("changed", "gold")
    assert secrets["user-3-renamed"].ros_id == secret_ids[3]
    assert secrets["user-4"].removed_at is not None
    assert second.changes["ppp_secrets"]["removed_names"] == ["user-4"]


def test_it_changes_nothing_when_retried(routersim, sim_router):
    sim = routersim()
    fill(sim, "/ip/pool", 20, pool_fields)
    fill(sim, "/ppp/secret", 20, secret_fields)
    router = sim_router(sim)
    imported(router)
    again = imported(router)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 40 + FACTORY_ITEMS)
    assert ImportedPool.objects.filter(router=router).count() == 20


def test_it_clears_the_removed_mark_when_an_item_comes_back(routersim, sim_router):
    sim = routersim()
    [pool_id] = fill(sim, "/ip/pool", 1, pool_fields)
    router = sim_router(sim)
    imported(router, ImportKind.POOLS)
    sim.remove_item("/ip/pool", pool_id)
    assert imported(router, ImportKind.POOLS).removed == 1
    sim.add_item("/ip/pool", **pool_fields(0))  # re-created: same name, new .id
    back = imported(router, ImportKind.POOLS)
    assert (back.added, back.updated) == (0, 1)
    pool = ImportedPool.objects.get(router=router)
    assert pool.removed_at is None and pool.ros_id != pool_id


def test_it_previews_what_would_change_without_writing(routersim, sim_router):
    sim = routersim()
    fill(sim, "/ip/pool", 3, pool_fields)
    router = sim_router(sim)
    preview = imported(router, ImportKind.POOLS, preview=True)
    assert preview.status == ImportStatus.COMPLETED
    assert preview.added == 3
    assert preview.changes["pools"]["added_names"] == ["pool-0", "pool-1", "pool-2"]
    assert not ImportedPool.objects.exists()


def test_it_fails_an_unreachable_router_with_its_error(routersim, sim_router):
    sim = routersim()
    router = sim_router(sim)
    sim.go_offline()
    run = imported(router)
    assert run.status == ImportStatus.FAILED
    assert "connection refused" in run.errors[0]["error"]
    assert run.finished_at is not None


def test_it_leaves_nothing_partial_when_the_router_drops_mid_import(routersim, sim_router):
    sim = routersim()
    fill(sim, "/ip/pool", 10, pool_fields)
    fill(sim, "/ppp/secret", 10, secret_fields)
    router = sim_router(sim)
    imported(router)
    sim.add_item("/ip/pool", **{**pool_fields(50), "name": "late-pool"})
    # Login and the pool print are answered, then the connection drops before secrets.
    sim.faults.drop_after(2)
    run = imported(router)
    assert run.status == ImportStatus.FAILED
    assert "connection lost" in run.errors[0]["error"]
    assert not ImportedPool.objects.filter(name="late-pool").exists()
    assert ImportedPool.objects.filter(router=router).count() == 10


def test_it_imports_pools_of_several_slash_16s_as_ranges(routersim, sim_router):
    sim = routersim()
    sim.add_item("/ip/pool", name="big", ranges="10.0.0.0/16,10.1.0.0/16,10.2.0.1-10.3.255.254")
    router = sim_router(sim)
    imported(router, ImportKind.POOLS)
    pool = ImportedPool.objects.get(router=router)
    assert pool.address_count == 65536 * 2 + 131070
    assert ImportedPool.objects.count() == 1


def test_it_counts_items_it_cannot_read_as_failed(routersim, sim_router):
    sim = routersim()
    fill(sim, "/ip/pool", 2, pool_fields)
    sim.add_item("/ip/pool", name="broken", ranges="not-an-address")
    router = sim_router(sim)
    run = imported(router, ImportKind.POOLS)
    assert run.status == ImportStatus.COMPLETED
    assert (run.added, run.failed) == (2, 1)
    assert run.errors[0]["name"] == "broken"


def test_it_imports_hotspot_profiles_and_users(routersim, sim_router):
    sim = routersim()
    sim.add_item("/ip/hotspot/user/profile", name="1h", **{"rate-limit": "2M/2M",
                                                           "shared-users": "1"})
    sim.add_item("/ip/hotspot/user", name="guest", password="g-pass", profile="1h",
                 server="hs1", disabled="false")
    sim.add_item("/ip/hotspot/user", name="guest", password="x", profile="1h",
                 server="hs2", disabled="true")
    router = sim_router(sim)
    run = imported(router)
    assert run.status == ImportStatus.COMPLETED, run.errors
    assert ImportedHotspotProfile.objects.get(router=router, name="1h").rate_limit == "2M/2M"
    users = ImportedHotspotUser.objects.filter(router=router).order_by("server")
    assert [(u.server, u.disabled) for u in users] == [("hs1", False), ("hs2", True)]


def test_it_runs_a_queued_import_only_once(routersim, sim_router):
    sim = routersim()
    fill(sim, "/ip/pool", 2, pool_fields)
    router = sim_router(sim)
    run = imported(router, ImportKind.POOLS)
    from background.runner import execute

    # A duplicate message finds the row already claimed and done.
    assert execute("fleet.ImportRun", run.pk) == "not claimed"
    assert ImportRun.objects.get(pk=run.pk).added == 2
