"""The profile form refuses what RouterOS or a customer would not understand, and the
agent refuses the same rate limits (one validator, radius.ratelimit)."""

import pytest

from radius import attributes
from radius.ratelimit import RateLimitError, check_rate_limit
from vouchers.models import VoucherProfile

GOOD = {"name": "2 hours", "time_limit": 7200, "shared_users": 1,
        "validity": "after_first_use", "validity_seconds": 86400, "price": "1.50",
        "rate_limit_up": "1M", "rate_limit_down": "5M"}


def post(client, **changes):
    return client.post("/vouchers/profiles/new/", {**GOOD, **changes})


def test_a_sound_profile_is_saved(alice_client, acme):
    assert post(alice_client).status_code == 302
    profile = VoucherProfile.objects.get(organization=acme, name="2 hours")
    assert (profile.rate_limit_up, profile.rate_limit_down) == ("1M", "5M")


@pytest.mark.parametrize("field,value,message", [
    ("rate_limit_up", "fast", "is not a RouterOS rate"),
    ("rate_limit_down", "fast", "is not a RouterOS rate"),
    ("rate_limit_down", "5 M", "is not a RouterOS rate"),
    ("rate_limit_up", "2M/5M", "is not a RouterOS rate"),
    ("rate_limit_up", "1.5M", "is not a RouterOS rate"),
    ("rate_limit_down", "-2M", "is not a RouterOS rate"),
    ("price", "-5", "A price cannot be negative."),
    ("time_limit", "-1", "greater than or equal to 0"),
    ("data_limit", "-1", "greater than or equal to 0"),
    ("shared_users", "0", "At least one user."),
])
def test_it_refuses_a_value_with_a_message_and_saves_nothing(alice_client, acme, field, value,
                                                             message):
    before = VoucherProfile.objects.count()
    response = post(alice_client, **{field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert message in " ".join(response.context["form"].errors[field])
    assert VoucherProfile.objects.count() == before


@pytest.mark.parametrize("value", ["2M/5M", "128k", "64000", "1G/1G",
                                   "64k/64k 256k/256k 128k/128k 10/10 8 32k/32k"])
def test_the_agent_takes_routeros_rate_limits(value):
    assert check_rate_limit(value) == value
    user = attributes.clean_user({"username": "ABCD2345", "password": "x", "rate_limit": value})
    assert ["Mikrotik-Rate-Limit", ":=", value] in attributes.rows_for(user)["reply"]


@pytest.mark.parametrize("value", ["fast/3M", "2M/5M/7M", "2M/5M 1M 1M x", "2M 1M 1M 10 9",
                                   "2M 1M 1M 10 8 1M 1M"])
def test_the_agent_refuses_what_the_form_refuses(value):
    with pytest.raises(RateLimitError):
        check_rate_limit(value)
    with pytest.raises(attributes.PayloadError, match="rate_limit"):
        attributes.clean_user({"username": "ABCD2345", "password": "x", "rate_limit": value})


def test_the_list_shows_limits_in_human_units(alice_client, acme):
    VoucherProfile.objects.create(organization=acme, name="month", time_limit=2 * 3600,
                                  data_limit=2 * 2**30, validity="after_first_use",
                                  validity_seconds=30 * 86400, rate_limit_up="1M")
    html = alice_client.get("/vouchers/").content.decode()

    assert "30 days after first use" in html
    assert "2 GB" in html and "2 hours" in html
    assert "2592000" not in html
