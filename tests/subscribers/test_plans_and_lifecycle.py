"""Plans and subscribers: validation, one function per change, history, secrets at rest."""

import pytest
from django.db import connection

from subscribers import rates
from subscribers.models import Event, Plan, Subscriber
from subscribers.services import lifecycle
from subscribers.validation import Invalid
from tests.subscribers.helpers import plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["2M/10M", "512k", "2M/10M 4M/20M 1M/5M 10/10",
                                  "2M/10M 4M/20M 1M/5M 10/10 8 1M/2M", "0/0"])
def test_rate_limits_routeros_accepts(text):
    assert rates.normalise(text) == text


@pytest.mark.parametrize("text, why", [
    ("", "required"), ("10 Mbps", "not a rate"), ("2M/10M/3M", "rx/tx"),
    ("2M/10M 1M/5M 1M/1M 10/10", "at least the rate"), ("2M/10M 4M/20M", "burst time"),
    ("2M/10M 4M/20M 5M/5M 10/10", "threshold"), ("2M/10M 4M/20M 1M/5M 10/10 9", "1 to 8"),
    ("2M/10M\n", "only digits"), ("1M/2M;/x", "only digits"), ("2M/10M 4M/20M 1M/5M 10/10 1 3M/1M", "minimum"),
])
def test_rate_limits_refused_with_the_reason(text, why):
    with pytest.raises(rates.RateError, match=why):
        rates.parse(text)


def test_a_bad_plan_changes_nothing(acme):
    with pytest.raises(Invalid, match="not a rate"):
        lifecycle.save_plan(acme, {"name": "x", "rate_limit": "fast", "address_pool": "p"})
    with pytest.raises(Invalid, match="pool"):
        lifecycle.save_plan(acme, {"name": "x", "rate_limit": "1M/2M"})
    assert not Plan.objects.exists()


def test_subscriber_changes_are_recorded_and_the_password_is_encrypted(acme, alice):
    p = plan(acme)
    other = plan(acme, name="20M", rate="4M/20M")
    sub = lifecycle.create_subscriber(acme, username="ana$ 'q'", password="s3cret-pw", plan=p,
                                      user=alice, caller_id="aa-bb-cc-dd-ee-ff", phone="555")
    assert sub.caller_id == "AA:BB:CC:DD:EE:FF"
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM subscribers_subscriber WHERE id = %s", [sub.pk])
        stored = cursor.fetchone()[0]
    assert "s3cret-pw" not in stored and stored.startswith("gAAAAA")

    assert lifecycle.suspend(sub, alice, reason="unpaid")
    assert not lifecycle.suspend(sub, alice)  # already suspended: nothing recorded
    assert lifecycle.resume(sub, alice)
    assert lifecycle.change_plan(sub, other, alice)
    lifecycle.update_subscriber(sub, {"phone": "556", "password": "new-pw"}, alice)
    assert lifecycle.reveal_password(sub, alice) == "new-pw"
    kinds = list(Event.objects.filter(subscriber=sub).order_by("at", "id")
                 .values_list("kind", flat=True))
    assert kinds == ["created", "suspended", "resumed", "plan_changed", "changed",
                     "password_revealed"]
    assert "new-pw" not in str(list(Event.objects.values_list("message", "data")))
    assert Event.objects.get(kind="password_revealed").actor == alice


@pytest.mark.parametrize("fields, why", [
    ({"username": ""}, "required"), ({"username": "x" * 65}, "64"),
    ({"username": " lead"}, "begin or end"), ({"username": "a\x00b"}, "control"),
    ({"caller_id": "nope"}, "MAC"), ({"static_ip": "10.0.0.300"}, "IPv4"),
    ({"password": ""}, "password"),
])
def test_bad_subscribers_are_refused_whole(acme, fields, why):
    p = plan(acme)
    values = {"username": "u1", "password": "pw", "plan": p, **fields}
    with pytest.raises(Invalid, match=why):
        lifecycle.create_subscriber(acme, **values)
    assert not Subscriber.objects.exists() and not Event.objects.exists()


def test_static_plans_need_an_address_and_names_are_unique(acme):
    static = plan(acme, name="static", rate="1M/1M", addressing=Plan.Addressing.STATIC)
    with pytest.raises(Invalid, match="static"):
        lifecycle.create_subscriber(acme, username="s", password="pw", plan=static)
    lifecycle.create_subscriber(acme, username="s", password="pw", plan=static,
                                static_ip="10.0.0.9")
    with pytest.raises(Invalid, match="exists"):
        lifecycle.create_subscriber(acme, username="s", password="pw", plan=static,
                                    static_ip="10.0.0.10")
