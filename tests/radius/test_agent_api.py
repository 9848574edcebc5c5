import json

import pytest

from tests.radius.fixtures import AGENT_TOKEN, radius_rows

URL = "/radius/agent/users/"


def post(client, body, token=AGENT_TOKEN):
    return client.post(URL, data=json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def voucher(username="V1", **kw):
    return {"username": username, "password": "pw1", "profile": "1h", "time_limit": 3600,
            "data_limit": 5 * 2**30, "rate_limit": "2M/5M", "simultaneous_use": 1,
            "expiry": "2030-01-01T00:00:00+00:00", **kw}


@pytest.fixture
def agent(client, agent_settings, radius_tables):
    from radius.scopes import set_scope

    set_scope("scope-a", AGENT_TOKEN)
    return client


def test_it_writes_freeradius_rows_with_mikrotik_attributes(agent):
    response = post(agent, {"vouchers": [voucher()]})

    assert response.status_code == 200
    assert response.json() == {"success": True, "synced": 1, "failed": 0, "errors": []}
    assert [r[1:] for r in radius_rows("radcheck", ["V1"])] == [
        ("Cleartext-Password", ":=", "pw1"),
        ("Expiration", ":=", "01 Jan 2030 00:00:00"),
        ("Hotspot-Data-Limit", ":=", str(5 * 2**30)),
        ("Max-All-Session", ":=", "3600"),
        ("Simultaneous-Use", ":=", "1"),
    ]
    assert [r[1:] for r in radius_rows("radreply", ["V1"])] == [
        ("Mikrotik-Rate-Limit", ":=", "2M/5M"),
        ("Mikrotik-Total-Limit", ":=", str(2**30)),
        ("Mikrotik-Total-Limit-Gigawords", ":=", "1"),
        ("Session-Timeout", ":=", "3600"),
    ]


def test_it_is_idempotent_when_a_batch_is_resent(agent):
    post(agent, {"vouchers": [voucher("A"), voucher("B")]})
    post(agent, {"vouchers": [voucher("A"), voucher("B", password="new")]})

    assert len(radius_rows("radcheck", ["A", "B"])) == 10
    assert ("B", "Cleartext-Password", ":=", "new") in radius_rows("radcheck", ["B"])


def test_it_stores_backslashes_quotes_and_unicode_exactly_as_sent(agent):
    # The rows go to PostgreSQL as COPY text, where a backslash starts an escape.
    password, profile = "a\\b\\\\.'\"$[;]ü€", "Gäste \\N \\. 1h"
    answer = post(agent, {"vouchers": [voucher("A", password=password, profile=profile),
                                       voucher("B", password="\\.", profile=profile)],
                          "read_back": True}).json()

    assert answer["success"] is True
    assert ("A", "Cleartext-Password", ":=", password) in radius_rows("radcheck", ["A"])
    assert ("B", "Cleartext-Password", ":=", "\\.") in radius_rows("radcheck", ["B"])
    assert answer["users"]["A"]["groups"] == [[profile, 1]]
    assert len(radius_rows("radcheck", ["A", "B"])) == 10
    assert len(radius_rows("radreply", ["A", "B"])) == 8


@pytest.mark.parametrize("token", ["wrong", "", AGENT_TOKEN + "x"])
def test_it_refuses_a_wrong_token_and_writes_nothing(agent, token):
    response = post(agent, {"vouchers": [voucher()]}, token=token)

    assert response.status_code == 401
    assert radius_rows("radcheck", ["V1"]) == []


def test_it_refuses_requests_without_a_bearer_header(agent):
    response = agent.post(URL, data=json.dumps({"vouchers": [voucher()]}),
                          content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize("body", [
    "not json",
    {"vouchers": "V1"},
    {"vouchers": []},
    {"vouchers": [voucher("V1"), {"username": "V2"}]},  # the second has no password
    {"vouchers": [voucher("V1"), voucher("bad name!")]},
    {"vouchers": [voucher("V1"), voucher("V2", time_limit="1h")]},
    {"vouchers": [voucher("V1"), voucher("V2", expiry="next tuesday")]},
    {"vouchers": [voucher("V1"), voucher("V1")]},
    {"vouchers": [voucher(f"U{i}") for i in range(251)]},
])
def test_it_refuses_malformed_batches_whole_and_writes_nothing(agent, body):
    response = (
        agent.post(URL, data=body, content_type="application/json",
                   headers={"Authorization": f"Bearer {AGENT_TOKEN}"})
        if isinstance(body, str) else post(agent, body)
    )

    assert response.status_code == 400
    assert response.json()["success"] is False and response.json()["errors"]
    assert radius_rows("radcheck", ["V1", "U0"]) == []


def test_it_reads_rows_back_and_deletes_users(agent):
    post(agent, {"vouchers": [voucher("A"), voucher("B")]})
    auth = {"Authorization": f"Bearer {AGENT_TOKEN}"}

    users = agent.get(URL, {"username": ["A", "C"]}, headers=auth).json()["users"]
    assert list(users) == ["A"]
    assert ["Cleartext-Password", ":=", "pw1"] in users["A"]["check"]
    assert users["A"]["groups"] == [["1h", 1]]

    assert agent.delete(f"{URL}A/", headers=auth).json() == {"success": True, "deleted": 1}
    assert radius_rows("radcheck", ["A"]) == []
    assert len(radius_rows("radcheck", ["B"])) == 5


def test_it_answers_a_write_with_the_rows_read_back_when_asked(agent):
    auth = {"Authorization": f"Bearer {AGENT_TOKEN}"}
    answer = post(agent, {"vouchers": [voucher("A"), voucher("B")], "read_back": True}).json()

    assert answer["success"] is True and answer["synced"] == 2
    assert answer["users"] == agent.get(URL, {"username": ["A", "B"]}, headers=auth).json()[
        "users"
    ]
    assert ["Cleartext-Password", ":=", "pw1"] in answer["users"]["B"]["check"]


def test_it_replaces_a_scopes_nas_rows(agent, radius_tables):
    auth = {"Authorization": f"Bearer {AGENT_TOKEN}"}
    body = {"nas": [{"nasname": "10.0.0.1", "shortname": "gw", "secret": "s3cret"}]}
    for _ in range(2):
        agent.put("/radius/agent/nas/", data=json.dumps(body), content_type="application/json",
                  headers=auth)
    with radius_tables.cursor() as cursor:
        cursor.execute("SELECT nasname, shortname, secret, type, description FROM nas")
        assert cursor.fetchall() == [("10.0.0.1", "gw", "s3cret", "other", "hotspot:scope-a")]


def subscriber(username="S1", **kw):
    return {"username": username, "password": "pw1", "rate_limit": "2M/10M", **kw}


# Vouchers and PPPoE subscribers share one check per field and one per-item loop: the
# whole request is refused, each bad item named by its index, nothing written.
@pytest.mark.parametrize("url,key,make", [(URL, "vouchers", voucher),
                                          ("/radius/agent/subscribers/", "subscribers",
                                           subscriber)])
def test_both_kinds_refuse_bad_items_by_index_and_write_nothing(agent, url, key, make):
    items = [make("A1"), make("A2", expiry="next tuesday"),
             make("A3", password="line\nbreak"), make("A1")]
    response = agent.post(url, data=json.dumps({key: items}), content_type="application/json",
                          headers={"Authorization": f"Bearer {AGENT_TOKEN}"})

    assert response.status_code == 400
    errors = "; ".join(response.json()["errors"])
    assert f"{key}[1]: expiry must be an ISO 8601 date and time" in errors
    assert f"{key}[2]: password must be text of at most 128 printable characters" in errors
    assert "duplicate usernames in the request" in errors
    assert radius_rows("radcheck", ["A1", "A2", "A3"]) == []
