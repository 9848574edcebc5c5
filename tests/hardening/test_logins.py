"""Logins: lockout per account and per address, admin unlock, logged failures, passwords."""

import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client

from accounts.services import create_operator

PASSWORD = "alice-pass-123"


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def login(client, username, password, address="192.0.2.10"):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return client.get("/routers/").status_code == 200


def test_it_locks_an_account_out_after_the_configured_failures(alice, limit):
    client = Client()
    for _ in range(limit - 1):
        assert login(client, "alice", "wrong").status_code == 200
    response = login(client, "alice", "wrong")
    assert response.status_code == 429
    # The right password from another address does not get in either: the account is locked.
    response = login(client, "alice", PASSWORD, address="198.51.100.7")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed logins for this user name or from this address" in text
    assert "refused for 15 minutes" in text
    assert not logged_in(client)


def test_it_locks_an_address_out_whatever_the_user_name(alice, limit):
    client = Client()
    for name in ("root", "admin", "operator"):
        login(client, name, "guess")
    assert login(client, "alice", PASSWORD).status_code == 429
    assert not logged_in(client)
    # From another address, alice is not locked (her own account had no failures).
    assert login(client, "alice", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(alice, limit):
    client = Client()
    login(client, "alice", "wrong")
    login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account_in_the_admin(alice, acme, limit):
    for _ in range(limit):
        login(Client(), "alice", "wrong")
    assert login(Client(), "alice", PASSWORD).status_code == 429

    admin_user, _ = create_operator("root", acme, password="root-pass-987", superuser=True)
    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    ids = [str(a.pk) for a in AccessAttempt.objects.filter(username="alice")]
    response = admin.post("/admin/axes/accessattempt/", {
        "action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302

    client = Client()
    assert login(client, "alice", PASSWORD).status_code == 302
    assert logged_in(client)


def test_it_logs_failed_logins_and_lockouts_without_the_password(alice, limit, caplog):
    caplog.set_level(logging.WARNING, logger="accounts.logins")
    for _ in range(limit):
        login(Client(), "alice", "Sup3r-secret-guess")
    lines = [r.getMessage() for r in caplog.records if r.name == "accounts.logins"]
    assert lines[0] == "Failed login for user name 'alice' from 192.0.2.10"
    assert any("Logins locked out for user name 'alice' and address 192.0.2.10" in line
               for line in lines)
    assert not any("Sup3r-secret-guess" in r.getMessage() for r in caplog.records)


def test_an_operator_changes_their_password_from_the_navigation(alice_client):
    page = alice_client.get("/routers/").content.decode()
    assert 'href="/accounts/password/"' in page
    form = alice_client.get("/accounts/password/")
    assert form.status_code == 200
    response = alice_client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "quiet-harbour-lantern",
        "new_password2": "quiet-harbour-lantern"})
    assert response.status_code == 302
    assert logged_in(alice_client)  # this session stays logged in
    assert login(Client(), "alice", "quiet-harbour-lantern", "203.0.113.5").status_code == 302


@pytest.mark.parametrize("new,message", [
    ("short-1", "too short"),
    ("password123", "too common"),
    ("73620194857361", "entirely numeric"),
    ("alice1234", "too similar to the username"),
])
def test_it_applies_every_password_validator(alice_client, new, message):
    response = alice_client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["new_password2"])


def test_it_refuses_a_wrong_old_password(alice_client):
    response = alice_client.post("/accounts/password/", {
        "old_password": "nope", "new_password1": "quiet-harbour-lantern",
        "new_password2": "quiet-harbour-lantern"})
    assert "old_password" in response.context["form"].errors
