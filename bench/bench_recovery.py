"""Benchmark: how long until lost or stranded work is recovered, with the default settings.

The product runs as `make run` runs it (`manage.py worker` and `manage.py scheduler` as
subprocesses) on a scratch database; a simulated router serves in this process.
- lost message: a deployment is queued, Redis is flushed, the processes start; measured
  from their start to the deployment's completion (minus nothing: it includes the run);
- killed worker: a deployment runs against a slow router (300 ms per command); the worker
  and its work horse are SIGKILLed mid-deployment and a new worker starts at once; measured
  from the kill to the rolled-back deployment.
Bounds (docs/operations.md): a lost message is resent within JOB_PENDING_GRACE_SECONDS +
JOB_REAPER_SECONDS of its send; a dead worker is noticed within JOB_STALE_SECONDS +
JOB_REAPER_SECONDS of its last heartbeat.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/bench_recovery.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotspot.settings")
os.environ.setdefault("OUTBOUND_ALLOW_NETWORKS", "127.0.0.0/8")

from bench.bench_deploy import machine  # noqa: E402
from tests.support.processes import Processes  # noqa: E402


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "bench_recovery_scratch"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    logs = Path(os.environ.get("TMPDIR", "/tmp")) / "bench_recovery"
    logs.mkdir(exist_ok=True)
    s = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{quote(s['USER'] or '')}@"
           f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
           "SECRET_KEY": settings.SECRET_KEY,
           "FIELD_ENCRYPTION_KEY": ",".join(settings.FIELD_ENCRYPTION_KEYS),
           "LOG_LEVEL": "WARNING"}
    try:
        lost = lost_message(Processes(env, logs))
        killed = killed_worker(Processes(env, logs))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"\nRecovery benchmark ({machine()}), default settings: "
          f"JOB_PENDING_GRACE_SECONDS={settings.JOB_PENDING_GRACE_SECONDS:g}, "
          f"JOB_STALE_SECONDS={settings.JOB_STALE_SECONDS:g}, "
          f"JOB_REAPER_SECONDS={settings.JOB_REAPER_SECONDS:g}, "
          f"JOB_HEARTBEAT_SECONDS={settings.JOB_HEARTBEAT_SECONDS:g}")
    print(f"{'what happened':>48} | {'recovered after':>15} | {'bound (+ the work)':>18}")
    grace = settings.JOB_PENDING_GRACE_SECONDS + settings.JOB_REAPER_SECONDS
    stale = settings.JOB_STALE_SECONDS + settings.JOB_REAPER_SECONDS
    print(f"{'deployment queued, Redis flushed (to completed)':>48} | {lost:>13.1f} s | "
          f"{grace:>5g} s")
    print(f"{'worker killed mid-deploy (to rolled back)':>48} | {killed:>13.1f} s | "
          f"{stale:>5g} s")


def scenario(latency: float = 0.0):
    from accounts.models import Organization
    from provisioning.services.configure import generate_service_config
    from routers.choices import RouterStatus
    from routers.models import Router
    from routers.simulator.testing import SimulatorThread

    sim = SimulatorThread()
    handle = sim.start_router(identity="bench")
    handle.add_user("api-bench", "bench-token-0123456789", "full")
    org = Organization.objects.create(name=f"bench-recovery-{time.time()}")
    router = Router.objects.create(organization=org, name="bench", host=handle.host,
                                   api_port=handle.port, api_username="api-bench",
                                   config_token="bench-token-0123456789",
                                   status=RouterStatus.ONLINE)
    config, errors = generate_service_config(router, {
        "enable_hotspot": True, "hotspot_interfaces": ["ether2"],
        "hotspot_networks": {"ether2": {"gateway": "10.5.50.1/24",
                                        "pool": "10.5.50.10-10.5.50.254"}},
        "enable_pppoe": True, "pppoe_interfaces": ["ether3"], "pppoe_local_address": "10.6.0.1",
        "pppoe_ip_pool": "10.6.0.10-10.6.0.250"})
    assert not errors, errors
    handle.faults.latency(latency)
    return sim, router


def wait_for(predicate, timeout: float = 300) -> float:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise TimeoutError("not recovered")
        time.sleep(0.2)
    return time.monotonic() - start


def status(dep) -> str:
    return type(dep).objects.values_list("status", flat=True).get(pk=dep.pk)


def lost_message(procs: Processes) -> float:
    import django_rq

    from provisioning.services.deploy import start_deploy

    sim, router = scenario()
    dep = start_deploy(router)
    django_rq.get_connection("default").flushdb()
    procs.start("worker", "scheduler")
    try:
        return wait_for(lambda: status(dep) == "completed")
    finally:
        procs.stop_all()
        sim.close()


def killed_worker(procs: Processes) -> float:
    from provisioning.models import Deployment
    from provisioning.services.deploy import start_deploy

    sim, router = scenario(latency=0.3)
    dep = start_deploy(router)
    procs.start("worker", "scheduler")
    try:
        wait_for(lambda: Deployment.objects.get(pk=dep.pk).created_items)
        procs.kill("worker")
        procs.start("worker")
        return wait_for(lambda: status(dep) == "failed")
    finally:
        procs.stop_all()
        sim.close()


if __name__ == "__main__":
    main()
