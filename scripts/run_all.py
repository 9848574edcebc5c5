"""Start web (daphne), one worker and the scheduler; Ctrl-C stops all three.

The children run in sessions of their own: the terminal's Ctrl-C reaches only this
script, which stops them with SIGTERM (a quiet shutdown) instead of each child getting
SIGINT and printing a KeyboardInterrupt traceback from wherever it was.
"""

import os
import signal
import socket
import subprocess
import sys
import time

PY = sys.executable
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")

# A single-machine run allows loopback routers and agents (the README's demo: a simulated
# router on 127.0.0.1). Set OUTBOUND_ALLOW_NETWORKS (even empty) to decide otherwise.
os.environ.setdefault("OUTBOUND_ALLOW_NETWORKS", "127.0.0.0/8,::1/128")

PROCESSES = {
    "web": [PY, "-m", "daphne", "-b", HOST, "-p", PORT, "hotspot.asgi:application"],
    "worker": [PY, "manage.py", "worker"],
    "scheduler": [PY, "manage.py", "scheduler"],
}


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def main() -> int:
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    children = {name: subprocess.Popen(cmd, start_new_session=True)
                for name, cmd in PROCESSES.items()}
    announced = False
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with {child.returncode}; stopping the rest", flush=True)
                stopping = True
        if not announced and not stopping and listening(HOST, int(PORT)):
            # Said once the web server answers, so it is the last line of the start-up.
            print(f"\n  Hotspot is running at http://{HOST}:{PORT}/  "
                  "(Ctrl-C stops web, worker and scheduler)\n", flush=True)
            announced = True
        time.sleep(0.5)
    print("\n  Stopping web, worker and scheduler…", flush=True)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.time() + 15
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            child.kill()
    print("  Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
