"""A router with MikroTik's factory configuration (hEX/hAP "defconf"): ether2-5 are ports
of `bridge`, and the input chain drops what does not come from the LAN list."""

import pytest

from provisioning.services.plan import Plan, is_managed
from routers.choices import RouterStatus
from routers.models import RouterConfig
from tests.fidelity import firewall, wizard
from tests.provisioning.helpers import radius_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

DROP = "defconf: drop all not coming from LAN"


@pytest.fixture(autouse=True)
def fast_probing(settings):
    settings.PROBE_INTERVAL_SECONDS = 0.3
    settings.ROUTER_CONNECT_TIMEOUT = 2.0


def hotspot_on(name, gateway="10.5.50.1/24", pool="10.5.50.10-10.5.50.254"):
    return {"enable_hotspot": True, "hotspot_interfaces": [name],
            "hotspot_networks": {name: {"gateway": gateway, "pool": pool}},
            "portal_title": "Lobby", "login_methods": ["http-chap", "cookie"]}


PPPOE_ON_ETHER5 = {"enable_pppoe": True, "pppoe_interfaces": ["ether5"],
                   "pppoe_local_address": "10.6.0.1", "pppoe_ip_pool": "10.6.0.10-10.6.0.250"}


def test_discovery_shows_the_bridge_its_ports_and_the_interface_lists(alice_client, acme,
                                                                      routersim):
    sim = routersim(profile="defconf")
    router = wizard.onboard(acme, sim)
    facts = wizard.interfaces(alice_client, router)
    assert facts["bridges"] == [{"name": "bridge",
                                 "ports": ["ether2", "ether3", "ether4", "ether5"]}]
    assert facts["interface_lists"] == {"WAN": ["ether1"], "LAN": ["bridge"]}
    by_name = {i["name"]: i for i in facts["interfaces"]}
    assert by_name["ether2"]["bridge"] == "bridge"
    assert by_name["ether1"]["bridge"] == "" and by_name["ether1"]["lists"] == ["WAN"]
    assert by_name["bridge"]["lists"] == ["LAN"]
    page = alice_client.get(f"/routers/{router.pk}/services/").content.decode()
    assert "port of bridge" in page and "ports: ether2, ether3, ether4, ether5" in page


def test_a_bridge_port_is_refused_with_the_reason_and_the_fix(alice_client, acme, routersim):
    sim = routersim(profile="defconf")
    router = wizard.onboard(acme, sim)
    response = wizard.generate(alice_client, router, hotspot_on("ether2"))
    assert response.status_code == 400
    [message] = response.json()["errors"]["hotspot_interfaces"]
    assert "ether2 is a port of the bridge 'bridge'" in message
    assert "no address and no DNS" in message
    assert "Serve the bridge 'bridge' instead" in message
    assert "/interface bridge port remove [find interface=ether2]" in message
    response = wizard.generate(alice_client, router, {
        **PPPOE_ON_ETHER5, "pppoe_interfaces": ["ether3"]})
    assert response.status_code == 400
    assert "a PPPoE server on ether3" in response.json()["errors"]["pppoe_interfaces"][0]
    assert not RouterConfig.objects.filter(router=router, kind="service").exists()
    # The HTML form says the same next to the field.
    page = alice_client.post(f"/routers/{router.pk}/services/generate/", {
        "enable_hotspot": "on", "hotspot_interfaces": "ether2",
        "hotspot_gateway_ether2": "10.5.50.1/24",
        "hotspot_pool_ether2": "10.5.50.10-10.5.50.254"})
    assert page.status_code == 400
    assert "Serve the bridge" in page.content.decode()


def test_serving_the_bridge_deploys_and_clients_dhcp_and_dns_get_through(
        alice_client, acme, routersim):
    sim = routersim(profile="defconf")
    # The operator took ether5 out of the bridge for PPPoE, as the refusal suggests: it is
    # then outside the LAN list, so the default firewall would drop its clients' DNS.
    [port] = [p for p in sim.items("/interface/bridge/port") if p["interface"] == "ether5"]
    sim.remove_item("/interface/bridge/port", port[".id"])
    router = wizard.onboard(acme, sim)
    server = radius_server(acme)
    data = {**hotspot_on("bridge"), **PPPOE_ON_ETHER5, "enable_radius": True,
            "radius_server": server.pk}
    response = wizard.generate(alice_client, router, data)
    assert response.status_code == 200, response.content
    plan = Plan.from_dict(RouterConfig.objects.get(pk=response.json()["config_id"]).plan)
    dep = wizard.deploy(alice_client, router)
    assert dep.status == "completed", dep.error
    assert wizard.status(router) == RouterStatus.ACTIVE
    [hs] = sim.items("/ip/hotspot")
    assert hs["interface"] == "bridge"

    # Order: the product's accepts sit before the factory drop; the rest is untouched.
    static = [r for r in sim.items("/ip/firewall/filter") if r.get("dynamic") != "true"]
    comments = [r.get("comment", "") for r in static]
    ours = [i for i, r in enumerate(static) if r.get("comment") == plan.tag]
    drop = comments.index(DROP)
    assert len(ours) == 4 and max(ours) < drop
    assert ours == list(range(min(ours), min(ours) + 4))  # together, right before the drop
    assert ours[-1] == drop - 1

    # What each client's request meets, rule by rule, in the router's own order.
    rules, lists = sim.items("/ip/firewall/filter"), firewall.interface_lists(sim)
    hotspot_client = {"in-interface": "bridge", "src-address": "10.5.50.20"}
    pppoe_client = {"in-interface": "<pppoe-v1>", "src-address": "10.6.0.20"}
    for client, protocol, port_number in (
            (hotspot_client, "udp", 67), (hotspot_client, "udp", 53),
            (hotspot_client, "tcp", 53), (pppoe_client, "udp", 53),
            (pppoe_client, "tcp", 53)):
        rule = firewall.decide(rules, {**client, "protocol": protocol,
                                       "dst-port": port_number}, lists)
        assert rule is not None and rule["action"] == "accept", (client, protocol, rule)
    # Without the product's rules a PPPoE client's DNS would have met the drop.
    without = [r for r in rules if not is_managed("/ip/firewall/filter", r)]
    assert firewall.decide(without, {**pppoe_client, "protocol": "udp", "dst-port": 53},
                           lists)["comment"] == DROP
    # And the product opens nothing else: the WAN side still meets the drop.
    wan = {"in-interface": "ether1", "src-address": "203.0.113.9", "protocol": "udp",
           "dst-port": 53}
    assert firewall.decide(rules, wan, lists)["comment"] == DROP

    # Redeploy keeps the place; removal takes exactly the product's rules away.
    assert wizard.deploy(alice_client, router).status == "completed"
    static = [r for r in sim.items("/ip/firewall/filter") if r.get("dynamic") != "true"]
    tags = [r.get("comment") for r in static]
    assert tags.index(DROP) - 1 == max(i for i, t in enumerate(tags)
                                       if t and t.startswith("hotspot:"))
    removal = wizard.remove(alice_client, router)
    assert removal.kind == "remove" and removal.status == "completed", removal.error
    left = [r.get("comment", "") for r in sim.items("/ip/firewall/filter")
            if r.get("dynamic") != "true"]
    assert not any(c.startswith("hotspot:") for c in left)
    assert DROP in left
