"""A profile that binds each voucher to one device, and what the agent writes for it."""

from radius import attributes
from vouchers.models import VoucherProfile
from vouchers.services.sync import expected_rows


def test_an_operator_makes_a_one_device_profile(alice_client, acme):
    response = alice_client.post("/vouchers/profiles/new/", {
        "name": "one phone", "time_limit": 3600, "shared_users": 1, "bind_device": "on",
        "validity": "after_first_use", "validity_seconds": 86400, "price": "1.00"})

    assert response.status_code == 302
    assert VoucherProfile.objects.get(organization=acme, name="one phone").bind_device


def test_a_bound_voucher_carries_the_device_lock_to_radius(acme, radius_server):
    from vouchers.services.generate import generate_batch

    profile = VoucherProfile.objects.create(organization=acme, name="bound", time_limit=60,
                                            bind_device=True)
    voucher = generate_batch(acme, profile, 1, radius_server=radius_server).vouchers.get()

    assert ["Hotspot-Device-Lock", ":=", "1"] in expected_rows(voucher, profile)["check"]
    profile.bind_device = False
    assert not any(r[0] == "Hotspot-Device-Lock" for r in expected_rows(voucher, profile)[
        "check"])


def test_the_agent_refuses_a_device_lock_that_is_not_a_boolean():
    import pytest

    with pytest.raises(attributes.PayloadError, match="bind_device"):
        attributes.clean_user({"username": "A", "password": "p", "bind_device": "yes"})
