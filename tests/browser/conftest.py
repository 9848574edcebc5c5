"""Browser end-to-end harness: daphne and a real RQ worker as subprocesses, Debian's Chromium.

The test database is the one pytest-django made; tests use transaction=True so
their rows are committed and visible to the two subprocesses. Simulated routers
run in this process (the `routersim` fixture) and are reached over TCP.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
PASSWORD = "alice-pass-123"
TIMEOUT_MS = 30_000


def pytest_collection_modifyitems(items):
    """Skip (not fail) where the browser stack is missing; CI installs both."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        reason = "playwright is not installed (requirements-dev.txt)"
    else:
        reason = "" if os.path.exists(CHROMIUM) else f"no Chromium at {CHROMIUM}"
    if os.environ.get("CI"):
        return  # CI installs the browser stack: anything missing there must fail, not skip
    for item in items:
        if reason and "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)  # polling a port while a process starts: no event to wait on
    raise TimeoutError(f"nothing listens on {port} after {timeout} s")


def database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return (f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/"
            f"{quote(s['NAME'], safe='')}")


def server_env() -> dict[str, str]:
    from django.conf import settings

    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "SERVE_STATIC": "1",
        "DEBUG": "0",
        "PROBE_INTERVAL_SECONDS": "0.5",
        "ROUTER_CONNECT_TIMEOUT": "2",
        "LOG_LEVEL": "WARNING",
        "OUTBOUND_ALLOW_NETWORKS": "127.0.0.0/8",  # the simulated routers
        "PYTHONUNBUFFERED": "1",
    }


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.fixture
def live_app(transactional_db, tmp_path):
    """daphne (HTTP + websockets), `manage.py worker` and `manage.py scheduler` against the
    test database: the product as `make run` runs it."""
    if os.environ.get("DATABASE_URL", "").startswith("sqlite") or not os.environ.get(
            "DATABASE_URL"):
        message = "browser tests need PostgreSQL: set DATABASE_URL"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    env = server_env()
    port = free_port()
    logs = {name: open(tmp_path / f"{name}.log", "wb")
            for name in ("daphne", "worker", "scheduler")}
    daphne = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "hotspot.asgi:application"],
        cwd=ROOT, env=env, stdout=logs["daphne"], stderr=subprocess.STDOUT)
    worker = subprocess.Popen([sys.executable, "manage.py", "worker"], cwd=ROOT, env=env,
                              stdout=logs["worker"], stderr=subprocess.STDOUT)
    scheduler = subprocess.Popen([sys.executable, "manage.py", "scheduler"], cwd=ROOT, env=env,
                                 stdout=logs["scheduler"], stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, daphne)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(daphne)
        stop(worker)
        stop(scheduler)
        for name, f in logs.items():
            f.close()
            text = (tmp_path / f"{name}.log").read_text(errors="replace")
            if "Traceback" in text:  # shown with the test's report when it fails
                print(f"--- {name} log ---\n{text[-6000:]}")


@contextlib.contextmanager
def chromium_session(monkeypatch):
    """Debian's Chromium through Playwright, for one test. Playwright's sync API keeps an
    event loop running in this thread, so Django's async-safety check must be off while
    the test talks to the ORM."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            # The test's ORM calls ran beside Playwright's loop, in a context of their own
            # (the one inside this block), with a connection of their own: close it here,
            # before the block ends, or it stays open and the test database cannot be
            # dropped at the end of the run.
            connections.close_all()
            browser.close()


@pytest.fixture
def browser(live_app, monkeypatch):
    """Chromium for one test against the running product."""
    with chromium_session(monkeypatch) as browser:
        yield browser


@pytest.fixture
def page(live_app, browser, request):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(base_url=live_app, viewport={"width": 1200, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    shutil.rmtree(ARTIFACTS / request.node.name, ignore_errors=True)
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        shoot(page, request.node.name, "failure")
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


def shoot(page, test_name: str, step: str, full_page: bool = True) -> Path:
    """A screenshot as a test artifact: test-artifacts/browser/<test>/<step>.png."""
    folder = ARTIFACTS / test_name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{step}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def operator(acme):
    from accounts.services import create_operator

    user, _ = create_operator("alice", acme, password=PASSWORD)
    return user


@pytest.fixture
def logged_in(page, operator):
    """The page after logging in through the login form."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Routers")).to_be_visible()
    return page
