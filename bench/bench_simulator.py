"""Benchmark: N simulated routers in one process, each asked for a login and a
/system/resource/print through routers/routeros/client.py from a thread pool.

    .venv/bin/python bench/bench_simulator.py [--count 1000] [--threads 32] [--port 20000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from routers.routeros import RouterOSClient  # noqa: E402


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def ask(port: int) -> str:
    with RouterOSClient("127.0.0.1", port, "admin", "", timeout=30,
                        outbound_policy=False) as ros:  # its own simulator
        return ros.print("/system/resource", proplist=["version"])[0]["version"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--port", type=int, default=20000)  # below the ephemeral range
    args = parser.parse_args()

    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "routers.simulator", "--count", str(args.count),
         "--port", str(args.port), "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if "ready" not in line:
            raise SystemExit(f"simulator did not start: {line!r}")
        startup = time.monotonic() - started
        idle_rss = rss_kib(proc.pid)
        began = time.monotonic()
        with ThreadPoolExecutor(args.threads) as pool:
            versions = list(pool.map(ask, range(args.port, args.port + args.count)))
        wall = time.monotonic() - began
        busy_rss = rss_kib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    assert len(versions) == args.count and all(v.startswith("7.") for v in versions)
    rows = [
        ("routers", f"{args.count}"),
        ("client threads", f"{args.threads}"),
        ("simulator start-up", f"{startup:.2f} s"),
        ("login + resource print, all routers", f"{wall:.2f} s "
                                                f"({args.count / wall:.0f} routers/s)"),
        ("simulator RSS idle / after", f"{idle_rss / 1024:.1f} MiB / {busy_rss / 1024:.1f} MiB"),
        ("RSS per router (after)", f"{busy_rss / args.count:.1f} KiB"),
        ("machine", f"{os.cpu_count()} CPUs, {cpu_model()}"),
        ("python", sys.version.split()[0]),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
