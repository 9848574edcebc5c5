"""Benchmark: a day of accounting at scale, and the pages that read it.

One day with 1,000,000 accounting sessions (radacct rows, as FreeRADIUS writes them) for
100,000 vouchers on 10 routers, 10,000 of them still online. Measured:

- the feed: the agent (another process, Django's threaded WSGI server) hands the last
  100,000 changes out, the product's accounting job turns them into sessions, daily usage
  and voucher states (the first 900,000 are mirrored by SQL, to keep the run short);
- the online page (`/sessions/`, the organization's 10,000 online, first page) and a
  voucher's usage page (`/vouchers/v/<id>/`), server time in-process (the view, its
  queries, the template), each rendered 30 times after 3 warm-ups: median and worst;
- the roll-up of the day's 1,000,000 sessions (`rollup_day`).

Goals: each page under 100 ms, the roll-up under 10 s. Runs in a scratch database it
creates and drops.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/bench_accounting.py [--sessions 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_vouchers import (  # noqa: E402  (a sibling script, not a package)
    cpu_model,
    drop_database,
    free_port,
    scratch_database,
    start_agent,
)

VOUCHERS = 100_000
ONLINE = 10_000
ROUTERS = 10
FEED_ROWS = 100_000  # the last changes, read by the real feed (the rest mirrored by SQL)
RENDERS, WARMUPS = 30, 3


def memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            return f"{int(line.split()[1]) / 2**20:.1f} GiB RAM"
    return "unknown RAM"


def setup(agent_url: str):
    from accounts.models import Organization
    from accounts.services import create_operator
    from radius.models import RadiusServer
    from routers.models import Router
    from vouchers.models import VoucherProfile
    from vouchers.services.generate import generate_batch

    org = Organization.objects.create(name=f"Bench {os.getpid()}")
    user, _ = create_operator("bench", org, password="bench-pass-123")
    server = RadiusServer.objects.create(organization=org, name="bench", host="127.0.0.1",
                                         nas_secret="bench", agent_url=agent_url)
    routers = [Router.objects.create(organization=org, name=f"r{i}", host=f"10.0.0.{i + 1}",
                                     api_username="api", config_token="t" * 40,
                                     radius_server=server) for i in range(ROUTERS)]
    profile = VoucherProfile.objects.get(organization=org, name="1 week 5 GB")
    batch = generate_batch(org, profile, VOUCHERS, radius_server=server)
    return org, user, server, routers, batch


def fill_radacct(server, batch, sessions: int, day: dt.date) -> float:
    """`sessions` radacct rows of `day` (FreeRADIUS's columns; the trigger numbers them),
    the first ONLINE of them open, each voucher owned by the server's scope."""
    from django.db import connection

    codes = list(batch.vouchers.order_by("pk").values_list("code", flat=True))
    start = dt.datetime.combine(day, dt.time(0, 5), tzinfo=dt.UTC)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO radowner (username, scope) SELECT unnest(%s::text[]), %s",
                       [codes, server.agent_scope])
        cursor.execute("CREATE TEMP TABLE bench_codes AS SELECT n - 1 AS n, code"
                       " FROM unnest(%s::text[]) WITH ORDINALITY AS c (code, n)", [codes])
        cursor.execute("CREATE INDEX ON bench_codes (n)")
        cursor.execute(
            """INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress,
                   nasportid, acctstarttime, acctupdatetime, acctstoptime, acctsessiontime,
                   acctinputoctets, acctoutputoctets, calledstationid, callingstationid,
                   acctterminatecause, framedipaddress)
               SELECT lpad(to_hex(i), 8, '0'), md5(i::text), c.code,
                   ('10.0.0.' || (1 + i %% %(routers)s))::inet, 'ether2',
                   %(start)s + (i %% 85000) * interval '1 second',
                   %(start)s + (i %% 85000 + 600) * interval '1 second',
                   CASE WHEN i < %(online)s THEN NULL
                        ELSE %(start)s + (i %% 85000 + 900) * interval '1 second' END,
                   600 + i %% 300, 1000000 + i %% 5000000, 5000000 + i %% 20000000,
                   'hotspot1', upper(concat_ws(':', 'aa', 'bb', lpad(to_hex(i / 65536 %% 256), 2,
                       '0'), lpad(to_hex(i / 256 %% 256), 2, '0'), lpad(to_hex(i %% 256), 2, '0'),
                       '01')),
                   CASE WHEN i < %(online)s THEN NULL ELSE 'User-Request' END,
                   ('10.5.' || (i / 250 %% 250) || '.' || (2 + i %% 250))::inet
               FROM generate_series(0, %(last)s) AS i JOIN bench_codes c ON c.n = i %% %(n)s""",
            {"n": len(codes), "routers": ROUTERS, "start": start, "online": ONLINE,
             "last": sessions - 1})
        cursor.execute("ANALYZE radacct")
    return time.perf_counter() - started


def mirror_sessions(server, org, routers, keep: int) -> tuple[float, int]:
    """What the feed would have made of all but the last `keep` changes, made by SQL (the
    feed's own throughput is measured on those `keep`); returns (seconds, cursor)."""
    from django.db import connection

    from accounting.models import AccountingCursor

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(changeseq) - %s FROM radacct", [keep])
        last = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO accounting_session (organization_id, server_id, router_id,
                   voucher_id, unique_id, session_id, username, nas_address, mac, ip,
                   started_at, updated_at, stopped_at, seconds, bytes_in, bytes_out,
                   terminate_cause, change)
               SELECT %s, %s, r.id, v.id, a.acctuniqueid, a.acctsessionid, a.username,
                   host(a.nasipaddress), a.callingstationid, host(a.framedipaddress),
                   a.acctstarttime, a.acctupdatetime, a.acctstoptime, a.acctsessiontime,
                   a.acctinputoctets, a.acctoutputoctets, COALESCE(a.acctterminatecause, ''),
                   a.changeseq
               FROM radacct a JOIN vouchers_voucher v ON v.code = a.username
               LEFT JOIN routers_router r ON r.host = host(a.nasipaddress)
                   AND r.radius_server_id = %s
               WHERE a.changeseq <= %s""", [org.pk, server.pk, server.pk, last])
        cursor.execute("UPDATE vouchers_voucher SET state = 'active' WHERE id IN"
                       " (SELECT voucher_id FROM accounting_session)")
    AccountingCursor.objects.create(server=server, last_change=last)
    return time.perf_counter() - started, last


def render_times(client, url: str) -> tuple[list[float], list[float]]:
    """Wall-clock server time of each render, and this process's CPU time of each (the
    machine may be shared: the CPU time tells what the page costs, the wall time what a
    user waits here)."""
    times, cpu = [], []
    for i in range(WARMUPS + RENDERS):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        if i >= WARMUPS:
            times.append(elapsed)
            cpu.append(elapsed_cpu)
    return times, cpu


def measure(sessions: int, agent_url: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounting.models import DailyUsage, Session
    from accounting.services import feed, rollup

    org, user, server, routers, batch = setup(agent_url)
    day = timezone.localdate() - dt.timedelta(days=1)
    result = {"fill": fill_radacct(server, batch, sessions, day)}
    result["mirror"], _ = mirror_sessions(server, org, routers, FEED_ROWS)

    started = time.perf_counter()
    read = feed.pull(server)
    result["feed"] = time.perf_counter() - started
    if read != FEED_ROWS:
        sys.exit(f"the feed read {read} of {FEED_ROWS} rows")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounting_session")
        cursor.execute("ANALYZE accounting_dailyusage")
    result["online"] = Session.objects.filter(organization=org, stopped_at=None).count()
    result["sessions"] = Session.objects.filter(organization=org).count()

    started = time.perf_counter()
    result["rollup_rows"] = rollup.rollup_day(day)
    result["rollup"] = time.perf_counter() - started
    result["daily_rows"] = DailyUsage.objects.filter(organization=org, day=day).count()

    client = Client()
    client.force_login(user)
    voucher = batch.vouchers.order_by("pk").first()
    result["voucher_sessions"] = voucher.sessions.count()
    result["pages"] = {
        "online page /sessions/": render_times(client, "/sessions/"),
        "online page of one router": render_times(client, f"/sessions/?router={routers[0].pk}"),
        f"voucher usage page ({result['voucher_sessions']} sessions)":
            render_times(client, f"/vouchers/v/{voucher.pk}/"),
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        result["pg"] = cursor.fetchone()[0]
    return result


def report(sessions: int, r: dict) -> None:
    ms = 1000
    lines = [
        ("machine", f"{os.cpu_count()} CPUs (nproc), {cpu_model()}, {memory()}"),
        ("PostgreSQL", r["pg"]),
        ("accounting rows (radacct)", f"{sessions:,} in one day, {r['online']:,} online, "
                                      f"{VOUCHERS:,} vouchers, {ROUTERS} routers"),
        ("fill radacct (SQL, trigger numbering)", f"{r['fill']:.1f} s"),
        ("mirror the first changes (SQL)", f"{r['mirror']:.1f} s"),
        ("feed: agent over HTTP -> sessions, usage",
         f"{FEED_ROWS:,} changes in {r['feed']:.1f} s, {FEED_ROWS / r['feed']:,.0f} rows/s "
         f"({r['sessions']:,} sessions kept)"),
        ("roll-up of the day (rollup_day)",
         f"{r['rollup']:.2f} s for {sessions:,} sessions -> {r['daily_rows']:,} rows "
         f"(goal: under 10 s)"),
    ]
    for name, (times, cpu) in r["pages"].items():
        lines.append((name, f"median {statistics.median(times) * ms:.1f} ms, worst "
                            f"{max(times) * ms:.1f} ms of {len(times)} (goal: under 100 ms); "
                            f"CPU {statistics.median(cpu) * ms:.1f} ms"))
    lines.append(("load average during the run", " ".join(
        f"{x:.2f}" for x in os.getloadavg())))
    width = max(len(k) for k, _ in lines)
    print("bench_accounting")
    for key, value in lines:
        print(f"  {key:<{width}}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=1_000_000)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://... (and REDIS_URL)")
    url, name = scratch_database(base_url)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="hotspot.settings",
                      LOG_LEVEL="WARNING", ALLOWED_HOSTS="testserver,127.0.0.1")
    agent = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        port = free_port()
        agent = start_agent(port)
        result = measure(args.sessions, f"http://127.0.0.1:{port}/radius/agent/")
        connection.close()
        report(args.sessions, result)
    finally:
        if agent is not None:
            agent.terminate()
            agent.wait(10)
        drop_database(base_url, name)


if __name__ == "__main__":
    main()
