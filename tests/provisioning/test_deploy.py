"""Stage 5 against the simulator over TCP with a real worker."""

import pytest

from provisioning.models import Deployment
from provisioning.services.plan import Plan
from routers.choices import RouterStatus
from tests.provisioning.helpers import (
    HOTSPOT,
    PPPOE,
    deploy,
    generate,
    online_router,
    radius_server,
    state,
    status,
    with_radius,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def names(sim, path):
    return sorted(row.get("name", "") for row in sim.items(path))


def test_it_deploys_a_hotspot_to_100_percent(acme, routersim):
    sim = routersim()
    router = online_router(acme, sim)
    config = generate(router, HOTSPOT)
    dep = deploy(router)
    assert (dep.status, dep.progress, dep.stage) == ("completed", 100, "completed")
    assert status(router) == RouterStatus.ACTIVE
    tag = Plan.from_dict(config.plan).tag
    assert [r["address"] for r in sim.items("/ip/address") if r.get("comment") == tag] == [
        "10.5.50.1/24"]
    pools = [r for r in sim.items("/ip/pool") if r.get("comment") == tag]
    assert [p["ranges"] for p in pools] == ["10.5.50.10-10.5.50.254"]
    [server] = sim.items("/ip/hotspot")
    assert server["interface"] == "ether2"
    profile = next(p for p in sim.items("/ip/hotspot/profile") if p["name"] == server["profile"])
    assert profile["login-by"] == "mac,http-chap"  # RouterOS prints sets in its own order
    assert profile["use-radius"] in ("false", "no")
    assert len(sim.items("/ip/dhcp-server")) == 1
    [page] = [f for f in sim.items("/file") if f["name"].endswith("/login.html")
              and f["name"].startswith("hs")]
    assert "Cafe WiFi" in page["contents"]
    stages = [(e.stage, e.progress) for e in dep.events.all()]
    for point in [("verifying", 10), ("connected", 20), ("deploying", 40), ("deployed", 70),
                  ("verifying_deployment", 85), ("completed", 100)]:
        assert point in stages
    assert dep.round_trips > 0


def test_it_deploys_pppoe_only(acme, routersim):
    sim = routersim()
    router = online_router(acme, sim)
    generate(router, PPPOE)
    dep = deploy(router)
    assert dep.status == "completed"
    [server] = sim.items("/interface/pppoe-server/server")
    assert (server["interface"], server["service-name"]) == ("ether3", "internet")
    assert sim.items("/ip/hotspot") == []
    assert sim.items("/ppp/aaa")[0].get("use-radius") in ("false", "no", None, "")


def test_it_deploys_hotspot_and_pppoe_with_radius(acme, routersim):
    sim = routersim()
    router = online_router(acme, sim)
    generate(router, with_radius(radius_server(acme), {**HOTSPOT, **PPPOE}))
    dep = deploy(router)
    assert dep.status == "completed", dep.error
    [rad] = sim.items("/radius")
    assert (rad["address"], rad["secret"]) == ("10.0.0.5", "nas-s3cret!")
    assert rad["service"] == "ppp,hotspot"  # RouterOS prints sets in its own order
    assert sim.items("/ppp/aaa")[0]["use-radius"] in ("true", "yes")
    assert sim.items("/radius/incoming")[0]["accept"] in ("true", "yes")
    profile = sim.items("/ip/hotspot/profile")
    assert any(p.get("use-radius") in ("true", "yes") for p in profile)
    assert status(router) == RouterStatus.ACTIVE


def test_deploying_twice_leaves_one_copy_of_each_resource(acme, routersim):
    sim = routersim()
    router = online_router(acme, sim)
    generate(router, {**HOTSPOT, **PPPOE})
    assert deploy(router).status == "completed"
    first = state(sim)
    assert deploy(router).status == "completed"
    assert len(sim.items("/ip/pool")) == 2
    assert len(sim.items("/ip/hotspot")) == 1
    assert len(sim.items("/interface/pppoe-server/server")) == 1
    assert state(sim) == first


def test_removing_a_service_removes_only_its_resources_and_nothing_made_by_hand(
        acme, routersim):
    sim = routersim()
    sim.add("/ip/pool", name="operator-pool", ranges="192.168.88.10-192.168.88.20")
    sim.add("/ip/firewall/nat", chain="srcnat", action="masquerade", comment="by hand")
    router = online_router(acme, sim)
    generate(router, {**HOTSPOT, **PPPOE})
    assert deploy(router).status == "completed"
    generate(router, HOTSPOT)
    assert deploy(router).status == "completed"
    assert sim.items("/interface/pppoe-server/server") == []
    assert len(sim.items("/ip/hotspot")) == 1
    assert "operator-pool" in names(sim, "/ip/pool")
    assert any(r.get("comment") == "by hand" for r in sim.items("/ip/firewall/nat"))


def test_remove_configuration_leaves_only_what_the_operator_made(acme, routersim):
    sim = routersim()
    sim.add("/ip/pool", name="operator-pool", ranges="192.168.88.10-192.168.88.20")
    before = state(sim)
    router = online_router(acme, sim)
    generate(router, HOTSPOT)
    deploy(router)
    dep = deploy(router, kind=Deployment.Kind.REMOVE)
    assert dep.status == "completed"
    assert state(sim) == before
    assert status(router) == RouterStatus.ONLINE


def test_the_deploy_endpoint_returns_at_once_and_never_takes_commands(alice_client, acme,
                                                                     routersim):
    sim = routersim()
    router = online_router(acme, sim)
    generate(router, HOTSPOT)
    response = alice_client.post(f"/api/routers/{router.pk}/deploy-service-config",
                                 {"commands": ["/system reset-configuration"]},
                                 content_type="application/json")
    assert response.status_code == 202
    assert status(router) == RouterStatus.PROVISIONING
    dep = Deployment.objects.get()
    assert dep.status == "pending"
    assert sim.items("/ip/hotspot") == []  # nothing happens until a worker runs it


def test_a_hand_made_rule_whose_comment_begins_with_hotspot_survives_everything(acme,
                                                                             routersim):
    """Only the whole tag (`hotspot:` and six hex digits) marks the product's items."""
    sim = routersim()
    mine = dict(chain="srcnat", action="masquerade", comment="hotspot: lobby printer",
                **{"src-address": "192.168.77.0/24"})
    sim.add("/ip/firewall/nat", **mine)
    router = online_router(acme, sim)

    def survives():
        rows = [r for r in sim.items("/ip/firewall/nat") if r.get("comment") == mine["comment"]]
        return len(rows) == 1 and rows[0]["src-address"] == "192.168.77.0/24"

    generate(router, {**HOTSPOT, **PPPOE})
    assert deploy(router).status == "completed" and survives()
    assert deploy(router).status == "completed" and survives()  # redeploy, same config
    generate(router, {**HOTSPOT, "portal_title": "Changed"})
    assert deploy(router).status == "completed" and survives()  # redeploy, changed config
    assert deploy(router, kind=Deployment.Kind.REMOVE).status == "completed" and survives()
