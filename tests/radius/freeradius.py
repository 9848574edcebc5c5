"""A real FreeRADIUS (Debian's package) for tests, on exactly the configuration the product
ships: `manage.py freeradius_config` writes the directory, `freeradius -X` runs it in the
foreground on free loopback ports, reading the agent's tables in the test database.
"""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from django.core.management import call_command


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(db: dict) -> str:
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def write_config(root: Path, db: dict, auth_port: int, acct_port: int,
                 interim: int = 300) -> Path:
    """The shipped configuration for the database `db` (Django settings_dict), on loopback,
    with its state, log and run directories beside it (the only options tests change)."""
    state = root.parent / "state"
    for sub in ("log", "run"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    call_command(
        "freeradius_config", str(root), "--database-url", database_url(db),
        "--listen", "127.0.0.1", "--auth-port", str(auth_port), "--acct-port", str(acct_port),
        "--interim", str(interim), "--var-dir", str(state), "--log-dir", str(state / "log"),
        "--run-dir", str(state / "run"), "--group", "", stdout=io.StringIO(),
    )
    return root


class FreeRadius:
    """`freeradius -X` in the foreground; its output is kept for failure messages."""

    def __init__(self, root: Path, auth_port: int, acct_port: int):
        self.root, self.auth_port, self.acct_port = root, auth_port, acct_port
        self.log = root.parent / "freeradius.out"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 15) -> FreeRadius:
        binary = shutil.which("freeradius") or shutil.which("radiusd")
        if binary is None:
            raise RuntimeError("freeradius is not installed (apt-get install freeradius "
                               "freeradius-postgresql freeradius-utils)")
        out = self.log.open("ab")
        self.process = subprocess.Popen([binary, "-X", "-d", str(self.root)], stdout=out,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"freeradius exited:\n{self.output()[-4000:]}")
            if "Ready to process requests" in self.output():
                return self
            time.sleep(0.05)  # waiting on another process's start: no event to wait on
        self.stop()
        raise RuntimeError(f"freeradius did not start:\n{self.output()[-4000:]}")

    def restart(self) -> FreeRadius:
        """New NAS rows are read at start (read_clients), as on a real server."""
        self.stop()
        self.log.write_text("")
        return self.start()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
