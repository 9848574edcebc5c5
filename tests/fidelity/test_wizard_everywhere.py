"""The whole wizard on every router profile and RouterOS version the product is tested on:
onboard (the product's own initial script and API group), discover, generate, deploy,
redeploy, drift check, remove configuration. Hotspot with login-by http-chap,cookie and
RADIUS for both the hotspot and PPPoE: the choices whose values RouterOS prints in its
own order, with the hotspot's dynamic rules present throughout."""

import pytest

from provisioning.services import compare
from provisioning.services.plan import MANAGED_MENUS, Plan, is_managed
from routers.choices import RouterStatus
from routers.models import RouterConfig
from tests.fidelity import wizard
from tests.provisioning.helpers import radius_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(400)]

PROFILES = ("bare", "defconf", "chr")
VERSIONS = ("7.12", "7.16", "7.21")


@pytest.fixture(autouse=True)
def fast_probing(settings):
    settings.PROBE_INTERVAL_SECONDS = 0.3
    settings.ROUTER_CONNECT_TIMEOUT = 2.0


def choices(profile: str, server) -> dict:
    # defconf: the hotspot serves the bridge; PPPoE gets ether5, taken out of the bridge.
    hotspot = "bridge" if profile == "defconf" else "ether2"
    pppoe = "ether5" if profile == "defconf" else "ether3"
    return {
        "enable_hotspot": True, "hotspot_interfaces": [hotspot],
        "hotspot_networks": {hotspot: {"gateway": "10.5.50.1/24",
                                       "pool": "10.5.50.10-10.5.50.254"}},
        "portal_title": "Everywhere", "login_methods": ["http-chap", "cookie"],
        "enable_pppoe": True, "pppoe_interfaces": [pppoe], "pppoe_local_address": "10.6.0.1",
        "pppoe_ip_pool": "10.6.0.10-10.6.0.250",
        "enable_radius": True, "radius_server": server.pk,
        "radius_for_hotspot": True, "radius_for_pppoe": True,
    }


def configuration(sim) -> dict:
    """Every menu the product touches, as the one comparison sees it."""
    return {path: compare.menu_view(path, sim.items(path))
            for path in (*MANAGED_MENUS, "/ppp/aaa", "/radius/incoming")}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("profile", PROFILES)
def test_the_full_wizard(alice_client, acme, routersim, profile, version):
    sim = routersim(profile=profile, version=version)
    if profile == "defconf":
        [port] = [p for p in sim.items("/interface/bridge/port") if p["interface"] == "ether5"]
        sim.remove_item("/interface/bridge/port", port[".id"])
    router = wizard.onboard(acme, sim)
    assert router.routeros_version.startswith(version)
    facts = wizard.interfaces(alice_client, router)
    assert facts["router_info"]["os_version"].startswith(version)
    server = radius_server(acme)

    response = wizard.generate(alice_client, router, choices(profile, server))
    assert response.status_code == 200, response.content
    plan = Plan.from_dict(RouterConfig.objects.get(pk=response.json()["config_id"]).plan)

    dep = wizard.deploy(alice_client, router)
    assert dep.status == "completed", dep.error
    assert wizard.status(router) == RouterStatus.ACTIVE
    [profile_row] = [p for p in sim.items("/ip/hotspot/profile")
                     if p["name"].startswith(f"hs{plan.tag_id}")]
    assert profile_row["login-by"] == "cookie,http-chap"  # RouterOS's order, not ours
    [rad] = sim.items("/radius")
    assert rad["service"] == "ppp,hotspot"
    assert sim.file(f"hs{plan.tag_id}/login.html") is not None
    dynamic = {(path, r[".id"]) for path in ("/ip/firewall/nat", "/ip/firewall/filter")
               for r in sim.dynamic_items(path)}
    assert dynamic, "the hotspot's own rules are there"

    # Drift with dynamic rules present, counters moving: nothing.
    report = wizard.drift(router)
    assert report.error == "" and report.clean and report.items == [], report.items

    # Redeploy: the same configuration again, in place.
    first = configuration(sim)
    dep = wizard.deploy(alice_client, router)
    assert dep.status == "completed", dep.error
    assert dep.removed_items, "the redeploy replaced the previous deployment's items"
    assert not {(i["path"], i["id"]) for i in dep.removed_items} & dynamic
    again = configuration(sim)
    for path in first:
        if path in compare.ORDERED_MENUS:  # same rules, same order (tags differ: none)
            assert len(again[path]) == len(first[path]), path
    report = wizard.drift(router)
    assert report.clean and report.items == [], report.items

    # Remove configuration: nothing of the product's is left; dynamic rows were never
    # touched (they go with the hotspot server that made them).
    dep = wizard.remove(alice_client, router)
    assert (dep.kind, dep.status) == ("remove", "completed"), dep.error
    assert wizard.status(router) == RouterStatus.ONLINE
    for path in MANAGED_MENUS:
        assert not [r for r in sim.items(path) if is_managed(path, r)], path
    assert sim.items("/ip/hotspot") == []
    assert sim.dynamic_items("/ip/firewall/filter") == [] or profile == "defconf"
