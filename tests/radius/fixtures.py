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
