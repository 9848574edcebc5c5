"""Benchmark: Deploy -> completed for the hotspot + PPPoE + RADIUS plan, with API latency.

A simulated router adds 0, 20, 200 and 500 ms before every reply (a router across a
WAN, 4G or satellite; the delay applies per command, pipelined commands overlap); the
deployment runs as the real job in a real RQ worker. Reports wall time from
start_deploy() to `completed` and the API round trips (a pipelined batch is one; the
login is not counted), then discovery (stage 3's read of the router), each before
(ROUTER_API_PIPELINING off: every command one at a time) and after (pipelined: the
snapshot and verification reads, and each phase of the plan's writes as one exchange:
addresses, pools and the pages directory; the page files and the profiles; the servers;
DHCP; RADIUS; the firewall rules one at a time). Uses a scratch database it creates and
drops.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bench_deploy.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotspot.settings")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               "unknown")
    return f"{os.cpu_count()} CPUs, {cpu}, Python {sys.version.split()[0]}"


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "bench_deploy_scratch"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from django.conf import settings

    try:
        rows = []
        for latency in LATENCIES:
            # Before: one command at a time (ROUTER_API_PIPELINING off); after: pipelined.
            settings.ROUTER_API_PIPELINING = False
            before = run(latency)
            settings.ROUTER_API_PIPELINING = True
            rows.append((before, run(latency)))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"\nDeploy benchmark ({machine()}; load average "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])})")
    print("hotspot + PPPoE + RADIUS; before = one command at a time, after = pipelined reads "
          "and one exchange per phase")
    print(f"{'latency/command':>16} | {'plan steps':>10} | {'round trips':>14} | "
          f"{'Deploy -> completed':>20} | {'discovery':>16}")
    for before, after in rows:
        latency, steps = after[0], after[1]
        print(f"{latency * 1000:>13.0f} ms | {steps:>10} | {before[2]:>5} -> {after[2]:>5} | "
              f"{before[3]:>7.2f} -> {after[3]:>6.2f} s | "
              f"{before[4]:>5.2f} -> {after[4]:>5.2f} s")


LATENCIES = (0.0, 0.020, 0.200, 0.500)


def run(latency: float):
    from django_rq import get_connection, get_queue
    from rq import SimpleWorker

    from accounts.models import Organization
    from provisioning.models import Deployment
    from provisioning.services.configure import generate_service_config
    from provisioning.services.deploy import start_deploy
    from radius.models import RadiusServer
    from routers.choices import RouterStatus
    from routers.models import Router
    from routers.simulator.testing import SimulatorThread

    sim = SimulatorThread()
    handle = sim.start_router(identity="bench")
    handle.add_user("api-bench", "bench-token-0123456789", "full")
    from django.conf import settings

    org = Organization.objects.create(
        name=f"bench-deploy-{latency}-{'pipelined' if settings.ROUTER_API_PIPELINING else 'one'}")
    router = Router.objects.create(organization=org, name="bench", host=handle.host,
                                   api_port=handle.port, api_username="api-bench",
                                   config_token="bench-token-0123456789",
                                   status=RouterStatus.ONLINE)
    server = RadiusServer.objects.create(organization=org, name="r", host="10.0.0.5",
                                         nas_secret="s", agent_url="http://10.0.0.5/",
                                         agent_token="t")
    config, errors = generate_service_config(router, {
        "enable_hotspot": True, "hotspot_interfaces": ["ether2"],
        "hotspot_networks": {"ether2": {"gateway": "10.5.50.1/24",
                                        "pool": "10.5.50.10-10.5.50.254"}},
        "enable_pppoe": True, "pppoe_interfaces": ["ether3"], "pppoe_local_address": "10.6.0.1",
        "pppoe_ip_pool": "10.6.0.10-10.6.0.250", "enable_radius": True,
        "radius_server": server.pk})
    assert not errors, errors
    handle.faults.latency(latency)
    queue = get_queue("provisioning")
    started = time.perf_counter()
    dep = start_deploy(router)
    SimpleWorker([queue], connection=get_connection("provisioning")).work(burst=True)
    seconds = time.perf_counter() - started
    dep = Deployment.objects.get(pk=dep.pk)
    assert dep.status == "completed", dep.error
    from routers.services.discovery import discover

    started = time.perf_counter()
    discover(router, refresh=True)
    discovery = time.perf_counter() - started
    sim.close()
    return latency, len(config.plan["steps"]), dep.round_trips, seconds, discovery


if __name__ == "__main__":
    main()
