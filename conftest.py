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
    """Drain the given queues (default: all) in a real RQ SimpleWorker, burst mode."""
    from django_rq import get_connection, get_queue

    from hotspot import queues

    names = queue_names or queues.WORKER_QUEUES
    qs = [get_queue(n) for n in names]
    worker_class = SimpleWorker if threading.current_thread() is threading.main_thread() \
        else ThreadWorker
    worker = worker_class(qs, connection=get_connection(names[0]))
    worker.work(burst=True, with_scheduler=with_scheduler)
    return worker


@pytest.fixture
def rq_worker():
    return run_jobs


@pytest.fixture
def user_model():
    return get_user_model()


def drain_until(predicate, timeout=30.0, queue_names=()):
    """Run burst workers (with RQ's scheduler) until `predicate()` holds or time runs out.

    A burst worker does not wait for scheduled jobs, so scheduled retries and
    follow-up probes need repeated runs; the loop is bounded by `timeout`.
    """
    import time

    deadline = time.monotonic() + timeout
    while True:
        run_jobs(*queue_names, with_scheduler=True)
        if predicate():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
