"""Nothing is stranded: a queue message lost with Redis, or a worker (and its work horse)
killed mid-job, is recovered within the bounds docs/operations.md states.

The product runs here as it does under `make run`: `manage.py worker` and `manage.py
scheduler` as subprocesses on the test database and Redis, with recovery clocks of
seconds instead of the defaults (tests/support/processes.py: FAST_RECOVERY):
- a lost message: resent within JOB_PENDING_GRACE_SECONDS + JOB_REAPER_SECONDS;
- a killed worker: noticed within JOB_STALE_SECONDS + JOB_REAPER_SECONDS of its last
  heartbeat, then run again (or, for a deployment, rolled back) by another worker.
Each bound below adds the work's own time and a process start-up allowance.
"""

from __future__ import annotations

import django_rq
import pytest

from fleet.models import ImportRun
from fleet.services.imports import request_import
from provisioning.models import Deployment
from provisioning.services.deploy import start_deploy
from routers.choices import RouterStatus
from routers.models import Router
from routers.services import onboarding, probing
from tests.browser.conftest import server_env
from tests.provisioning.helpers import HOTSPOT, PPPOE, generate, online_router
from tests.provisioning.test_faults import router_state
from tests.support.processes import FAST_RECOVERY, Processes, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

STARTUP = 10  # seconds for Python processes to start on a loaded machine
GRACE = float(FAST_RECOVERY["JOB_PENDING_GRACE_SECONDS"]) + float(
    FAST_RECOVERY["JOB_REAPER_SECONDS"])
STALE = float(FAST_RECOVERY["JOB_STALE_SECONDS"]) + float(FAST_RECOVERY["JOB_REAPER_SECONDS"])


@pytest.fixture
def product(tmp_path):
    procs = Processes({**server_env(), **FAST_RECOVERY}, tmp_path)
    yield procs
    procs.stop_all()


def flush_redis():
    django_rq.get_connection("default").flushdb()


def status_of(model, pk):
    return model.objects.filter(pk=pk).values_list("status", flat=True).first()


def router_status(router):
    return Router.objects.get(pk=router.pk).status


# --- lost messages ------------------------------------------------------------------------


def test_a_deployment_whose_message_was_lost_runs(acme, routersim, product):
    sim = routersim()
    router = online_router(acme, sim)
    generate(router, HOTSPOT)
    dep = start_deploy(router)
    flush_redis()  # the queue message is gone; the row says what to do
    product.start("worker", "scheduler")
    took = wait_until(lambda: status_of(Deployment, dep.pk) == "completed",
                      GRACE + STARTUP + 10)
    assert took is not None, product.log("scheduler")[-3000:]
    assert router_status(router) == RouterStatus.ACTIVE


def test_a_probe_whose_message_was_lost_runs(acme, routersim, product):
    sim = routersim()
    router, _ = onboarding.create_router(acme, name="edge-9", host=sim.host, api_port=sim.port)
    sim.import_script(router.configs.get(kind="initial").operator_script)
    flush_redis()  # the probe job's message is gone; the router is due in the database
    product.start("worker", "scheduler")
    took = wait_until(lambda: router_status(router) == RouterStatus.ONLINE,
                      GRACE + STARTUP + 10)
    assert took is not None, product.log("worker")[-3000:]
    assert Router.objects.get(pk=router.pk).probe_attempts == 1  # no "Probe again" needed


def test_an_import_whose_message_was_lost_runs(acme, routersim, product):
    sim = routersim()
    sim.add("/ip/pool", name="lobby", ranges="10.9.0.2-10.9.0.254")
    router = online_router(acme, sim)
    run = request_import(router)
    flush_redis()
    product.start("worker", "scheduler")
    assert wait_until(lambda: status_of(ImportRun, run.pk) == "completed",
                      GRACE + STARTUP + 10) is not None
    assert ImportRun.objects.get(pk=run.pk).added >= 1


# --- killed workers -----------------------------------------------------------------------


def test_a_worker_killed_mid_deploy_leaves_the_router_as_before(acme, routersim, product):
    sim = routersim()
    router = online_router(acme, sim)
    generate(router, {**HOTSPOT, **PPPOE})
    before = router_state(sim)
    sim.faults.latency(0.3)  # a slow link: the deployment takes seconds
    dep = start_deploy(router)
    product.start("worker", "scheduler")
    assert wait_until(lambda: Deployment.objects.get(pk=dep.pk).created_items, 60) is not None
    product.kill("worker")  # worker and work horse, mid-deployment
    assert router_state(sim) != before  # it had changed the router
    sim.faults.clear()
    product.start("worker")
    took = wait_until(lambda: status_of(Deployment, dep.pk) == "failed", STALE + STARTUP + 20)
    dep.refresh_from_db()
    assert took is not None, (dep.status, dep.stage, dep.heartbeat_at, product.log("worker"))
    assert dep.rolled_back and dep.rollback_clean
    assert router_state(sim) == before
    assert router_status(router) == RouterStatus.ONLINE
    assert "worker running this deployment stopped" in " ".join(
        dep.events.values_list("message", flat=True))


def test_a_worker_killed_mid_import_is_replaced_and_the_import_completes(acme, routersim,
                                                                          product):
    sim = routersim()
    for i in range(50):
        sim.add("/ip/pool", name=f"p{i}", ranges=f"10.{i}.0.2-10.{i}.0.9")
    router = online_router(acme, sim)
    sim.faults.latency(2.0)  # each read takes seconds
    run = request_import(router)
    product.start("worker", "scheduler")
    assert wait_until(lambda: status_of(ImportRun, run.pk) == "running", 30) is not None
    product.kill("worker")
    sim.faults.clear()
    product.start("worker")
    took = wait_until(lambda: status_of(ImportRun, run.pk) == "completed", STALE + STARTUP + 20)
    assert took is not None, product.log("scheduler")[-3000:]
    run.refresh_from_db()
    assert run.changes["pools"]["added"] == 50 and run.attempts == 2  # claimed twice


def test_a_worker_killed_mid_probe_strands_no_router(acme, routersim, product, settings):
    sim = routersim()
    router, _ = onboarding.create_router(acme, name="edge-8", host=sim.host, api_port=sim.port)
    sim.import_script(router.configs.get(kind="initial").operator_script)
    sim.faults.latency(3.0)  # the probe hangs in its login when the worker dies
    product.start("worker", "scheduler")
    assert wait_until(lambda: Router.objects.get(pk=router.pk).next_probe_at
                      > probing.timezone.now(), 30) is not None  # claimed: leased ahead
    product.kill("worker")
    sim.faults.clear()
    product.start("worker")
    # The router's lease ends (3 x ROUTER_CONNECT_TIMEOUT + 10 s), then it is probed again.
    bound = 3 * float(server_env()["ROUTER_CONNECT_TIMEOUT"]) + 10 + STALE + STARTUP + 10
    took = wait_until(lambda: router_status(router) == RouterStatus.ONLINE, bound)
    assert took is not None, product.log("worker")[-3000:]


def test_scheduled_work_resumes_at_once_when_a_killed_worker_is_replaced(acme, routersim,
                                                                          product):
    """RQ's own scheduler would wait out a dead worker's lock for minutes; the product's
    scheduler is another process and sends due rows whatever became of the worker."""
    sim = routersim()
    router, _ = onboarding.create_router(acme, name="edge-7", host=sim.host, api_port=sim.port)
    product.start("worker", "scheduler")
    assert wait_until(lambda: Router.objects.get(pk=router.pk).probe_attempts >= 1, 30)
    product.kill("worker")
    product.start("worker")  # replaced at once
    sim.import_script(router.configs.get(kind="initial").operator_script)
    took = wait_until(lambda: router_status(router) == RouterStatus.ONLINE,
                      float(server_env()["PROBE_INTERVAL_SECONDS"]) + STARTUP + 10)
    assert took is not None, product.log("worker")[-3000:]


# --- voucher syncs ------------------------------------------------------------------------


@pytest.fixture
def agent(acme, tmp_path, radius_tables):
    """The product's web process serving the RADIUS agent, and Alice's server using it."""
    from radius.models import RadiusServer
    from tests.browser.conftest import free_port, wait_for_port

    port = free_port()
    procs = Processes({**server_env(), **FAST_RECOVERY}, tmp_path, web_port=port)
    procs.start("web")
    wait_for_port(port, procs.running["web"])
    server = RadiusServer.objects.create(
        organization=acme, name="main", host="127.0.0.1", nas_secret="nas-secret-xyz",
        agent_url=f"http://127.0.0.1:{port}/radius/agent/")
    yield server
    procs.stop_all()


def synced(batch) -> int:
    return batch.vouchers.filter(radius_sync_status="synced").count()


def test_a_voucher_sync_whose_message_was_lost_runs(acme, agent, product):
    from vouchers.models import VoucherProfile
    from vouchers.services.generate import generate_batch

    profile = VoucherProfile.objects.get(organization=acme, name="1 day 1 GB")
    batch = generate_batch(acme, profile, 500, radius_server=agent)
    flush_redis()
    product.start("worker", "scheduler")
    took = wait_until(lambda: synced(batch) == 500, GRACE + STARTUP + 30)
    assert took is not None, product.log("worker")[-3000:]


def test_a_worker_killed_mid_sync_is_replaced_and_every_voucher_syncs(acme, agent, product):
    from vouchers.models import VoucherProfile
    from vouchers.services.generate import generate_batch

    profile = VoucherProfile.objects.get(organization=acme, name="1 day 1 GB")
    batch = generate_batch(acme, profile, 20_000, radius_server=agent)
    product.start("worker", "scheduler")
    assert wait_until(lambda: synced(batch) > 0, 60) is not None
    product.kill("worker")
    done_before = synced(batch)
    assert done_before < 20_000  # killed mid-sync
    product.start("worker")
    took = wait_until(lambda: synced(batch) == 20_000, STALE + STARTUP + 120)
    assert took is not None, (synced(batch), product.log("scheduler")[-3000:])
    assert not batch.vouchers.exclude(radius_sync_status="synced").exists()
