"""Benchmark: fleet health checks and pool imports against the simulator over TCP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fleet_dev REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/bench_fleet.py [--counts 1000,5000] [--seed-count 200]

- Health check of N simulated routers (`python -m routers.simulator --count N`, a separate
  process) by the product's one job (thread pool, connect + login each), beside the
  seed's way: one RQ job per router, two forking RQ workers.
- Import of one router holding pools that cover about 1,000,000 addresses (16 x /16,
  and 4,000 x /24), and of 10,000 PPP secrets.

Each scenario runs in a child process so its peak memory is its own. Rows live in a
dedicated organization, deleted at the end; the seed-way queue is emptied.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotspot.settings")
BASE_PORT = 20000
ORG_NAME = "bench-fleet"
SEED_QUEUE = "bench-fleet-seed-way"


def setup_django() -> None:
    import django

    django.setup()


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def vm_hwm_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- the simulator, in its own process -----------------------------------------------------

class Simulator:
    def __init__(self, count: int) -> None:
        self.count = count
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "routers.simulator", "--count", str(count), "--port",
             str(BASE_PORT), "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", BASE_PORT + count - 1), 0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("simulator did not start")

    def stop(self) -> float:
        hwm = vm_hwm_mib(self.proc.pid)
        self.proc.terminate()
        self.proc.wait(10)
        return hwm


# -- rows --------------------------------------------------------------------------------

def organization():
    from accounts.models import Organization

    org, _ = Organization.objects.get_or_create(name=ORG_NAME)
    return org


def make_routers(count: int) -> list[int]:
    from routers.choices import RouterStatus
    from routers.models import Router

    org = organization()
    Router.objects.filter(organization=org).delete()
    rows = [Router(organization=org, name=f"bench-{i}", host="127.0.0.1",
                   api_port=BASE_PORT + i, api_username="admin", config_token="",
                   status=RouterStatus.ONLINE) for i in range(count)]
    return [r.pk for r in Router.objects.bulk_create(rows, batch_size=1000)]


def cleanup() -> None:
    from accounts.models import Organization

    Organization.objects.filter(name=ORG_NAME).delete()


# -- children (one scenario each, measured alone) ----------------------------------------

def child_health() -> dict:
    from fleet.services.health import check_fleet
    from routers.models import Router

    started = time.perf_counter()
    report = check_fleet(Router.objects.filter(organization__name=ORG_NAME))
    return {"seconds": time.perf_counter() - started, **report.summary(),
            "rss": peak_rss_mib()}


def child_import(router_id: int, kind: str) -> dict:
    from fleet.services.imports import request_import
    from routers.models import Router

    router = Router.objects.get(pk=router_id)
    started = time.perf_counter()
    run = request_import(router, kind, immediate=True)
    return {"seconds": time.perf_counter() - started, "status": run.status,
            "added": run.added, "errors": run.errors[:3], "rss": peak_rss_mib()}


def child_seed_worker() -> dict:
    """One forking RQ worker, as the seed ran them (one job per router)."""
    from django.db import connections
    from django_rq import get_connection
    from rq import Queue, Worker

    connections.close_all()  # the forked work horses open their own
    conn = get_connection("default")
    Worker([Queue(SEED_QUEUE, connection=conn)], connection=conn).work(burst=True,
                                                                      logging_level="WARNING")
    return {"rss": peak_rss_mib()}


def seed_way_check(router_id: int) -> bool:
    """The seed's per-router job: load the router, log in, record it."""
    from django.conf import settings

    from routers.models import Router
    from routers.routeros.client import RouterOSClient

    router = Router.objects.get(pk=router_id)
    try:
        with RouterOSClient(router.host, router.api_port, router.api_username,
                            router.config_token, timeout=settings.FLEET_HEALTH_TIMEOUT):
            pass
    except Exception:
        Router.objects.filter(pk=router_id).update(missed_checks=router.missed_checks + 1)
        return False
    router.mark_seen()
    return True


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- scenarios -----------------------------------------------------------------------------

def bench_health(count: int) -> dict:
    sim = Simulator(count)
    try:
        make_routers(count)
        result = run_child("health")
    finally:
        sim_rss = sim.stop()
    return {**result, "sim_rss": sim_rss}


def bench_seed_way(count: int) -> dict:
    from django_rq import get_connection
    from rq import Queue

    sim = Simulator(count)
    try:
        ids = make_routers(count)
        queue = Queue(SEED_QUEUE, connection=get_connection("default"))
        queue.empty()
        started = time.perf_counter()
        for pk in ids:
            queue.enqueue("bench.bench_fleet.seed_way_check", pk)
        workers = [subprocess.Popen([sys.executable, __file__, "--child", "seed-worker"],
                                    cwd=ROOT, stdout=subprocess.PIPE, text=True)
                   for _ in range(2)]
        for w in workers:
            w.wait()
        seconds = time.perf_counter() - started
        from routers.models import Router

        seen = Router.objects.filter(pk__in=ids, last_seen__isnull=False).count()
        queue.empty()
    finally:
        sim.stop()
    return {"seconds": seconds, "answered": seen}


def fill_router(port: int, path: str, rows) -> None:
    from routers.routeros.client import RouterOSClient

    with RouterOSClient("127.0.0.1", port, "admin", "", timeout=10) as api:
        # Setup only: without TCP_NODELAY each command waits ~40 ms (Nagle + delayed ACK,
        # routeros-api writes word by word), 10,000 adds would take 7 minutes.
        api._sock.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for row in rows:
            api.add(path, **row)


def bench_import(label: str, path: str, rows: list[dict], kind: str) -> dict:
    sim = Simulator(1)
    try:
        [router_id] = make_routers(1)
        fill_router(BASE_PORT, path, rows)
        result = run_child("import", str(router_id), kind)
    finally:
        sim.stop()
    return {"label": label, **result}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="1000,5000")
    parser.add_argument("--seed-count", type=int, default=200)
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    setup_django()
    if args.child is not None:
        name, *rest = args.child
        result = {"health": child_health, "seed-worker": child_seed_worker,
                  "import": lambda: child_import(int(rest[0]), rest[1])}[name]()
        print(json.dumps(result))
        return
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}, Python "
          f"{platform.python_version()}")
    print(f"health timeout {settings.FLEET_HEALTH_TIMEOUT} s, "
          f"{settings.FLEET_HEALTH_PARALLEL} threads")
    rows = []
    try:
        for count in (int(c) for c in args.counts.split(",")):
            r = bench_health(count)
            rows.append((f"health check, {count} routers (one job)", r["seconds"],
                         f"{r['answered']}/{r['checked']} answered",
                         f"{r['rss']:.0f} MiB (simulator {r['sim_rss']:.0f} MiB)"))
        r = bench_seed_way(args.seed_count)
        rows.append((f"health check, {args.seed_count} routers, seed's way "
                     f"(a job per router, 2 workers)", r["seconds"],
                     f"{r['answered']}/{args.seed_count} answered", "—"))
        pools16 = [{"name": f"big-{i}", "ranges": f"10.{i}.0.0/16"} for i in range(16)]
        pools24 = [{"name": f"p-{i}", "ranges": f"10.{i // 256}.{i % 256}.0/24"}
                   for i in range(4000)]
        secrets = [{"name": f"user-{i}", "password": f"pw-{i}", "service": "pppoe"}
                   for i in range(10_000)]
        for label, path, items, kind in (
                ("import, 16 pools x /16 (1,048,576 addresses)", "/ip/pool", pools16, "pools"),
                ("import, 4,000 pools x /24 (1,024,000 addresses)", "/ip/pool", pools24,
                 "pools"),
                ("import, 10,000 PPP secrets", "/ppp/secret", secrets, "ppp_secrets")):
            r = bench_import(label, path, items, kind)
            rows.append((label, r["seconds"], f"{r['status']}, {r['added']} added",
                         f"{r['rss']:.0f} MiB"))
    finally:
        cleanup()
    width = max(len(r[0]) for r in rows)
    print(f"\n{'scenario':<{width}}  {'wall s':>7}  {'result':<24}  peak RSS")
    for name, seconds, result, rss in rows:
        print(f"{name:<{width}}  {seconds:7.2f}  {result:<24}  {rss}")
    health = {n: s for n, s, *_ in rows}
    one = next((s for n, s in health.items() if f"{args.seed_count} routers (one" in n), None)
    seed = next(s for n, s in health.items() if "seed's way" in n)
    per_router_seed = seed / args.seed_count
    per_router_ours = min(s / int(n.split(",")[1].split()[0]) for n, s in health.items()
                          if "(one job)" in n)
    print(f"\nper router: one job {per_router_ours * 1000:.2f} ms, seed's way "
          f"{per_router_seed * 1000:.2f} ms ({per_router_seed / per_router_ours:.0f}x)"
          + (f"; same {args.seed_count}: {seed / one:.0f}x" if one else ""))


if __name__ == "__main__":
    main()
