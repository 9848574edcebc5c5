"""Seed 000's JSON endpoints for stages 1-2."""

import json

import pytest

from routers.choices import RouterStatus
from routers.models import Router


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.mark.django_db(transaction=True)
def test_it_creates_a_router_and_returns_its_script(alice_client):
    response = post_json(alice_client, "/api/routers/create-with-config",
                         {"name": "edge-1", "host": "192.0.2.10"})
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    assert body["stage"] == 1
    assert body["router"]["status"] == "probing"
    assert body["router"]["name"] == "edge-1"
    assert '/system identity set name="edge-1"' in body["config"]


@pytest.mark.parametrize("payload,field", [
    ({"name": 'a"b', "host": "10.0.0.1"}, "name"),
    ({"name": "ok", "host": "10.0.0.999"}, "host"),
    ({"host": "10.0.0.1"}, "name"),
    ({"name": "ok", "host": "10.0.0.1", "api_port": 70000}, "api_port"),
])
def test_it_answers_400_with_field_errors(alice_client, payload, field):
    response = post_json(alice_client, "/api/routers/create-with-config", payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Router.objects.exists()


def test_it_answers_400_to_a_body_that_is_not_json(alice_client):
    response = alice_client.post("/api/routers/create-with-config", "{nope",
                                 content_type="application/json")
    assert response.status_code == 400


def test_it_reports_the_provisioning_status(alice_client, make_router):
    router = make_router("st-1", status=RouterStatus.ONLINE, model="RB5009",
                         routeros_version="7.16 (stable)")
    body = alice_client.get(f"/api/routers/{router.pk}/provisioning-status").json()
    assert body["stage"] == 3
    assert body["router"]["status"] == "online"
    assert body["router"]["os_version"] == "7.16 (stable)"
    assert "config_token" not in body["router"]


def test_it_gives_404_for_another_organizations_router_status(bob_client, make_router):
    router = make_router("st-2")
    assert bob_client.get(f"/api/routers/{router.pk}/provisioning-status").status_code == 404


def test_it_requires_login_for_the_api(client, make_router):
    router = make_router("st-3")
    response = client.get(f"/api/routers/{router.pk}/provisioning-status")
    assert response.status_code == 302
