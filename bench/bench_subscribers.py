"""Benchmark: 2,000 PPP secrets with awkward names, from import to RADIUS, and bulk actions.

On a simulated router (over TCP) holding 2,000 secrets (quotes, $, spaces, non-ASCII),
3 PPP profiles and simple queues: the import, the migration to subscribers (a background
run in a real RQ worker), their sync to the RADIUS agent (another process, over HTTP,
read back), bulk suspend, change of plan and CSV export of all 2,000 (each a background
run), and the switch of the router's PPP to RADIUS. Runs in a scratch database it creates
and drops.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bench_subscribers.py [--count 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench_vouchers import (  # noqa: E402  (the bench directory is the script's)
    TOKEN,
    cpu_model,
    drop_database,
    free_port,
    scratch_database,
    start_agent,
)


def drain(*names: str) -> float:
    """Run the queues empty in a real RQ worker (burst); returns the wall time."""
    import django_rq
    from rq import SimpleWorker

    queues = [django_rq.get_queue(n) for n in names]
    started = time.perf_counter()
    SimpleWorker(queues, connection=queues[0].connection).work(burst=True,
                                                               logging_level="WARNING")
    return time.perf_counter() - started


def run_secs(row) -> float:
    row.refresh_from_db()
    assert row.status == "completed", (row, row.status, row.error)
    return (row.finished_at - row.created_at).total_seconds()


def scenario(count: int, agent_url: str) -> dict:
    from accounts.models import Organization
    from fleet.models import ImportKind
    from fleet.services.imports import request_import
    from hotspot import queues
    from radius.models import RadiusServer
    from routers.choices import RouterStatus
    from routers.models import Router
    from routers.simulator.testing import SimulatorThread
    from subscribers.models import Plan, Run, Subscriber
    from subscribers.services import migrate, runs, switch
    from tests.subscribers.helpers import fill_ppp

    out = {}
    sims = SimulatorThread()
    sim = sims.start_router()
    fill_ppp(sim, count)
    sim.add("/radius", address="127.0.0.1", secret="bench", service="ppp")  # the switch checks
    org = Organization.objects.create(name="bench-subscribers")
    server = RadiusServer.objects.create(organization=org, name="bench", host="127.0.0.1",
                                         nas_secret="bench", agent_url=agent_url,
                                         agent_token=TOKEN)
    router = Router.objects.create(organization=org, name="isp", host=sim.host,
                                   api_port=sim.port, api_username="admin", config_token="",
                                   status=RouterStatus.ONLINE, radius_server=server)
    started = time.perf_counter()
    imported = request_import(router, ImportKind.PPP_SECRETS, immediate=True)
    out["import"] = time.perf_counter() - started
    assert imported.status == "completed", imported.errors

    gold = migrate.plan_from_profile(org, router, "gold")
    silver = migrate.plan_from_profile(org, router, "silver")
    from subscribers.services.lifecycle import save_plan

    basic = save_plan(org, {"name": "basic", "rate_limit": "1M/2M", "address_pool": "p"})
    run = migrate.start(org, router, {"gold": gold.pk, "silver": silver.pk,
                                      "default": basic.pk})
    out["migrate_wall"] = drain(queues.IMPORTS)
    out["migrate_run"] = run_secs(run)
    out["migrated"] = Subscriber.objects.filter(organization=org).count()
    out["sync"] = drain(queues.RADIUS_SYNC)
    out["synced"] = Subscriber.objects.filter(organization=org, radius_status="synced").count()

    ids = list(Subscriber.objects.filter(organization=org).values_list("pk", flat=True))
    fast = Plan.objects.create(organization=org, name="fast", rate_limit="10M/50M",
                               address_pool="pool-gold")
    for label, kind, extra in (("suspend", Run.Kind.SUSPEND, {}),
                               ("change_plan", Run.Kind.CHANGE_PLAN, {"plan": fast}),
                               ("resume", Run.Kind.RESUME, {}),
                               ("export", Run.Kind.EXPORT, {})):
        bulk = runs.start_bulk(org, kind, ids, **extra)
        out[f"{label}_wall"] = drain(queues.IMPORTS)
        out[f"{label}_run"] = run_secs(bulk)
        if kind != Run.Kind.EXPORT:
            out[f"{label}_sync"] = drain(queues.RADIUS_SYNC)
    out["switch_candidates"] = len(switch.candidates(router))
    row = switch.start(router, "to_radius")
    out["switch_wall"] = drain(queues.PROVISIONING)
    out["switch_run"] = run_secs(row)
    out["switch_disabled"] = len(row.secrets)
    back = switch.start(router, "back")
    out["back_wall"] = drain(queues.PROVISIONING)
    run_secs(back)
    sims.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://... (and REDIS_URL)")
    url, name = scratch_database(base_url)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="hotspot.settings",
                      LOG_LEVEL="WARNING")
    agent = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        port = free_port()
        agent = start_agent(port)
        out = scenario(args.count, f"http://127.0.0.1:{port}/radius/agent/")
        connection.close()
        report(args.count, out)
    finally:
        if agent is not None:
            agent.terminate()
            agent.wait(10)
        drop_database(base_url, name)


def report(count: int, out: dict) -> None:
    load = os.getloadavg()
    print(f"{count} PPP secrets with awkward names; {os.cpu_count()} CPUs ({cpu_model()}), "
          f"load average {load[0]:.1f}")
    rows = [
        ("import /ppp/profile, /ppp/secret, /queue/simple", f"{out['import']:.2f} s"),
        ("migration run (submit to completed)", f"{out['migrate_run']:.2f} s "
         f"({out['migrated']} subscribers)"),
        ("RADIUS sync through the agent (read back)", f"{out['sync']:.2f} s "
         f"({out['synced']} synced)"),
    ]
    for label in ("suspend", "change_plan", "resume"):
        rows.append((f"bulk {label} of all (run)", f"{out[label + '_run']:.2f} s, "
                     f"then RADIUS sync {out[label + '_sync']:.2f} s"))
    rows.append(("bulk export CSV of all (run)", f"{out['export_run']:.2f} s"))
    rows.append(("switch PPP to RADIUS", f"{out['switch_run']:.2f} s "
                 f"({out['switch_disabled']} secrets disabled)"))
    rows.append(("switch back", f"{out['back_wall']:.2f} s"))
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


if __name__ == "__main__":
    main()
