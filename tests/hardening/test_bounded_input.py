"""Hostile input gets a clear 400 naming the field, and nothing is written."""

import inspect
import json

import pytest

from radius.models import RadiusServer
from routers.choices import RouterStatus
from routers.models import Router, RouterConfig
from tests.hardening.helpers import row_counts
from tests.provisioning.helpers import HOTSPOT, online_router, radius_server, with_radius

AGENT_TOKEN = "hardening-agent-token-0123456789"


@pytest.fixture(autouse=True)
def agent_scope(db):
    """This installation's agent accepts AGENT_TOKEN for a scope of these tests' own."""
    from radius.scopes import set_scope

    set_scope("s-hardening", AGENT_TOKEN, "hardening tests")

DEEP = "[" * 50000
AGENT = {"HTTP_AUTHORIZATION": f"Bearer {AGENT_TOKEN}"}


def post_json(client, url, body, **extra):
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.generic("POST", url, raw, content_type="application/json", **extra)


@pytest.fixture
def router(make_router):
    return make_router("edge-1", status=RouterStatus.ONLINE)


def test_it_answers_400_to_deeply_nested_json_on_every_json_api(alice_client, router,
                                                                agent_settings, radius_tables):
    before = row_counts()
    for url, extra in (("/api/routers/create-with-config", {}),
                       (f"/api/routers/{router.pk}/generate-service-config", {}),
                       ("/radius/agent/users/", AGENT),
                       ("/radius/agent/users/delete/", AGENT)):
        response = post_json(alice_client, url, DEEP, **extra)
        assert response.status_code == 400, url
        assert "nested more than 16 levels" in response.content.decode(), url
    response = alice_client.generic("PUT", "/radius/agent/nas/", DEEP,
                                    content_type="application/json", **AGENT)
    assert response.status_code == 400
    assert row_counts() == before


def test_it_refuses_json_nested_just_past_the_limit_and_accepts_it_at_the_limit(alice_client):
    def nested(depth):
        return {"name": "edge-2", "host": "192.0.2.1", "x": json.loads("[" * (depth - 1)
                                                                       + "]" * (depth - 1))}
    assert post_json(alice_client, "/api/routers/create-with-config",
                     nested(17)).status_code == 400
    assert post_json(alice_client, "/api/routers/create-with-config",
                     nested(16)).status_code == 201


@pytest.mark.parametrize("url", ["/routers/?q={}", "/routers/{router}/pools/?q={}",
                                 "/routers/{router}/secrets/?q={}",
                                 "/routers/{router}/hotspot-users/?q={}",
                                 "/vouchers/batches/{batch}/?q={}"])
@pytest.mark.parametrize("text", ["a%00b", "%EF%BF%BE", "%EF%B7%90"])
def test_it_answers_400_to_refused_characters_in_every_search_box(alice_client, router, acme,
                                                                  url, text):
    from vouchers.models import VoucherBatch, VoucherProfile

    profile = VoucherProfile.objects.filter(organization=acme).first()
    batch = VoucherBatch.objects.create(organization=acme, profile=profile, count=0,
                                        batch_id="B-1")
    response = alice_client.get(url.format(text, router=router.pk, batch=batch.pk))
    assert response.status_code == 400
    assert "q" in response.context["errors"]
    assert "not allowed" in response.content.decode()


def test_it_answers_agents_refused_characters_in_parameters_as_its_json(client, agent_settings,
                                                                       radius_tables):
    for url in ("/radius/agent/users/?username=a%00b", "/radius/agent/nas/?scope=%00",
                "/radius/agent/usage/?username=%EF%BF%BF", "/radius/agent/users/a%00b/"):
        response = client.get(url, **AGENT)
        assert response.status_code == 400, url
        assert response.json()["success"] is False
        assert "U+" in response.json()["errors"][0]


def test_it_refuses_nul_in_a_portal_title_from_the_form_and_from_json(alice_client, acme,
                                                                      routersim):
    router = online_router(acme, routersim())
    form = {"enable_hotspot": "on", "hotspot_interfaces": "ether2",
            "hotspot_gateway_ether2": "10.5.50.1/24", "hotspot_pool_ether2": "10.5.50.10-10.5.50.99",
            "portal_title": "Cafe\x00WiFi"}
    response = alice_client.post(f"/routers/{router.pk}/services/generate/", form)
    assert response.status_code == 400
    assert "NUL" in " ".join(response.context["errors"]["portal_title"])

    response = post_json(alice_client, f"/api/routers/{router.pk}/generate-service-config",
                         {**HOTSPOT, "portal_title": "Cafe\x00WiFi"})
    assert response.status_code == 400
    assert "NUL" in response.json()["errors"]["portal_title"][0]
    response = post_json(alice_client, f"/api/routers/{router.pk}/generate-service-config",
                         '{"portal_title": "\\ud800", "enable_hotspot": true}')
    assert "surrogate" in response.json()["errors"]["portal_title"][0]
    assert not RouterConfig.objects.filter(router=router, kind="service").exists()


def test_it_refuses_non_characters_in_every_text_field_of_a_form(alice_client):
    response = alice_client.post("/routers/add/", {"name": "edge\ufffe", "host": "192.0.2.1"})
    assert response.status_code == 200
    assert "U+FFFE" in str(response.context["form"].errors["name"])
    response = alice_client.post("/radius/new/", {
        "name": "r\U0010ffff", "host": "10.0.0.5", "auth_port": 1812, "acct_port": 1813,
        "agent_url": "http://10.0.0.5:8000/radius/agent/", "nas_secret": "s", "agent_token": "t"})
    assert "U+10FFFF" in str(response.context["form"].errors["name"])
    assert not Router.objects.exists() and not RadiusServer.objects.exists()


def test_it_refuses_nas_rows_with_a_non_text_type_or_nul(client, agent_settings, radius_tables):
    before = row_counts()
    for nas in ({"nasname": "10.0.0.1", "shortname": "r1", "secret": "s", "type": {"a": 1}},
                {"nasname": "10.0.0.1", "shortname": "r1", "secret": "s", "type": 5},
                {"nasname": "10.0.0.1", "shortname": "r\x001", "secret": "s"},
                {"nasname": "10.0.0.1" * 100, "shortname": "r1", "secret": "s"}):
        response = client.generic("PUT", "/radius/agent/nas/",
                                  json.dumps({"scope": "server1", "nas": [nas]}),
                                  content_type="application/json", **AGENT)
        assert response.status_code == 400, nas
        assert response.json()["success"] is False
    assert row_counts() == before


def test_it_refuses_radius_port_99999_in_the_form(alice_client):
    response = alice_client.post("/radius/new/", {
        "name": "main", "host": "10.0.0.5", "auth_port": 99999, "acct_port": 0,
        "agent_url": "http://10.0.0.5:8000/radius/agent/", "nas_secret": "s", "agent_token": "t"})
    errors = response.context["form"].errors
    assert "65535" in str(errors["auth_port"]) and "acct_port" in errors
    assert not RadiusServer.objects.exists()


def test_it_keeps_a_radius_port_out_of_range_from_the_router_script(alice_client, acme,
                                                                     routersim):
    router = online_router(acme, routersim())
    server = radius_server(acme)
    RadiusServer.objects.filter(pk=server.pk).update(auth_port=99999)  # saved before the fix
    response = post_json(alice_client, f"/api/routers/{router.pk}/generate-service-config",
                         with_radius(server, HOTSPOT))
    assert response.status_code == 400
    assert "auth port 99999" in response.json()["errors"]["radius_server"][0]
    assert not RouterConfig.objects.filter(router=router, kind="service").exists()


def test_it_validates_a_repeated_interface_list_once_per_interface(alice_client, acme,
                                                                   routersim):
    """3,000 entries of one interface in a 30 KB body: one clear error, bounded work."""
    router = online_router(acme, routersim())
    form = {"enable_hotspot": "on", "hotspot_interfaces": ["ether2"] * 3000,
            "hotspot_gateway_ether2": "10.5.50.1/24", "hotspot_pool_ether2": "10.5.50.10-10.5.50.99"}
    body = {**HOTSPOT, "hotspot_interfaces": ["ether2"] * 3000}
    response = post_json(alice_client, f"/api/routers/{router.pk}/generate-service-config", body)
    assert response.status_code == 400
    messages = response.json()["errors"]["hotspot_interfaces"]
    assert messages[0] == "ether2 is listed more than once."
    assert len(messages) == 11 and messages[-1] == "... and 2989 more."
    # The HTML form sends more fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS): 400.
    assert alice_client.post(f"/routers/{router.pk}/services/generate/",
                             form).status_code == 400
    assert not RouterConfig.objects.filter(router=router, kind="service").exists()


def test_every_text_field_of_every_form_refuses_the_same_characters():
    from django import forms

    from hotspot.inputs import validate_text
    from tests.hardening.test_fuzz import form_field_names  # noqa: F401  (imports the forms)

    classes, todo = [], list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in ("accounts", "radius", "routers", "vouchers"):
            classes.append(cls)
    assert len(classes) >= 7
    for cls in classes:
        params = set().union(*(inspect.signature(c.__init__).parameters
                               for c in cls.__mro__ if "__init__" in c.__dict__))
        form = cls(**{k: None for k in ("organization", "user") if k in params})
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField):
                assert validate_text in field.validators, f"{cls.__name__}.{name}"


def test_it_answers_414_to_an_overlong_address_instead_of_failing_the_login_redirect(client):
    response = client.get("/routers/?q=" + "%C3%A9" * 2000)
    assert response.status_code == 414


def test_it_answers_413_to_a_declared_body_over_the_limit_before_any_view(alice_client):
    before = row_counts()
    response = alice_client.post("/accounts/logout/", "x" * (2**20 + 1),
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert alice_client.get("/routers/").status_code == 200  # still logged in
    assert row_counts() == before


@pytest.mark.parametrize("raw", [
    # Written literally in the UTF-8 body (not escaped), escaped, and a NUL escaped.
    json.dumps({"vouchers": [{"username": "ABC", "password": "p\ufffe"}]}, ensure_ascii=False),
    json.dumps({"vouchers": [{"username": "ABC", "password": "p\ufffe"}]}),
    json.dumps({"vouchers": [{"username": "ABC", "password": "p\x00"}]}),
])
def test_the_agent_refuses_refused_characters_however_the_json_writes_them(
        client, agent_settings, radius_tables, raw):
    before = row_counts()
    response = client.generic("POST", "/radius/agent/users/", raw.encode(),
                              content_type="application/json", **AGENT)
    assert response.status_code == 400, response.content
    assert row_counts() == before
    # The same body with a printable password is written: the refusal was the character.
    clean = json.dumps({"vouchers": [{"username": "ABC", "password": "p"}]})
    assert client.generic("POST", "/radius/agent/users/", clean, content_type="application/json",
                          **AGENT).status_code == 200
