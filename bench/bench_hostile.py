"""Benchmark: hostile input. How long validation takes on the inputs that used to hurt,
and the figures of the fuzz test (largest body read, slowest requests).

1. The services form (provisioning.forms.validate_choices) with a repeated interface list:
   3,000 entries of one interface (a 30 KB body) took 17 s of CPU when each entry was
   checked against every other; now each interface is checked once.
2. The fuzz test (tests/hardening/test_fuzz.py) run by pytest, its report printed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bench_hostile.py [--no-fuzz]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
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


def facts(pools: int) -> dict:
    return {"interfaces": [{"name": f"ether{n}"} for n in range(1, 11)],
            "addresses": [],
            "pools": [{"name": f"p{i}", "ranges": f"10.{i // 256}.{i % 256}.2-10.{i // 256}."
                                                  f"{i % 256}.254"} for i in range(pools)]}


def timed(data, router_facts) -> tuple[float, int]:
    from provisioning.forms import validate_choices

    started = time.perf_counter()
    _, errors = validate_choices(data, router_facts, None)
    return time.perf_counter() - started, sum(len(m) for m in errors.values())


def validation_rows() -> list[tuple[str, int, float, int]]:
    from django.http import QueryDict

    hotspot = {"enable_hotspot": True, "portal_title": "Cafe",
               "hotspot_networks": {"ether2": {"gateway": "172.16.0.1/24",
                                               "pool": "172.16.0.10-172.16.0.250"}}}
    rows = []
    for entries in (3_000, 30_000):
        body = {**hotspot, "hotspot_interfaces": ["ether2"] * entries}
        seconds, messages = timed(body, facts(0))
        rows.append((f"{entries:,} x one interface (JSON)", len(json.dumps(body)), seconds,
                     messages))
    form = QueryDict(mutable=True)
    form.setlist("hotspot_interfaces", ["ether2"] * 3_000)
    form.update({"enable_hotspot": "on", "hotspot_gateway_ether2": "172.16.0.1/24",
                 "hotspot_pool_ether2": "172.16.0.10-172.16.0.250"})
    seconds, messages = timed(form, facts(0))
    rows.append(("3,000 x one interface (form)", len(form.urlencode()), seconds, messages))
    body = {**hotspot, "hotspot_interfaces": [f"ether{n}" for n in range(2, 11)],
            "hotspot_networks": {f"ether{n}": {"gateway": f"172.17.{n}.1/24",
                                               "pool": f"172.17.{n}.10-172.17.{n}.250"}
                                 for n in range(2, 11)}}
    seconds, messages = timed(body, facts(20_000))
    rows.append(("9 interfaces, router with 20,000 pools", len(json.dumps(body)), seconds,
                 messages))
    return rows


def fuzz_report() -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = {**os.environ, "FUZZ_REPORT": out.name}
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                 "tests/hardening/test_fuzz.py"], cwd=ROOT, env=env)
        if result.returncode != 0:
            return None
        return json.loads(Path(out.name).read_text())


def main() -> int:
    import django

    django.setup()
    print(f"\nHostile input benchmark ({machine()})")
    print(f"{'services form input':<40} | {'body':>9} | {'validation':>10} | messages")
    for what, size, seconds, messages in validation_rows():
        print(f"{what:<40} | {size:>7,} B | {seconds * 1000:>7.1f} ms | {messages}")
    if "--no-fuzz" in sys.argv:
        return 0
    report = fuzz_report()
    if report is None:
        print("fuzz test failed")
        return 1
    largest = report["largest_body"]
    print(f"\nfuzz: {report['requests']:,} requests over {report['patterns']} URL patterns, "
          f"{report['refused']:,} refused")
    print(f"largest body read: {largest['bytes']:,} bytes ({largest['request']}), answered "
          f"{largest['status']} in {largest['seconds'] * 1000:.0f} ms")
    for slow in report["slowest"]:
        print(f"slowest: {slow['seconds'] * 1000:>6.0f} ms  {slow['request']} "
              f"({slow['bytes']:,} bytes, {slow['status']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
