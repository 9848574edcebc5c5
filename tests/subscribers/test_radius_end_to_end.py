"""PPPoE subscribers served by Debian's FreeRADIUS on the shipped configuration: synced by
a real worker through the agent API (live_server), asked by a real RADIUS client (pyrad)
the way a MikroTik PPPoE server asks (Service-Type Framed-User, Framed-Protocol PPP)."""

import datetime as dt

import pytest
from django.db import connection
from pyrad import packet
from pyrad.client import Client
from pyrad.dictionary import Dictionary

from conftest import run_jobs
from hotspot import queues
from radius.client import AgentClient, AgentError
from radius.coa import DICTIONARY
from subscribers import quota, validation
from subscribers.models import Plan, Subscriber
from subscribers.services import lifecycle, radius
from tests.radius.fixtures import NAS_SECRET
from tests.subscribers.helpers import plan

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]

AWKWARD = ["o'brien", "$money$", "José-ñandú", "客户-42", "semi;colon", "a'b$c%d&e(f)"]
# Synced all the same, but FreeRADIUS cannot serve them (docs/subscribers.md): whitespace is
# refused by the shipped filter_username, " and \ are escaped before the SQL lookup.
UNSERVABLE = ["shop 7", 'say"hi"', "back\\slash"]


def ppp_request(client, username, password, mac="AA:BB:CC:00:00:01"):
    request = client.CreateAuthPacket(code=packet.AccessRequest, User_Name=username)
    request["User-Password"] = request.PwCrypt(password)
    request["NAS-IP-Address"] = "127.0.0.1"
    request["Service-Type"] = "Framed-User"
    request["Framed-Protocol"] = "PPP"
    request["NAS-Port-Type"] = "Ethernet"
    request["Calling-Station-Id"] = mac
    return client.SendPacket(request)


def test_subscribers_get_their_plan_from_real_freeradius(acme, radius_server, make_router,
                                                        freeradius):
    make_router("gw", host="127.0.0.1", radius_server=radius_server)  # its NAS row
    pooled = plan(acme)
    static = plan(acme, name="static 5M", rate="1M/5M", addressing=Plan.Addressing.STATIC,
                  quota_bytes=5 * 2**30)
    anna = lifecycle.create_subscriber(acme, username="anna", password="pw-anna", plan=pooled,
                                       radius_server=radius_server)
    for name in UNSERVABLE:
        lifecycle.create_subscriber(acme, username=name, password="pw shop", plan=static,
                                    static_ip="10.9.0.7", radius_server=radius_server)
    bound = lifecycle.create_subscriber(acme, username="bound", password="pw-b", plan=pooled,
                                        caller_id="aa-bb-cc-00-00-09",
                                        radius_server=radius_server)
    odd = [lifecycle.create_subscriber(acme, username=name, password=f"p'{i}\"$",
                                       plan=pooled, radius_server=radius_server)
           for i, name in enumerate(AWKWARD)]
    gone = lifecycle.create_subscriber(acme, username="late-payer", password="pw-l",
                                       plan=pooled, radius_server=radius_server)
    lifecycle.suspend(gone, reason="unpaid")
    run_jobs()
    assert set(Subscriber.objects.values_list("radius_status", flat=True)) == {"synced"}, \
        list(Subscriber.objects.values_list("username", "radius_error"))

    freeradius.start()
    client = Client(server="127.0.0.1", authport=freeradius.auth_port, secret=NAS_SECRET.encode(),
                    dict=Dictionary(str(DICTIONARY)))
    client.timeout, client.retries = 3, 1

    reply = ppp_request(client, anna.username, "pw-anna")
    assert reply.code == packet.AccessAccept, freeradius.output()[-3000:]
    assert reply["Mikrotik-Rate-Limit"] == ["2M/10M 4M/20M 1M/5M 10/10"]
    assert reply["Framed-Pool"] == ["pppoe-pool"]
    assert "Framed-IP-Address" not in reply

    for name in UNSERVABLE:
        assert validation.radius_problem(name)
        assert ppp_request(client, name, "pw shop").code == packet.AccessReject
    assert not any(validation.radius_problem(s.username) for s in odd)

    for sub in odd:
        reply = ppp_request(client, sub.username, sub.password)
        assert reply.code == packet.AccessAccept, (sub.username, freeradius.output()[-3000:])
        assert reply["Mikrotik-Rate-Limit"] == ["2M/10M 4M/20M 1M/5M 10/10"]

    assert ppp_request(client, "anna", "wrong").code == packet.AccessReject
    assert ppp_request(client, gone.username, "pw-l").code == packet.AccessReject
    assert ppp_request(client, bound.username, "pw-b").code == packet.AccessReject
    reply = ppp_request(client, bound.username, "pw-b", mac="AA:BB:CC:00:00:09")
    assert reply.code == packet.AccessAccept

    lifecycle.resume(gone)
    run_jobs(queues.RADIUS_SYNC)
    assert ppp_request(client, gone.username, "pw-l").code == packet.AccessAccept


def test_static_address_and_quota_attributes(acme, radius_server, make_router, freeradius):
    make_router("gw", host="127.0.0.1", radius_server=radius_server)
    static = plan(acme, name="static 5M", rate="1M/5M", addressing=Plan.Addressing.STATIC,
                  quota_bytes=5 * 2**30)
    lifecycle.create_subscriber(acme, username="shop-7", password="pw", plan=static,
                                static_ip="10.9.0.7", radius_server=radius_server)
    run_jobs()
    freeradius.start()
    client = Client(server="127.0.0.1", authport=freeradius.auth_port, secret=NAS_SECRET.encode(),
                    dict=Dictionary(str(DICTIONARY)))
    reply = ppp_request(client, "shop-7", "pw")
    assert reply.code == packet.AccessAccept, freeradius.output()[-3000:]
    assert reply["Framed-IP-Address"] == ["10.9.0.7"]
    assert "Framed-Pool" not in reply
    assert reply["Mikrotik-Rate-Limit"] == ["1M/5M"]
    assert reply["Mikrotik-Total-Limit"] == [2**30]
    assert reply["Mikrotik-Total-Limit-Gigawords"] == [1]


def test_voucher_and_subscriber_names_never_collide(acme, radius_server):
    pooled = plan(acme)
    lifecycle.create_subscriber(acme, username="ABCD1234", password="pw", plan=pooled,
                                radius_server=radius_server)
    run_jobs(queues.RADIUS_SYNC)
    client = AgentClient.for_server(radius_server)
    with pytest.raises(AgentError) as refused:
        client.push_users([{"username": "ABCD1234", "password": "x"}])
    assert refused.value.status == 409 and "PPPoE subscriber" in str(refused.value)
    client.push_users([{"username": "VCHR0001", "password": "x"}])
    with pytest.raises(AgentError) as refused:
        client.push_subscribers([{"username": "VCHR0001", "password": "y"}])
    assert refused.value.status == 409 and "voucher" in str(refused.value)
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM radcheck WHERE username = 'ABCD1234'"
                       " AND attribute = 'Cleartext-Password'")
        assert cursor.fetchall() == [("pw",)]
        cursor.execute("SELECT value FROM radcheck WHERE username = 'VCHR0001'"
                       " AND attribute = 'Cleartext-Password'")
        assert cursor.fetchall() == [("x",)]


def test_a_subscriber_moved_off_a_server_is_removed_from_it(acme, radius_server):
    sub = lifecycle.create_subscriber(acme, username="mover'1", password="pw", plan=plan(acme),
                                      radius_server=radius_server)
    run_jobs(queues.RADIUS_SYNC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM radcheck WHERE username = %s", ["mover'1"])
        assert cursor.fetchone()[0] == 2
    lifecycle.update_subscriber(sub, {"radius_server": None})
    run_jobs(queues.RADIUS_SYNC)
    sub.refresh_from_db()
    assert sub.radius_status == "none"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM radcheck WHERE username = %s", ["mover'1"])
        assert cursor.fetchone()[0] == 0


def used(username, start, octets, uid):
    """A finished session in FreeRADIUS's accounting, as the router reported it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress,"
            " acctstarttime, acctstoptime, acctinputoctets, acctoutputoctets)"
            " VALUES (%s, %s, %s, '127.0.0.1', %s, %s, %s, 0)",
            [uid, uid, username, start, start + dt.timedelta(hours=1), octets])


def test_the_quota_counts_the_current_period_only(acme, radius_server, make_router,
                                                  freeradius):
    make_router("gw", host="127.0.0.1", radius_server=radius_server)
    monthly = plan(acme, name="10 GB a month", rate="2M/10M", quota_bytes=10 * 2**30,
                   quota_period="month")
    for name in ("light'user", "heavy$user"):
        lifecycle.create_subscriber(acme, username=name, password="pw", plan=monthly,
                                    radius_server=radius_server)
    run_jobs(queues.RADIUS_SYNC)
    start = quota.period_start("month")
    used("light'user", start - dt.timedelta(days=3), 50 * 2**30, "old-1")  # last period
    used("light'user", start + dt.timedelta(minutes=5), 3 * 2**30, "new-1")
    used("heavy$user", start + dt.timedelta(minutes=5), 10 * 2**30, "new-2")
    freeradius.start()
    client = Client(server="127.0.0.1", authport=freeradius.auth_port,
                    secret=NAS_SECRET.encode(), dict=Dictionary(str(DICTIONARY)))
    client.timeout, client.retries = 3, 1
    reply = ppp_request(client, "light'user", "pw")
    assert reply.code == packet.AccessAccept, freeradius.output()[-3000:]
    assert reply["Mikrotik-Total-Limit"] == [(7 * 2**30) % 2**32]  # 7 GiB left
    assert reply["Mikrotik-Total-Limit-Gigawords"] == [1]
    reply = ppp_request(client, "heavy$user", "pw")
    assert reply.code == packet.AccessReject
    assert reply["Reply-Message"] == ["Your data allowance is used up"]


def test_a_new_period_moves_the_quota_start(acme, radius_server):
    monthly = plan(acme, name="monthly", rate="2M/10M", quota_bytes=2**30)
    sub = lifecycle.create_subscriber(acme, username="q1", password="pw", plan=monthly,
                                      radius_server=radius_server)
    run_jobs(queues.RADIUS_SYNC)
    assert radius.roll_quota_periods() == 0  # synced within this period
    Subscriber.objects.filter(pk=sub.pk).update(
        radius_synced_at=quota.period_start("month") - dt.timedelta(seconds=1))
    assert radius.roll_quota_periods() == 1
    run_jobs(queues.RADIUS_SYNC)
    sub.refresh_from_db()
    assert sub.radius_status == "synced"
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM radcheck WHERE username = 'q1'"
                       " AND attribute = 'Hotspot-Data-Since'")
        assert cursor.fetchall() == [(str(int(quota.period_start("month").timestamp())),)]
