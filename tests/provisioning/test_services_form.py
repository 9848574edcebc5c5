"""Stage 3-4: discovery, validation of service choices, the generated script."""

import json

import pytest

from provisioning.services import portal
from provisioning.services.plan import Plan
from routers.models import RouterConfig
from routers.routeros.quoting import check_script
from tests.provisioning.helpers import (
    HOTSPOT,
    PPPOE,
    generate,
    online_router,
    radius_server,
    state,
    with_radius,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_it_lists_the_routers_interfaces_addresses_and_pools(alice_client, acme, routersim):
    sim = routersim()
    sim.add("/ip/pool", name="lan", ranges="192.168.88.10-192.168.88.254")
    router = online_router(acme, sim)
    body = alice_client.get(f"/api/routers/{router.pk}/interfaces").json()
    assert body["stage"] == 3
    assert [i["name"] for i in body["interfaces"]][:5] == [f"ether{n}" for n in range(1, 6)]
    assert {"name", "type", "running", "disabled", "mac"} <= set(body["interfaces"][0])
    assert [p["name"] for p in body["pools"]] == ["lan"]
    assert body["router_info"]["os_version"].startswith("7.16")


def test_it_caches_discovery_until_refresh(alice_client, acme, routersim):
    sim = routersim()
    router = online_router(acme, sim)
    alice_client.get(f"/api/routers/{router.pk}/interfaces")
    sim.add("/ip/pool", name="later", ranges="10.9.9.1-10.9.9.9")
    cached = alice_client.get(f"/api/routers/{router.pk}/interfaces").json()
    assert "later" not in [p["name"] for p in cached["pools"]]
    fresh = alice_client.get(f"/api/routers/{router.pk}/interfaces?refresh=1").json()
    assert "later" in [p["name"] for p in fresh["pools"]]


BAD_CHOICES = [
    ({}, "__all__"),
    ({"enable_hotspot": True, "hotspot_interfaces": []}, "hotspot_interfaces"),
    ({**HOTSPOT, "hotspot_interfaces": ["ether9"]}, "hotspot_interfaces"),
    ({**PPPOE, "pppoe_interfaces": ["wlan7"]}, "pppoe_interfaces"),
    ({**PPPOE, "pppoe_ip_pool": "10.0.0.300-10.0.0.5"}, "pppoe_ip_pool"),
    ({**PPPOE, "pppoe_ip_pool": "10.6.0.250-10.6.0.10"}, "pppoe_ip_pool"),
    ({**PPPOE, "pppoe_ip_pool": "10.6.0.10 to 10.6.0.20"}, "pppoe_ip_pool"),
    ({**PPPOE, "pppoe_local_address": "10.6.0.1000"}, "pppoe_local_address"),
    ({**HOTSPOT, "hotspot_networks": {"ether2": {"gateway": "10.5.50.1/24",
                                                 "pool": "10.5.60.10-10.5.60.20"}}},
     "hotspot_pool_ether2"),
    ({**HOTSPOT, "hotspot_networks": {"ether2": {"gateway": "10.5.50.0/24",
                                                 "pool": "10.5.50.10-10.5.50.20"}}},
     "hotspot_gateway_ether2"),
    ({**HOTSPOT, **PPPOE, "pppoe_ip_pool": "10.5.50.100-10.5.50.120"}, "pppoe_ip_pool"),
    ({**HOTSPOT, **PPPOE, "pppoe_interfaces": ["ether2"]}, "pppoe_interfaces"),
    ({**PPPOE, "pppoe_ip_pool": "192.168.88.15-192.168.88.30"}, "pppoe_ip_pool"),
    ({**HOTSPOT, "login_methods": ["telepathy"]}, "login_methods"),
    ({**HOTSPOT, "dns_name": "bad name!"}, "dns_name"),
    ({**HOTSPOT, "enable_radius": True, "radius_server": 999999}, "radius_server"),
]


@pytest.mark.parametrize("data,field", BAD_CHOICES)
def test_it_refuses_invalid_choices_and_saves_and_sends_nothing(alice_client, acme, routersim,
                                                                data, field):
    sim = routersim()
    sim.add("/ip/pool", name="operator", ranges="192.168.88.10-192.168.88.254")
    router = online_router(acme, sim)
    before = state(sim)
    response = post_json(alice_client, f"/api/routers/{router.pk}/generate-service-config",
                         data)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not RouterConfig.objects.filter(router=router).exists()
    assert state(sim) == before


def test_the_html_form_shows_field_errors_and_keeps_the_input(alice_client, acme, routersim):
    sim = routersim()
    router = online_router(acme, sim)
    response = alice_client.post(f"/routers/{router.pk}/services/generate/", {
        "enable_pppoe": "on", "pppoe_interfaces": "ether3", "pppoe_local_address": "10.6.0.1",
        "pppoe_ip_pool": "10.0.0.300-10.0.0.5"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not an IPv4 address" in page
    assert 'value="10.0.0.300-10.0.0.5"' in page
    assert not RouterConfig.objects.filter(router=router).exists()


def test_it_returns_a_clean_script_for_the_full_plan(alice_client, acme, routersim):
    sim = routersim()
    router = online_router(acme, sim)
    server = radius_server(acme)
    response = post_json(alice_client, f"/api/routers/{router.pk}/generate-service-config",
                         with_radius(server, {**HOTSPOT, **PPPOE}))
    assert response.status_code == 200
    script = response.json()["service_script"]
    assert check_script(script) == []
    assert "nas-s3cret!" not in script  # the stored script never holds the secret
    config = RouterConfig.objects.get(router=router, kind="service")
    assert "nas-s3cret!" not in json.dumps(config.plan)
    download = alice_client.get(f"/routers/{router.pk}/services/{config.pk}.rsc")
    assert b'secret="nas-s3cret!"' in download.content


@pytest.mark.parametrize("title", ['Say "hi"', "x$y $(identity)", "[find]", "a;b", "line\nbreak",
                                   "back\\slash", "Café ✓ ünï", "<script>alert(1)</script>"])
def test_hostile_portal_titles_are_escaped_end_to_end(acme, routersim, title):
    sim = routersim()
    router = online_router(acme, sim)
    config = generate(router, {**HOTSPOT, "portal_title": title})
    assert check_script(config.script) == []
    sim.import_script(config.script)
    plan = Plan.from_dict(config.plan)
    [page] = [f for f in sim.items("/file") if f["name"] == f"hs{plan.tag_id}/login.html"]
    assert page["contents"] == portal.pages(title, HOTSPOT["login_methods"])["login.html"]
    assert "<script>alert" not in page["contents"]  # the page's own CHAP script only
    assert "$(identity)" not in page["contents"]  # RouterOS never expands operator text


def test_the_generated_script_also_configures_a_router_by_import(acme, routersim):
    sim = routersim()
    router = online_router(acme, sim)
    config = generate(router, {**HOTSPOT, **PPPOE})
    sim.import_script(config.script)
    assert len(sim.items("/ip/hotspot")) == 1
    assert len(sim.items("/interface/pppoe-server/server")) == 1


def test_another_organizations_router_is_404_for_every_stage_endpoint(bob_client, acme,
                                                                      routersim):
    sim = routersim()
    router = online_router(acme, sim)
    assert bob_client.get(f"/api/routers/{router.pk}/interfaces").status_code == 404
    assert post_json(bob_client, f"/api/routers/{router.pk}/generate-service-config",
                     HOTSPOT).status_code == 404
    assert bob_client.post(f"/api/routers/{router.pk}/deploy-service-config").status_code == 404
    assert bob_client.get(f"/routers/{router.pk}/services/").status_code == 404
