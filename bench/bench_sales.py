"""Benchmark: the sales report over 1,000,000 vouchers and their facts.

A year of sales in one organization (time zone America/Sao_Paulo): 1,000,000 vouchers in
100 batches on 5 routers, 4 profiles; each printed and sold (counter by 3 operators, 5
resellers, the API), 80% activated, 30% used up, 10% expired unused, 1% refunded: about
3.2 million facts, written by SQL. Measured:

- `sales.services.rollup.rebuild` (the daily roll-up and stock counted again from every
  fact, days in the organization's zone, aggregated in PostgreSQL);
- the monthly report page (`/sales/`, last full month by day: totals, 5 dimension tables,
  stock by age, 3 SVG charts) and its CSV, server time in-process, 30 renders after 3
  warm-ups: median and worst (goal: under 200 ms);
- for comparison, the same month aggregated straight from the facts (date_trunc in the
  zone), which the roll-up avoids;
- one API sale (`POST /api/v1/sales`) with 1,000,000 vouchers, all but the newest 1% sold.

Runs in a scratch database it creates and drops.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/bench_sales.py [--vouchers 1000000]
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

from bench_accounting import memory, render_times  # noqa: E402  (sibling scripts)
from bench_vouchers import cpu_model, drop_database, scratch_database  # noqa: E402

BATCHES, ROUTERS, RESELLERS = 100, 5, 5
ZONE = "America/Sao_Paulo"


def setup(vouchers: int):
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Organization
    from accounts.services import create_operator
    from radius.models import RadiusServer
    from routers.models import Router
    from sales.models import Reseller
    from vouchers.models import VoucherBatch, VoucherProfile

    org = Organization.objects.create(name=f"Bench {os.getpid()}", time_zone=ZONE)
    users = [create_operator(f"op{i}", org, password="bench-pass-123")[0] for i in range(3)]
    server = RadiusServer.objects.create(organization=org, name="bench", host="127.0.0.1",
                                         nas_secret="bench", agent_url="http://127.0.0.1:9/")
    routers = [Router.objects.create(organization=org, name=f"r{i}", host=f"10.0.0.{i + 1}",
                                     api_username="api", config_token="t" * 40,
                                     radius_server=server) for i in range(ROUTERS)]
    profiles = list(VoucherProfile.objects.filter(organization=org).order_by("pk")[:4])
    for i, p in enumerate(profiles):
        p.price = 50 * (i + 1)
        p.save()
    resellers = [Reseller.objects.create(organization=org, name=f"reseller {i}")
                 for i in range(RESELLERS)]
    batches = VoucherBatch.objects.bulk_create([
        VoucherBatch(organization=org, batch_id=f"bench-{i}", profile=profiles[i % 4],
                     router=routers[i % ROUTERS], radius_server=server,
                     count=vouchers // BATCHES) for i in range(BATCHES)])
    per = vouchers // BATCHES
    now = timezone.now()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Voucher n belongs to batch n / per and was printed and sold on day (n * 365 / N)
        # of the last year; the newest 1% stay unsold, the stock the API sells from.
        cursor.execute(
            "INSERT INTO vouchers_voucher (organization_id, batch_id, code, password, state,"
            " radius_sync_status, radius_sync_error, created_at)"
            " SELECT %s, (%s::bigint[])[n / %s + 1], 'B' || n, 'p' || n,"
            "  CASE WHEN n >= %s * 0.99 THEN 'unused' WHEN n %% 10 < 8 THEN 'active'"
            "  WHEN n %% 10 = 8 THEN 'expired' ELSE 'unused' END, 'synced', '', %s"
            " FROM generate_series(0, %s - 1) n",
            [org.pk, [b.pk for b in batches], per, per * BATCHES, now, per * BATCHES])
    fill_vouchers = time.perf_counter() - started
    return org, users, routers, profiles, resellers, batches, now, fill_vouchers


def fill_facts(org, users, resellers, now, vouchers: int) -> float:
    """The facts of every voucher, by SQL (the same rows facts.py writes)."""
    from django.db import connection

    started = time.perf_counter()
    year = 365 * 86400
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_v AS SELECT v.id, v.organization_id, b.profile_id,"
            " b.router_id, p.price, row_number() OVER (ORDER BY v.id) - 1 AS n,"
            " %s::timestamptz - make_interval(secs => %s * (1 - (row_number() OVER"
            " (ORDER BY v.id) - 1)::float / %s)) AS t0"
            " FROM vouchers_voucher v JOIN vouchers_voucherbatch b ON b.id = v.batch_id"
            " JOIN vouchers_voucherprofile p ON p.id = b.profile_id"
            " WHERE v.organization_id = %s", [now, year, vouchers, org.pk])
        insert = ("INSERT INTO sales_voucherfact (organization_id, voucher_id, kind, at,"
                  " profile_id, router_id, channel, price, operator_id, reseller_id,"
                  " created_at) ")
        ops, res = [u.pk for u in users], [r.pk for r in resellers]
        cursor.execute(insert + "SELECT organization_id, id, 'printed', t0, profile_id,"
                       " router_id, '', NULL, (%s::int[])[n %% 3 + 1], NULL, t0 FROM bench_v"
                       " WHERE n < %s * 0.99", [ops, vouchers])
        # Sold: 60% counter, 30% resellers (at 80% of the price), 10% API.
        cursor.execute(
            insert + "SELECT organization_id, id, 'sold', t0 + interval '1 hour', profile_id,"
            " router_id, CASE WHEN n %% 10 < 6 THEN 'counter' WHEN n %% 10 < 9 THEN"
            " 'reseller' ELSE 'api' END, CASE WHEN n %% 10 BETWEEN 6 AND 8 THEN price * 0.8"
            " ELSE price END, CASE WHEN n %% 10 < 9 THEN (%s::int[])[n %% 3 + 1] END,"
            " CASE WHEN n %% 10 BETWEEN 6 AND 8 THEN (%s::bigint[])[n %% 5 + 1] END, t0"
            " FROM bench_v WHERE n < %s * 0.99", [ops, res, vouchers])
        for kind, where, delay in (
                ("activated", "n %% 10 < 8", "5 hours"),
                ("used_up", "n %% 10 < 3", "2 days"),
                ("expired_unused", "n %% 10 = 8", "30 days"),
                ("refunded", "n %% 100 = 99", "3 hours")):
            price = "NULL" if kind != "refunded" else "price"
            cursor.execute(
                insert + f"SELECT organization_id, id, '{kind}', t0 + interval '{delay}',"
                f" profile_id, router_id, '', {price}, NULL, NULL, t0 FROM bench_v"
                f" WHERE n < %s * 0.99 AND {where} AND t0 + interval '{delay}' < %s",
                [vouchers, now])
        cursor.execute("UPDATE sales_voucherfact f SET channel = s.channel, price = s.price,"
                       " operator_id = s.operator_id, reseller_id = s.reseller_id"
                       " FROM sales_voucherfact s WHERE f.kind = 'refunded'"
                       " AND s.voucher_id = f.voucher_id AND s.kind = 'sold'")
        cursor.execute("ANALYZE sales_voucherfact")
        cursor.execute("ANALYZE vouchers_voucher")
    return time.perf_counter() - started


def direct_month(org, start: dt.date, end: dt.date) -> float:
    """The month's figures aggregated straight from the facts (what the roll-up avoids)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('day', at AT TIME ZONE %s) d, kind, channel, profile_id,"
            " count(*), sum(price) FROM sales_voucherfact WHERE organization_id = %s"
            " AND at >= (%s::date::timestamp AT TIME ZONE %s)"
            " AND at < ((%s::date + 1)::timestamp AT TIME ZONE %s)"
            " GROUP BY 1, 2, 3, 4", [ZONE, org.pk, start, ZONE, end, ZONE])
        cursor.fetchall()
    return time.perf_counter() - started


def measure(vouchers: int) -> dict:
    from django.db import connection
    from django.test import Client

    from sales.models import DailySales, SoldStock, VoucherFact
    from sales.services import keys, reports, rollup

    org, users, routers, profiles, resellers, batches, now, fill_v = setup(vouchers)
    result = {"fill_vouchers": fill_v, "fill_facts": fill_facts(org, users, resellers, now,
                                                               vouchers)}
    result["facts"] = VoucherFact.objects.filter(organization=org).count()
    started = time.perf_counter()
    rollup.rebuild(org.pk)
    result["rebuild"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sales_dailysales")
        cursor.execute("ANALYZE sales_soldstock")
    result["daily_rows"] = DailySales.objects.filter(organization=org).count()
    result["stock"] = SoldStock.objects.filter(organization=org).count()

    today = reports.today(org)
    end = today.replace(day=1) - dt.timedelta(days=1)
    start = end.replace(day=1)
    client = Client()
    client.force_login(users[0])
    month = f"start={start}&end={end}&grain=day"
    result["pages"] = {
        f"monthly report /sales/ ({start:%Y-%m}, by day)": render_times(client,
                                                                       f"/sales/?{month}"),
        "its CSV (by profile)": render_times(client, f"/sales/profile.csv?{month}"),
        "year report by month": render_times(
            client, f"/sales/?start={today - dt.timedelta(days=365)}&end={today}&grain=month"),
    }
    result["direct"] = statistics.median(direct_month(org, start, end) for _ in range(5))
    page = client.get(f"/sales/?{month}").content.decode()
    result["month_sold"] = page.split('data-total="sold">')[1].split("<")[0]

    _, key = keys.create(org, "bench")
    times = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.post("/api/v1/sales", {"profile": batches[-1].profile_id},
                               content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {key}")
        times.append(time.perf_counter() - started)
        if response.status_code != 201:
            sys.exit(f"API sale answered {response.status_code}: {response.content[:200]}")
    result["api_sale"] = times
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        result["pg"] = cursor.fetchone()[0]
    return result


def report(vouchers: int, r: dict) -> None:
    ms = 1000
    lines = [
        ("machine", f"{os.cpu_count()} CPUs (nproc), {cpu_model()}, {memory()}"),
        ("PostgreSQL", r["pg"]),
        ("vouchers / facts", f"{vouchers:,} vouchers (SQL, {r['fill_vouchers']:.1f} s), "
                             f"{r['facts']:,} facts (SQL, {r['fill_facts']:.1f} s)"),
        ("rebuild roll-up + stock from facts",
         f"{r['rebuild']:.1f} s -> {r['daily_rows']:,} roll-up rows, {r['stock']:,} in stock"),
        ("the month straight from the facts (SQL)",
         f"{r['direct'] * ms:.0f} ms median of 5 (the roll-up avoids this)"),
    ]
    for name, (times, cpu) in r["pages"].items():
        lines.append((name, f"median {statistics.median(times) * ms:.1f} ms, worst "
                            f"{max(times) * ms:.1f} ms of {len(times)} (goal: under 200 ms); "
                            f"CPU {statistics.median(cpu) * ms:.1f} ms"))
    lines.append(("month's vouchers sold (page total)", r["month_sold"]))
    lines.append(("API sale POST /api/v1/sales", f"median {statistics.median(r['api_sale']) * ms:.1f}"
                  f" ms, worst {max(r['api_sale']) * ms:.1f} ms of {len(r['api_sale'])}"))
    lines.append(("load average during the run", " ".join(
        f"{x:.2f}" for x in os.getloadavg())))
    width = max(len(k) for k, _ in lines)
    print("bench_sales")
    for key, value in lines:
        print(f"  {key:<{width}}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vouchers", type=int, default=1_000_000)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://... (and REDIS_URL)")
    url, name = scratch_database(base_url)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="hotspot.settings",
                      LOG_LEVEL="WARNING", ALLOWED_HOSTS="testserver,127.0.0.1")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        result = measure(args.vouchers)
        connection.close()
        report(args.vouchers, result)
    finally:
        drop_database(base_url, name)


if __name__ == "__main__":
    main()
