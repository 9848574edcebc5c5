"""One device per voucher (profile "bind_device"): FreeRADIUS on the shipped configuration
binds the first device; another is refused with a clear message until the operator
releases it."""

import pytest

from conftest import run_jobs
from hotspot import queues
from tests.radius.test_accounting_end_to_end import read_accounting
from vouchers.models import VoucherProfile
from vouchers.services.generate import generate_batch

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]
PHONE = "3E:11:22:33:44:55"  # a randomised (locally administered) address
LAPTOP = "00:1B:63:84:45:E6"


def voucher(site, **profile):
    made = VoucherProfile.objects.create(organization=site.server.organization,
                                         name=f"p{VoucherProfile.objects.count()}",
                                         time_limit=3600, **profile)
    batch = generate_batch(made.organization, made, 1, radius_server=site.server)
    run_jobs(queues.RADIUS_SYNC)
    return batch.vouchers.get()


def test_a_bound_voucher_refuses_a_second_device_until_released(hotspot_site, alice_client):
    v = voucher(hotspot_site, bind_device=True, shared_users=1)
    nas = hotspot_site.sim.nas
    assert nas.login(v.code, v.password, PHONE).accepted
    nas.logout(v.code)

    refused = nas.login(v.code, v.password, LAPTOP)
    assert not refused.accepted
    assert refused.message == "This voucher is in use on another device"
    assert nas.login(v.code, v.password, PHONE).accepted  # the bound one comes back
    nas.logout(v.code)

    read_accounting()
    page = alice_client.get(f"/vouchers/v/{v.pk}/").content.decode()
    assert f"bound to <code>{PHONE}</code>" in page and "A randomised address" in page

    released = alice_client.post(f"/vouchers/v/{v.pk}/release-device/", follow=True)
    assert b"Device released" in released.content
    assert b"the next device to log in is bound" in released.content
    assert nas.login(v.code, v.password, LAPTOP).accepted
    read_accounting()
    assert f"bound to <code>{LAPTOP}</code>" in alice_client.get(
        f"/vouchers/v/{v.pk}/").content.decode()
    nas.logout(v.code)
    assert not nas.login(v.code, v.password, PHONE).accepted


def test_a_profile_without_binding_takes_a_second_device(hotspot_site):
    v = voucher(hotspot_site, bind_device=False, shared_users=2)
    nas = hotspot_site.sim.nas

    assert nas.login(v.code, v.password, PHONE).accepted
    assert nas.login(v.code, v.password, LAPTOP).accepted  # at the same time, even


def test_bob_cannot_release_alices_device(hotspot_site, bob_client):
    v = voucher(hotspot_site, bind_device=True, shared_users=1)
    assert bob_client.post(f"/vouchers/v/{v.pk}/release-device/").status_code == 404
