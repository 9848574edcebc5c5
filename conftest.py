"""Shared test fixtures: a small named cast, real Redis queues, a real RQ worker.

Alice operates "Acme WiFi"; Bob operates "Other ISP" and must never see Alice's
things. Jobs run in rq's SimpleWorker in burst mode against the real Redis
(a forked work horse could not see the test transaction).
"""

import importlib.util
import threading

import pytest
from django.contrib.auth import get_user_model
from rq import SimpleWorker
from rq.timeouts import TimerDeathPenalty

# The simulator fixtures (routersim) for every test.
pytest_plugins = (
    ["routers.simulator.testing"] if importlib.util.find_spec("routers.simulator.testing") else []
)


@pytest.fixture(autouse=True)
def _clean_queues():
    from django_rq import get_connection

    from hotspot import queues

    conn = get_connection(queues.DEFAULT)
    conn.flushdb()
    yield


# Simulated routers, test agents and FreeRADIUS listen on loopback, which the outbound
# policy refuses by default (hotspot/outbound.py); tests of the policy itself clear this.
LOOPBACK = ["127.0.0.0/8", "::1/128"]


@pytest.fixture(autouse=True)
def _outbound_loopback_allowed(settings):
    settings.OUTBOUND_ALLOW_NETWORKS = LOOPBACK


@pytest.fixture
def acme(db):
    from accounts.models import Organization

    return Organization.objects.create(name="Acme WiFi")


@pytest.fixture
def other_org(db):
    from accounts.models import Organization

    return Organization.objects.create(name="Other ISP")


@pytest.fixture
def alice(acme):
    from accounts.services import create_operator

    user, _ = create_operator("alice", acme, password="alice-pass-123")
    return user


@pytest.fixture
def bob(other_org):
    from accounts.services import create_operator

    user, _ = create_operator("bob", other_org, password="bob-pass-123")
    return user


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def make_router(acme):
    from routers.models import Router

    def make(name="r1", organization=None, **kw):
        kw.setdefault("host", "127.0.0.1")
        kw.setdefault("api_username", f"api-{name}")
        kw.setdefault("config_token", "t" * 40)
        return Router.objects.create(name=name, organization=organization or acme, **kw)

    return make


class ThreadWorker(SimpleWorker):
    """A SimpleWorker usable off the main thread (async tests run sync code in threads):
    no signal handlers, and job timeouts by timer instead of SIGALRM."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):
        pass


def run_jobs(*queue_names, with_scheduler=False, max_loops=1):
    """Drain the given queues (default: all) in a real RQ SimpleWorker, burst mode.
    (`with_scheduler` is accepted for old callers; delayed work is sent by the product's
    scheduler, see `drain_until`.)"""
    from django_rq import get_connection, get_queue

    from hotspot import queues

    names = queue_names or queues.WORKER_QUEUES
    qs = [get_queue(n) for n in names]
    worker_class = SimpleWorker if threading.current_thread() is threading.main_thread() \
        else ThreadWorker
    worker = worker_class(qs, connection=get_connection(names[0]))
    worker.work(burst=True)
    return worker


@pytest.fixture
def rq_worker():
    return run_jobs


@pytest.fixture
def user_model():
    return get_user_model()


def run_periodic(func):
    """Submit a periodic job the way the scheduler does, run it in a real worker, and
    return what it returned (its row's result)."""
    from background import scheduler
    from hotspot import periodic

    entry = next(e for e in periodic.PERIODIC if e.path == func.job_spec.path)
    row = scheduler.submit_periodic(entry)
    run_jobs(func.job_spec.queue)
    row.refresh_from_db()
    assert row.status == "completed", row.error
    return row.result


def drain_until(predicate, timeout=30.0, queue_names=(),
                periodic=("routers.jobs.probe_due_routers",)):
    """Run the product's scheduler (only the `periodic` jobs named, plus the reaper that
    sends delayed work when due) and burst workers until `predicate()` holds or time runs
    out. A burst worker does not wait for delayed jobs, so retries and follow-up probes
    need repeated rounds; the loop is bounded by `timeout`.
    """
    import time

    from background import scheduler

    state = scheduler.State()
    deadline = time.monotonic() + timeout
    while True:
        scheduler.tick(state, only=periodic)
        run_jobs(*queue_names)
        if predicate():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
