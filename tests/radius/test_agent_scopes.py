"""The agent answers each RADIUS server's token for that server's scope only."""

import json

import pytest

from radius.models import AgentScope, RadiusServer, token_digest
from tests.radius.fixtures import radius_rows

USERS = "/radius/agent/users/"
NAS = "/radius/agent/nas/"


def voucher(username, password="pw-a"):
    return {"username": username, "password": password, "time_limit": 3600}


def call(client, method, url, token, body=None, **query):
    kwargs = {"headers": {"Authorization": f"Bearer {token}"}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    if query:
        kwargs["data"] = query
    return getattr(client, method)(url, **kwargs)


@pytest.fixture
def servers(acme, other_org, agent_settings, radius_tables):
    """Alice's server A and Bob's server B, both served by this installation's agent."""
    a = RadiusServer.objects.create(organization=acme, name="a", host="10.0.0.1",
                                    nas_secret="secret-a", agent_url="http://127.0.0.1:9/")
    b = RadiusServer.objects.create(organization=other_org, name="b", host="10.0.0.2",
                                    nas_secret="secret-b", agent_url="http://127.0.0.1:9/")
    return a, b


def test_each_server_gets_its_own_token_encrypted_at_rest_and_known_to_the_agent(servers):
    from django.db import connection

    a, b = servers
    assert a.agent_token != b.agent_token and len(a.agent_token) >= 40
    assert a.agent_scope != b.agent_scope
    with connection.cursor() as cursor:
        cursor.execute("SELECT agent_token FROM radius_radiusserver WHERE id = %s", [a.pk])
        stored = cursor.fetchone()[0]
    assert a.agent_token not in stored  # Fernet ciphertext
    scope = AgentScope.objects.get(key=a.agent_scope)
    assert scope.token_digest == token_digest(a.agent_token)  # the agent keeps a digest only


def test_b_cannot_read_delete_or_overwrite_as_users(client, servers):
    a, b = servers
    assert call(client, "post", USERS, a.agent_token, {"vouchers": [voucher("ALICE1")]}
                ).status_code == 200

    read = call(client, "get", USERS, b.agent_token, username=["ALICE1"])
    assert read.status_code == 200 and read.json() == {"users": {}}
    assert b"pw-a" not in read.content

    overwrite = call(client, "post", USERS, b.agent_token,
                     {"vouchers": [voucher("BOB1"), voucher("ALICE1", "stolen")]})
    assert overwrite.status_code == 409
    assert "another RADIUS server" in overwrite.json()["errors"][0]
    # Nothing written: neither Alice's voucher changed nor Bob's first one added.
    assert ("ALICE1", "Cleartext-Password", ":=", "pw-a") in radius_rows("radcheck", ["ALICE1"])
    assert radius_rows("radcheck", ["BOB1"]) == []

    assert call(client, "delete", f"{USERS}ALICE1/", b.agent_token).status_code == 404
    assert call(client, "post", f"{USERS}delete/", b.agent_token,
                {"usernames": ["ALICE1"]}).status_code == 409
    assert call(client, "get", "/radius/agent/usage/", b.agent_token,
                username=["ALICE1"]).json() == {"usage": {}}
    assert len(radius_rows("radcheck", ["ALICE1"])) == 2

    mine = call(client, "get", USERS, a.agent_token, username=["ALICE1"]).json()["users"]
    assert ["Cleartext-Password", ":=", "pw-a"] in mine["ALICE1"]["check"]


def test_b_cannot_read_or_take_as_nas_rows(client, servers):
    a, b = servers
    call(client, "put", NAS, a.agent_token,
         {"nas": [{"nasname": "10.9.0.1", "shortname": "gw-a", "secret": "secret-a"}]})

    # The scope is the token's: asking for A's scope by name shows B its own rows only.
    seen = call(client, "get", NAS + f"?scope={a.agent_scope}", b.agent_token)
    assert seen.status_code == 200 and seen.json() == {"nas": []}
    assert b"secret-a" not in seen.content

    taken = call(client, "put", NAS, b.agent_token,
                 {"scope": a.agent_scope,
                  "nas": [{"nasname": "10.9.0.1", "shortname": "x", "secret": "mine"}]})
    assert taken.status_code == 409
    assert call(client, "get", NAS, a.agent_token).json()["nas"] == [
        {"nasname": "10.9.0.1", "shortname": "gw-a", "type": "other", "secret": "secret-a"}]


def test_a_token_the_agent_does_not_know_gets_401(client, servers):
    assert call(client, "get", USERS, "not-a-token", username=["X"]).status_code == 401


def test_a_rotated_token_replaces_the_old_one_at_the_agent(alice_client, servers, live_server):
    a, _ = servers
    a.agent_url = f"{live_server.url}/radius/agent/"
    a.save()
    old = a.agent_token

    page = alice_client.post(f"/radius/{a.pk}/token/rotate/")

    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    a.refresh_from_db()
    assert a.agent_token != old and a.agent_token.encode() in page.content
    assert call(alice_client, "get", USERS, old, username=["X"]).status_code == 401
    assert call(alice_client, "get", USERS, a.agent_token, username=["X"]).status_code == 200
    assert alice_client.get("/radius/").content.count(a.agent_token.encode()) == 0


def test_rotation_changes_nothing_when_the_agent_is_unreachable(alice_client, servers):
    a, _ = servers  # its agent URL has nothing listening
    old = a.agent_token

    page = alice_client.post(f"/radius/{a.pk}/token/rotate/")

    assert page.status_code == 409 and b"nothing changed" in page.content
    a.refresh_from_db()
    assert a.agent_token == old

    forced = alice_client.post(f"/radius/{a.pk}/token/rotate/", {"force": "1"})
    a.refresh_from_db()
    assert forced.status_code == 200 and a.agent_token != old
    assert AgentScope.objects.get(key=a.agent_scope).token_digest == token_digest(a.agent_token)


def test_bob_cannot_rotate_alices_token(bob_client, servers):
    a, _ = servers
    assert bob_client.post(f"/radius/{a.pk}/token/rotate/").status_code == 404


def test_a_separate_agent_learns_a_scope_from_the_command(client, agent_settings, radius_tables,
                                                          monkeypatch):
    import io

    from django.core.management import call_command

    token = "separately-installed-token-0123456789"
    monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
    out = io.StringIO()
    call_command("radius_agent_scope", "s0123456789abcdef", "--label", "cafe", stdout=out)

    assert "accepted" in out.getvalue()
    assert call(client, "post", USERS, token, {"vouchers": [voucher("SEP1")]}).status_code == 200
    assert call(client, "get", USERS, token, username=["SEP1"]).json()["users"]["SEP1"]
