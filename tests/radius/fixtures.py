"""Fixtures for voucher and RADIUS tests: the agent API served by live_server."""

import socket

import pytest
from django.db import connection

AGENT_TOKEN = "agent-token-for-tests-0123456789"
NAS_SECRET = "nas-secret-for-tests"


@pytest.fixture
def radius_tables(db):
    """FreeRADIUS's tables, emptied: flushes between tests do not touch unmanaged tables."""
    with connection.cursor() as cursor:
        for table in ("radcheck", "radreply", "radusergroup", "radacct", "radpostauth", "nas",
                      "radowner", "radbinding"):
            cursor.execute(f"DELETE FROM {table}")  # DELETE, not TRUNCATE: SQLite too
    return connection


@pytest.fixture
def agent_settings(settings):
    settings.RADIUS_SYNC_BACKOFF_SECONDS = 0.05
    return settings


@pytest.fixture
def radius_server(acme, live_server, agent_settings, radius_tables):
    """Alice's RADIUS server, whose agent is this test's live_server."""
    from radius.models import RadiusServer

    return RadiusServer.objects.create(
        organization=acme, name="main", host="127.0.0.1", nas_secret=NAS_SECRET,
        agent_url=f"{live_server.url}/radius/agent/", agent_token=AGENT_TOKEN,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dead_agent_server(acme, agent_settings, radius_tables):
    """A RADIUS server whose agent is down (nothing listens on its port)."""
    from radius.models import RadiusServer

    return RadiusServer.objects.create(
        organization=acme, name="down", host="127.0.0.1", nas_secret=NAS_SECRET,
        agent_url=f"http://127.0.0.1:{free_port()}/radius/agent/",
    )


@pytest.fixture
def profile(acme):
    from vouchers.models import VoucherProfile

    return VoucherProfile.objects.get(organization=acme, name="1 day 1 GB")


def radius_rows(table: str, usernames) -> list[tuple]:
    usernames = list(usernames)
    marks = ", ".join(["%s"] * len(usernames)) or "NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT username, attribute, op, value FROM {table} WHERE username IN ({marks})"
            " ORDER BY username, attribute",
            usernames,
        )
        return cursor.fetchall()


@pytest.fixture
def freeradius(tmp_path, db):
    """Debian's FreeRADIUS on the shipped configuration (manage.py freeradius_config),
    reading the test database; call .start() once the data it needs is committed."""
    import os

    from tests.radius.freeradius import FreeRadius, free_udp_port, write_config

    if connection.vendor != "postgresql":
        # FreeRADIUS reads the agent's tables over rlm_sql_postgresql; the SQLite test
        # database lives in memory. CI always runs on PostgreSQL: never skip there.
        message = "the FreeRADIUS end-to-end tests need PostgreSQL: set DATABASE_URL"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    auth_port, acct_port = free_udp_port(), free_udp_port()
    root = write_config(tmp_path / "raddb", connection.settings_dict, auth_port, acct_port)
    server = FreeRadius(root, auth_port, acct_port)
    yield server
    server.stop()


@pytest.fixture
def hotspot_site(acme, routersim, live_server, agent_settings, radius_tables, freeradius,
                 settings):
    """The whole chain, running: FreeRADIUS on the shipped configuration, the agent
    (live_server), and a simulated router deployed by the product with a hotspot (and
    PPPoE) using that RADIUS server, which is its NAS. Vouchers are the test's to make."""
    from types import SimpleNamespace

    from radius.models import RadiusServer
    from tests.provisioning.helpers import HOTSPOT, PPPOE, deploy, generate, online_router

    settings.RADIUS_INCOMING_PORT = free_udp_port()
    server = RadiusServer.objects.create(
        organization=acme, name="main", host="127.0.0.1", auth_port=freeradius.auth_port,
        acct_port=freeradius.acct_port, nas_secret=NAS_SECRET,
        agent_url=f"{live_server.url}/radius/agent/")
    sim = routersim(identity="cafe-1")
    router = online_router(acme, sim, name="cafe-1")
    generate(router, {**HOTSPOT, **PPPOE, "enable_radius": True, "radius_server": server.pk})
    deployment = deploy(router)
    assert deployment.status == "completed", deployment.error
    from conftest import run_jobs

    run_jobs()  # the router's NAS row (sync_nas)
    freeradius.start()
    assert sim.nas.listen_incoming() == settings.RADIUS_INCOMING_PORT
    return SimpleNamespace(server=server, router=router, sim=sim, freeradius=freeradius)


def free_udp_port() -> int:
    from tests.radius.freeradius import free_udp_port as free

    return free()
