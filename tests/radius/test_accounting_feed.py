"""The accounting feed: the agent hands out radacct changes in order and per scope; the
product keeps sessions and daily usage without counting anything twice."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from accounting.models import DailyUsage, Session
from accounting.services import feed, rollup
from radius.models import RadiusServer
from vouchers.services.generate import generate_batch

MiB = 2**20


@pytest.fixture
def server(radius_server, live_server):
    return radius_server


def own(server, *usernames):
    from radius.services import _claim

    with connection.cursor() as cursor:
        _claim(cursor, server.agent_scope, list(usernames))


def start(unique_id, username, when, mac="AA:BB:CC:00:00:01"):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress,"
            " acctstarttime, acctupdatetime, acctsessiontime, acctinputoctets,"
            " acctoutputoctets, callingstationid, framedipaddress)"
            " VALUES (%s, %s, %s, '127.0.0.1', %s, %s, 0, 0, 0, %s, '10.5.50.9')",
            [unique_id[:8], unique_id, username, when, when, mac])


def interim(unique_id, seconds, octets_in, octets_out, stop=None, cause=None):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE radacct SET acctsessiontime = %s, acctinputoctets = %s,"
            " acctoutputoctets = %s, acctstoptime = %s,"
            " acctterminatecause = COALESCE(%s, acctterminatecause)"
            " WHERE acctuniqueid = %s",
            [seconds, octets_in, octets_out, stop, cause, unique_id])


def test_the_agent_hands_out_changes_in_order_for_the_tokens_scope_only(client, server,
                                                                        other_org):
    other = RadiusServer.objects.create(organization=other_org, name="b", host="h",
                                        nas_secret="s", agent_url="http://127.0.0.1:9/")
    own(server, "A1")
    own(other, "B1")
    now = timezone.now()
    start("u-a1", "A1", now)
    start("u-b1", "B1", now)
    interim("u-a1", 60, 1, 2)

    def read(token, after=0):
        return client.get("/radius/agent/accounting/", {"after": after},
                          headers={"Authorization": f"Bearer {token}"}).json()

    mine = read(server.agent_token)
    assert [r["id"] for r in mine["rows"]] == ["u-a1"] and mine["more"] is False
    assert mine["rows"][0]["seconds"] == 60  # its latest state, once
    assert [r["id"] for r in read(other.agent_token)["rows"]] == ["u-b1"]
    assert read(server.agent_token, after=mine["last"])["rows"] == []
    interim("u-a1", 120, 3, 4)
    assert [r["seconds"] for r in read(server.agent_token, mine["last"])["rows"]] == [120]

    closed = client.post("/radius/agent/accounting/close/",
                         json.dumps({"sessions": ["u-a1", "u-b1"], "cause": "Stale-Session"}),
                         content_type="application/json",
                         headers={"Authorization": f"Bearer {other.agent_token}"}).json()
    assert closed["closed"] == 1  # B's own session only
    with connection.cursor() as cursor:
        cursor.execute("SELECT acctuniqueid, COALESCE(acctterminatecause, '') FROM radacct"
                       " ORDER BY 1")
        assert cursor.fetchall() == [("u-a1", ""), ("u-b1", "Stale-Session")]


def test_the_feed_keeps_sessions_and_adds_each_change_to_daily_usage_once(server, acme,
                                                                          profile):
    voucher = generate_batch(acme, profile, 1, radius_server=server).vouchers.get()
    own(server, voucher.code)
    now = timezone.now()
    start("u-1", voucher.code, now, mac="AA:BB:CC:00:00:01")
    assert feed.pull(server) == 1
    interim("u-1", 300, 5 * MiB, 7 * MiB)
    assert feed.pull(server) == 1
    assert feed.pull(server) == 0  # nothing new: nothing read, nothing added
    interim("u-1", 400, 6 * MiB, 9 * MiB, stop=now, cause="User-Request")
    start("u-2", voucher.code, now)
    interim("u-2", 100, MiB, MiB)
    assert feed.pull(server, page=1) == 2  # page by page

    first = Session.objects.get(unique_id="u-1")
    assert (first.seconds, first.bytes_in, first.bytes_out, first.online,
            first.terminate_cause, first.voucher_id) == (400, 6 * MiB, 9 * MiB, False,
                                                         "User-Request", voucher.pk)
    day = DailyUsage.objects.get(username=voucher.code)
    assert (day.sessions, day.seconds, day.bytes_in, day.bytes_out, day.voucher_id) == (
        2, 500, 7 * MiB, 10 * MiB, voucher.pk)
    voucher.refresh_from_db()
    assert voucher.state == "active" and voucher.first_used_at is not None


def test_the_roll_up_recomputes_a_day_exactly_from_its_sessions(server, acme):
    own(server, "U1", "U2")
    today = timezone.localdate()
    noon = timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    start("x1", "U1", noon)
    interim("x1", 100, 10, 20)
    start("x2", "U1", noon - dt.timedelta(days=1))  # yesterday: another day
    interim("x2", 50, 1, 1)
    start("x3", "U2", noon)
    feed.pull(server)
    DailyUsage.objects.filter(day=today).update(seconds=0)  # damage it

    assert rollup.rollup_day(today) == 2
    assert sorted(DailyUsage.objects.filter(day=today).values_list(
        "username", "sessions", "seconds", "bytes_in", "bytes_out")) == [
        ("U1", 1, 100, 10, 20), ("U2", 1, 0, 0, 0)]
    assert DailyUsage.objects.get(day=today - dt.timedelta(days=1)).seconds == 50


def test_an_unreachable_agent_leaves_the_cursor_where_it_was(dead_agent_server):
    assert feed.pull(dead_agent_server) == 0
    from accounting.models import AccountingCursor

    cursor = AccountingCursor.objects.get(server=dead_agent_server)
    assert cursor.last_change == 0 and "unreachable" in cursor.error
