"""Quotas that hold across sessions, with FreeRADIUS on the shipped configuration and a
simulated router (deployed by the product) as the NAS."""

import pytest

from conftest import run_jobs
from hotspot import queues
from vouchers.models import VoucherProfile
from vouchers.services.generate import generate_batch

MiB = 2**20
GiB = 2**30
pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]


def voucher(site, **profile):
    made = VoucherProfile.objects.create(organization=site.server.organization,
                                         name=f"p{VoucherProfile.objects.count()}",
                                         shared_users=1, validity_seconds=None, **profile)
    batch = generate_batch(site.server.organization, made, 1, radius_server=site.server)
    run_jobs(queues.RADIUS_SYNC)
    found = batch.vouchers.get()
    assert found.radius_sync_status == "synced", found.radius_sync_error
    return found


def test_a_one_hour_voucher_used_40_minutes_gets_20_minutes_at_the_next_login(hotspot_site):
    v = voucher(hotspot_site, time_limit=3600)
    nas = hotspot_site.sim.nas

    first = nas.login(v.code, v.password, "AA:BB:CC:00:00:01")
    assert first.accepted, first.message + hotspot_site.freeradius.output()[-3000:]
    assert first.reply["Session-Timeout"] == 3600
    assert hotspot_site.sim.item("/ip/hotspot/active", user=v.code)["session-time-left"] == "1h"
    nas.advance(seconds=40 * 60, bytes_in=5 * MiB, bytes_out=20 * MiB)
    assert nas.logout(v.code) == 1

    again = nas.login(v.code, v.password, "AA:BB:CC:00:00:01")
    assert again.accepted
    assert again.reply["Session-Timeout"] == 20 * 60
    # The router ends the session when the 20 minutes are up, and the voucher is spent.
    assert nas.advance(seconds=30 * 60) == [v.code]
    assert hotspot_site.sim.item("/ip/hotspot/active", user=v.code) is None
    spent = nas.login(v.code, v.password, "AA:BB:CC:00:00:01")
    assert not spent.accepted and "usage time" in spent.message


def test_a_data_voucher_used_up_across_two_sessions_is_rejected_on_the_third(hotspot_site):
    v = voucher(hotspot_site, data_limit=5 * GiB)  # above 4 GiB: Gigawords on the wire
    nas = hotspot_site.sim.nas

    first = nas.login(v.code, v.password)
    assert first.accepted
    assert (first.reply["Mikrotik-Total-Limit"], first.reply["Mikrotik-Total-Limit-Gigawords"]
            ) == (GiB, 1)
    nas.advance(seconds=600, bytes_in=1 * GiB, bytes_out=2 * GiB)
    nas.logout()

    second = nas.login(v.code, v.password)
    assert second.accepted
    assert second.reply["Mikrotik-Total-Limit"] == 2 * GiB  # what is left, 32 bits
    assert "Mikrotik-Total-Limit-Gigawords" not in second.reply
    # The router cuts the session at the limit.
    assert nas.advance(seconds=600, bytes_in=1 * GiB, bytes_out=3 * GiB) == [v.code]

    third = nas.login(v.code, v.password)
    assert not third.accepted and third.message == "Your data allowance is used up"


def test_a_second_session_beyond_shared_users_is_rejected_until_the_first_ends(hotspot_site):
    v = voucher(hotspot_site, time_limit=3600)
    nas = hotspot_site.sim.nas

    assert nas.login(v.code, v.password, "AA:BB:CC:00:00:01").accepted
    other = nas.login(v.code, v.password, "AA:BB:CC:00:00:02")
    assert not other.accepted and "already logged in" in other.message
    nas.logout(v.code)
    assert nas.login(v.code, v.password, "AA:BB:CC:00:00:02").accepted


def test_a_pppoe_client_logs_in_through_ppp_aaa(hotspot_site):
    v = voucher(hotspot_site, time_limit=3600)
    nas = hotspot_site.sim.nas

    result = nas.login(v.code, v.password, "AA:BB:CC:00:00:09", kind="ppp")

    assert result.accepted
    row = hotspot_site.sim.item("/ppp/active", name=v.code)
    assert row["service"] == "pppoe" and row["caller-id"] == "AA:BB:CC:00:00:09"
    assert nas.sessions()[0]["interim"] == 300  # /ppp aaa interim-update as deployed
