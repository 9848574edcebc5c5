"""The `make run` default (SQLite, web + worker + scheduler) must not strand work: 60
routers added at once through the web while the web keeps writing all go online,
without anyone pressing "Probe again", and the web never answers 500.

The product runs as subprocesses on an SQLite file of this test's own (the rest of the
suite runs on PostgreSQL); the routers are simulated in this process.
"""

from __future__ import annotations

import http.cookiejar
import re
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.browser.conftest import free_port, server_env, wait_for_port
from tests.support.processes import FAST_RECOVERY, ROOT, wait_until

pytestmark = [pytest.mark.timeout(600)]
COUNT = 60
PASSWORD = "sqlite-operator-pass-42"


class Web:
    """An operator's browser session over plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.errors: list[str] = []

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, path: str, data: dict | None = None):
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        req = urllib.request.Request(self.base + path, data=body,
                                     headers={"Referer": self.base + path})
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                self.errors.append(f"{exc.code} {path}")
            return exc.code, exc.headers, exc.read()

    def login(self, username: str, password: str) -> None:
        self.request("/accounts/login/")
        status, headers, _ = self.request("/accounts/login/",
                                          {"username": username, "password": password})
        assert status == 302, status

    def add_router(self, name: str, host: str, port: int) -> int:
        status, headers, body = self.request("/routers/add/",
                                             {"name": name, "host": host, "api_port": port})
        assert status == 302, (status, body[-500:])
        return int(re.search(r"/routers/(\d+)/", headers["Location"]).group(1))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def sqlite_product(tmp_path, db):
    env = {**server_env(), **FAST_RECOVERY, "VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "PROBE_INTERVAL_SECONDS": "1", "ROUTER_CONNECT_TIMEOUT": "3"}
    run = lambda *args: subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT,  # noqa: E731
                                       env=env, check=True, capture_output=True)
    run("migrate", "--noinput")
    run("shell", "-c", "from accounts.models import Organization; "
        "from accounts.services import create_operator; "
        f"create_operator('sue', Organization.objects.create(name='Sue Net'), "
        f"password='{PASSWORD}')")
    port = free_port()
    procs = []
    logs = []
    for name, cmd in (("web", ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                                "hotspot.asgi:application"]),
                      ("worker", ["manage.py", "worker"]),
                      ("scheduler", ["manage.py", "scheduler"])):
        log = open(tmp_path / f"{name}.log", "wb")
        logs.append(log)
        procs.append(subprocess.Popen([sys.executable, *cmd], cwd=ROOT, env=env, stdout=log,
                                      stderr=subprocess.STDOUT))
    wait_for_port(port, procs[0])
    yield f"http://127.0.0.1:{port}", tmp_path
    for proc in procs:
        proc.terminate()
        proc.wait(15)
    for log in logs:
        log.close()


def statuses(path) -> dict[str, int]:
    with sqlite3.connect(path / "db.sqlite3", timeout=30) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM routers_router "
                                 "WHERE name LIKE 'site-%' GROUP BY status").fetchall())


def test_sixty_routers_added_at_once_all_go_online_while_the_web_writes(sqlite_product,
                                                                       routersim):
    base, var = sqlite_product
    sims = routersim(count=COUNT)
    web = Web(base)
    web.login("sue", PASSWORD)
    stop = threading.Event()
    writes = []

    def keep_writing():  # the web process writes all along: routers added and deleted
        while not stop.is_set():
            pk = web.add_router(f"noise-{len(writes)}", "192.0.2.1", 8728)
            web.request(f"/routers/{pk}/delete/", {})
            writes.append(pk)

    writer = threading.Thread(target=keep_writing, daemon=True)
    writer.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            pks = list(pool.map(lambda i: web.add_router(f"site-{i}", sims[i].host,
                                                         sims[i].port), range(COUNT)))
            scripts = list(pool.map(lambda pk: web.request(f"/routers/{pk}/initial.rsc")[2],
                                    pks))
            list(pool.map(lambda i: sims[i].import_script(scripts[i].decode()), range(COUNT)))
        took = wait_until(lambda: statuses(var).get("online") == COUNT, 180, every=1)
    finally:
        stop.set()
        writer.join(60)
    assert took is not None, (statuses(var), (var / "worker.log").read_text()[-3000:])
    assert web.errors == []
    assert len(writes) >= 5  # the writes really overlapped the probing
    with sqlite3.connect(var / "db.sqlite3") as conn:
        events = conn.execute("SELECT count(*) FROM routers_routerevent WHERE message LIKE "
                              "'%restarted by the operator%'").fetchone()[0]
    assert events == 0  # nobody pressed "Probe again"
