"""python -m routers.simulator: profiles from the command line."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from routers.simulator.rawclient import RawClient

pytestmark = pytest.mark.timeout(60)
ROOT = Path(__file__).resolve().parents[2]


def test_it_serves_a_chr_from_the_command_line():
    proc = subprocess.Popen([sys.executable, "-m", "routers.simulator", "--port", "0",
                             "--profile", "chr", "--version", "7.21"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "(RouterOS 7.21, chr)" in line
        port = int(re.search(r":(\d+) ", line).group(1))
        raw = RawClient.connect("127.0.0.1", port)
        raw.login()
        assert raw.ask("/system/routerboard/print")[1] == ["!trap",
                                                           "=message=no such command prefix"]
        raw.close()
    finally:
        proc.terminate()
        proc.wait(10)
