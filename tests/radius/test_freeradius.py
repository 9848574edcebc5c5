"""End to end with Debian's FreeRADIUS: vouchers generated, synced by a real worker through
the agent API (live_server), then authenticated by a real RADIUS client (pyrad).

FreeRADIUS must see committed rows, hence transaction=True. Not installed: the test
fails (CI installs it).
"""

import datetime as dt

import pytest
from django.utils import timezone
from pyrad import packet
from pyrad.client import Client
from pyrad.dictionary import Dictionary

from conftest import run_jobs
from hotspot import queues
from radius.coa import DICTIONARY
from tests.radius.fixtures import NAS_SECRET
from tests.radius.freeradius import FreeRadius
from vouchers.models import VoucherProfile
from vouchers.services.generate import generate_batch
from vouchers.services.lifecycle import revoke_voucher

GiB = 2**30


def radius_client(server: FreeRadius, secret: str) -> Client:
    client = Client(server="127.0.0.1", authport=server.auth_port, acctport=server.acct_port,
                    secret=secret.encode(), dict=Dictionary(str(DICTIONARY)))
    client.timeout, client.retries = 2, 2
    return client


def authenticate(client: Client, username: str, password: str):
    request = client.CreateAuthPacket(code=packet.AccessRequest, User_Name=username)
    request["User-Password"] = request.PwCrypt(password)
    request["NAS-IP-Address"] = "127.0.0.1"
    return client.SendPacket(request)


def start_session(client: Client, username: str, session_id: str):
    request = client.CreateAcctPacket(User_Name=username)
    request["Acct-Status-Type"] = "Start"
    request["Acct-Session-Id"] = session_id
    request["NAS-IP-Address"] = "127.0.0.1"
    request["Framed-IP-Address"] = "10.5.50.2"
    request["Calling-Station-Id"] = "AA:BB:CC:00:11:22"
    return client.SendPacket(request)


@pytest.mark.radius
@pytest.mark.django_db(transaction=True)
def test_it_authenticates_synced_vouchers_with_real_freeradius(
    acme, radius_server, make_router, freeradius
):
    make_router("gw", host="127.0.0.1", radius_server=radius_server)  # becomes a NAS row
    profile = VoucherProfile.objects.create(
        organization=acme, name="5 GB hour", time_limit=3600, data_limit=5 * GiB,
        rate_limit_up="2M", rate_limit_down="5M", shared_users=1,
        validity=VoucherProfile.Validity.AFTER_FIRST_USE, validity_seconds=86400,
    )
    gone = VoucherProfile.objects.create(
        organization=acme, name="gone", validity=VoucherProfile.Validity.FIXED,
        fixed_expiry=timezone.now() - dt.timedelta(days=1),
    )
    batch = generate_batch(acme, profile, 5, radius_server=radius_server,
                           separate_password=True)
    expired = generate_batch(acme, gone, 1, radius_server=radius_server).vouchers.get()
    run_jobs(queues.RADIUS_SYNC)
    synced, second, revoked, *_ = batch.vouchers.order_by("pk")
    revoke_voucher(revoked)
    run_jobs(queues.RADIUS_SYNC)
    unsynced = generate_batch(acme, profile, 1, radius_server=radius_server).vouchers.get()
    assert set(batch.vouchers.values_list("radius_sync_status", flat=True)) == {"synced"}

    freeradius.start()
    client = radius_client(freeradius, NAS_SECRET)  # the secret comes from the nas table

    reply = authenticate(client, synced.code, synced.password)
    assert reply.code == packet.AccessAccept, freeradius.output()[-3000:]
    assert reply["Session-Timeout"] == [3600]
    assert reply["Mikrotik-Rate-Limit"] == ["2M/5M"]
    # 5 GiB: low 32 bits plus the Gigawords companion, never silently truncated.
    assert reply["Mikrotik-Total-Limit"] == [GiB]
    assert reply["Mikrotik-Total-Limit-Gigawords"] == [1]

    assert authenticate(client, second.code, "wrong-password").code == packet.AccessReject
    assert authenticate(client, unsynced.code, unsynced.password).code == packet.AccessReject
    assert authenticate(client, revoked.code, revoked.password).code == packet.AccessReject
    assert authenticate(client, expired.code, expired.password).code == packet.AccessReject

    # One session open in accounting: a second one is beyond Simultaneous-Use = 1.
    assert start_session(client, synced.code, "sess-1").code == packet.AccountingResponse
    assert authenticate(client, synced.code, synced.password).code == packet.AccessReject
    assert authenticate(client, second.code, second.password).code == packet.AccessAccept
