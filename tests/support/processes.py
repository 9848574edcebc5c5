"""The product's own processes (worker, scheduler, web) as subprocesses of a test, against
the test database and Redis: what `make run` starts, killed and restarted at will."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {
    "worker": [sys.executable, "manage.py", "worker"],
    "scheduler": [sys.executable, "manage.py", "scheduler"],
    # The web process, here serving the RADIUS agent (its port: `web_port`).
    "web": [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", "{port}",
            "hotspot.asgi:application"],
}
# Recovery in seconds, not minutes: the same code paths with shorter clocks.
FAST_RECOVERY = {
    "JOB_HEARTBEAT_SECONDS": "0.5",
    "JOB_STALE_SECONDS": "3",
    "JOB_REAPER_SECONDS": "0.5",
    "JOB_PENDING_GRACE_SECONDS": "1",
}


class Processes:
    """Start, kill (SIGKILL to the whole process group: worker and work horse) and stop."""

    def __init__(self, env: dict[str, str], logs: Path, web_port: int = 0) -> None:
        self.env = env
        self.logs = logs
        self.web_port = web_port
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, *names: str) -> None:
        for name in names:
            log = open(self.logs / f"{name}.log", "ab")
            self.running[name] = subprocess.Popen(
                [w.format(port=self.web_port) for w in COMMANDS[name]], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)  # its own group: a kill takes its children too

    def kill(self, name: str) -> None:
        """SIGKILL the process and every descendant (RQ's work horse runs in a session of
        its own, so a process-group kill would miss it)."""
        proc = self.running.pop(name)
        for pid in [*descendants(proc.pid), proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(10)

    def stop_all(self) -> None:
        for name in list(self.running):
            proc = self.running.pop(name)
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def wait_until(predicate, timeout: float, every: float = 0.2) -> float | None:
    """Seconds until `predicate()` held, or None after `timeout` (polling the database: the
    subprocesses give the test no event to wait on)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(every)
    return None
