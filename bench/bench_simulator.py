"""Benchmark: N simulated routers in one process, each asked for a login and a
/system/resource/print through routers/routeros/client.py from a thread pool; then one
router with a per-command latency, read sequentially and with tagged, pipelined commands.

    .venv/bin/python bench/bench_simulator.py [--count 1000] [--threads 32] [--port 20000]
        [--latency 0.2] [--reads 10]
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
from routers.simulator.rawclient import RawClient  # noqa: E402
from routers.simulator.testing import SimulatorThread  # noqa: E402

READS = ("/interface/print", "/ip/address/print", "/ip/pool/print", "/ip/dhcp-server/print",
         "/ip/hotspot/print", "/ip/hotspot/profile/print", "/ip/firewall/filter/print",
         "/ip/firewall/nat/print", "/radius/print", "/ppp/profile/print")


def pipelining(latency: float, reads: int) -> tuple[float, float]:
    """Seconds for ``reads`` reads one after another, and all sent at once (tagged)."""
    sim = SimulatorThread()
    try:
        router = sim.start_router(profile="defconf")
        router.faults.latency(latency)
        raw = RawClient.connect(router.host, router.port)
        raw.login()
        commands = [(READS[i % len(READS)],) for i in range(reads)]
        began = time.monotonic()
        for words in commands:
            raw.ask(*words)
        sequential = time.monotonic() - began
        began = time.monotonic()
        raw.pipeline(*commands)
        pipelined = time.monotonic() - began
        raw.close()
        return sequential, pipelined
    finally:
        sim.close()


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
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--reads", type=int, default=10)
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
    sequential, pipelined = pipelining(args.latency, args.reads)
    rows = [
        ("routers", f"{args.count}"),
        ("client threads", f"{args.threads}"),
        ("simulator start-up", f"{startup:.2f} s"),
        ("login + resource print, all routers", f"{wall:.2f} s "
                                                f"({args.count / wall:.0f} routers/s)"),
        ("simulator RSS idle / after", f"{idle_rss / 1024:.1f} MiB / {busy_rss / 1024:.1f} MiB"),
        ("RSS per router (after)", f"{busy_rss / args.count:.1f} KiB"),
        (f"{args.reads} reads at {args.latency * 1000:.0f} ms per command, one by one",
         f"{sequential:.2f} s"),
        (f"{args.reads} reads at {args.latency * 1000:.0f} ms, tagged and pipelined",
         f"{pipelined:.2f} s"),
        ("machine", f"{os.cpu_count()} CPUs, {cpu_model()}"),
        ("python", sys.version.split()[0]),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
