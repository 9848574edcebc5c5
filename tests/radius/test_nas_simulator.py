"""The simulated router as a NAS, against FreeRADIUS on the shipped configuration:
accounting as RouterOS sends it, and Disconnect/CoA answered as RFC 5176 says."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from pyrad import packet
from pyrad.client import Client, Timeout
from pyrad.dictionary import Dictionary

from conftest import run_jobs
from hotspot import queues
from routers.simulator.nas import DICTIONARY_PATH
from tests.radius.fixtures import NAS_SECRET
from vouchers.models import VoucherProfile
from vouchers.services.generate import generate_batch

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]
MiB = 2**20


@pytest.fixture
def code(hotspot_site):
    profile = VoucherProfile.objects.create(organization=hotspot_site.server.organization,
                                            name="hour", time_limit=3600, shared_users=1)
    batch = generate_batch(profile.organization, profile, 1, radius_server=hotspot_site.server)
    run_jobs(queues.RADIUS_SYNC)
    return batch.vouchers.get().code


def radacct(username):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT acctsessionid, acctstoptime IS NOT NULL, acctterminatecause,"
            " acctsessiontime, acctinputoctets, acctoutputoctets, callingstationid,"
            " host(framedipaddress) FROM radacct WHERE username = %s ORDER BY radacctid",
            [username])
        return cursor.fetchall()


def dynamic_authorization(site, code_=packet.DisconnectRequest, secret=NAS_SECRET, **attrs):
    client = Client(server=site.router.host, coaport=site.sim.nas.listen_incoming(),
                    secret=secret.encode(), dict=Dictionary(str(DICTIONARY_PATH)))
    client.timeout, client.retries = 1, 1
    request = client.CreateCoAPacket(code=code_)
    for key, value in attrs.items():
        request[key.replace("_", "-")] = value
    return client.SendPacket(request)


def test_accounting_start_interim_and_stop_reach_radacct_with_growing_counters(
        hotspot_site, code):
    nas = hotspot_site.sim.nas
    assert nas.login(code, code, "AA:BB:CC:00:00:07").accepted
    session_id = nas.sessions()[0]["session_id"]
    assert radacct(code) == [(session_id, False, None, 0, 0, 0, "AA:BB:CC:00:00:07",
                              nas.sessions()[0]["address"])]

    nas.advance(seconds=600, bytes_in=3 * MiB, bytes_out=9 * MiB)  # two interims (5 min)
    (_, stopped, _, seconds, octets_in, octets_out, _, _), = radacct(code)
    assert (stopped, seconds, octets_in, octets_out) == (False, 600, 3 * MiB, 9 * MiB)
    row = hotspot_site.sim.item("/ip/hotspot/active", user=code)
    assert (row["bytes-in"], row["bytes-out"], row["uptime"]) == (str(3 * MiB), str(9 * MiB),
                                                                  "10m")

    nas.advance(seconds=60, bytes_in=MiB)
    nas.logout(code)
    assert radacct(code)[0][1:6] == (True, "User-Request", 660, 4 * MiB, 9 * MiB)


def test_a_disconnect_request_ends_the_session_and_is_acknowledged(hotspot_site, code):
    nas = hotspot_site.sim.nas
    assert nas.login(code, code).accepted

    reply = dynamic_authorization(hotspot_site, User_Name=code)

    assert reply.code == packet.DisconnectACK
    assert hotspot_site.sim.item("/ip/hotspot/active", user=code) is None
    assert radacct(code)[0][1:3] == (True, "Admin-Reset")


def test_a_disconnect_for_no_such_session_is_a_nak_with_error_cause_503(hotspot_site, code):
    reply = dynamic_authorization(hotspot_site, User_Name=code)

    assert reply.code == packet.DisconnectNAK
    assert reply["Error-Cause"] == ["Session-Context-Not-Found"]


def test_a_request_signed_with_another_secret_is_dropped_unanswered(hotspot_site, code):
    assert hotspot_site.sim.nas.login(code, code).accepted

    with pytest.raises(Timeout):
        dynamic_authorization(hotspot_site, secret="not-the-secret", User_Name=code)
    assert hotspot_site.sim.item("/ip/hotspot/active", user=code) is not None


def test_a_coa_request_changes_the_sessions_limits(hotspot_site, code):
    nas = hotspot_site.sim.nas
    assert nas.login(code, code).accepted

    reply = dynamic_authorization(hotspot_site, packet.CoARequest, User_Name=code,
                                  Session_Timeout=120)

    assert reply.code == packet.CoAACK
    assert nas.sessions()[0]["session_timeout"] == 120
    assert nas.advance(seconds=200) == [code]
    assert radacct(code)[0][1:4] == (True, "Session-Timeout", 120)


def test_removing_the_active_row_through_the_api_sends_the_stop(hotspot_site, code):
    from routers.services.connect import client_for

    assert hotspot_site.sim.nas.login(code, code).accepted
    with client_for(hotspot_site.router) as api:
        row, = api.print("/ip/hotspot/active")
        api.remove("/ip/hotspot/active", row[".id"])
    run_jobs()  # nothing queued; the Stop went out from the router by itself
    assert radacct(code)[0][1:3] == (True, "Admin-Reset")


def test_a_session_that_vanishes_leaves_its_accounting_row_open(hotspot_site, code):
    assert hotspot_site.sim.nas.login(code, code).accepted
    assert hotspot_site.sim.nas.vanish(code) == 1
    assert hotspot_site.sim.item("/ip/hotspot/active", user=code) is None
    assert radacct(code)[0][1] is False  # the zombie the reconciler exists for


def test_the_routersim_client_subcommand_logs_in_uses_and_logs_out(hotspot_site, code):
    out = io.StringIO()
    call_command("routersim", "client", "--radius", "127.0.0.1", "--secret", NAS_SECRET,
                 "--auth-port", str(hotspot_site.freeradius.auth_port),
                 "--acct-port", str(hotspot_site.freeradius.acct_port), "--user", code,
                 "--minutes", "2", "--mbytes", "1", "--speed", "120",
                 "--incoming-port", "0", stdout=out)

    assert "Access-Accept" in out.getvalue() and "Session-Timeout = 3600" in out.getvalue()
    assert "logged out" in out.getvalue()
    assert radacct(code)[0][1:4] == (True, "User-Request", 120)
