"""`make run`'s process runner: a quiet start whose last line is the address, and a clean
Ctrl-C (no KeyboardInterrupt traceback from any child)."""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.browser.conftest import ROOT, free_port, server_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def test_it_starts_quietly_and_stops_cleanly_on_ctrl_c(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":  # the children need a database they can share
        message = "needs PostgreSQL: set DATABASE_URL"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    env = {**server_env(), "PORT": str(free_port()), "PROBE_TICK_SECONDS": "1"}
    env.pop("LOG_LEVEL")  # the default
    out = open(tmp_path / "out.log", "wb")
    # Its own process group, as a terminal's foreground job: Ctrl-C is SIGINT to the group.
    proc = subprocess.Popen([sys.executable, "scripts/run_all.py"], cwd=ROOT, env=env,
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while "Hotspot is running at" not in (tmp_path / "out.log").read_text():
            assert proc.poll() is None, (tmp_path / "out.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "out.log").read_text()
            time.sleep(0.2)  # another process starting: nothing to wait on
        time.sleep(8)  # periodic jobs run every second or so meanwhile
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        out.close()
    text = (tmp_path / "out.log").read_text()
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert "Stopped." in text
    # Periodic work (probes, health checks, pulls) says nothing at the default level.
    lines = [line for line in text.splitlines() if line.strip()]
    assert not [line for line in lines if "Job OK" in line or "background.runner" in line], text
    assert len(lines) < 30, text
