"""`make bench`: run every benchmark in turn; each prints its own table and the machine."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["bench_simulator.py", "bench_deploy.py", "bench_recovery.py", "bench_fleet.py",
           "bench_vouchers.py", "bench_accounting.py", "bench_hostile.py",
           "bench_subscribers.py", "bench_sales.py"]


def main() -> int:
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(HERE.parent))
    # The simulated routers and agents of the benchmarks listen on loopback.
    env.setdefault("OUTBOUND_ALLOW_NETWORKS", "127.0.0.0/8,::1/128")
    failed = []
    only = sys.argv[1:]
    for name in BENCHES:
        if only and not any(o in name for o in only):
            continue
        print(f"\n=== {name} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], env=env).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
