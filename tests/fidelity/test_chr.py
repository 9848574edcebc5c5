"""CHR and x86: no /system/routerboard. Onboarding, discovery and deploy still work."""

import pytest

from routers.choices import RouterStatus
from routers.services.discovery import discover
from tests.fidelity import wizard

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

HOTSPOT = {"enable_hotspot": True, "hotspot_interfaces": ["ether2"],
           "hotspot_networks": {"ether2": {"gateway": "10.5.50.1/24",
                                           "pool": "10.5.50.10-10.5.50.254"}},
           "portal_title": "Cloud WiFi", "login_methods": ["http-chap", "cookie"]}


@pytest.fixture(autouse=True)
def fast_probing(settings):
    settings.PROBE_INTERVAL_SECONDS = 0.3
    settings.ROUTER_CONNECT_TIMEOUT = 2.0


def test_a_chr_is_probed_discovered_and_deployed_through_the_wizard(alice_client, acme,
                                                                    routersim):
    sim = routersim(profile="chr", version="7.16")
    router = wizard.onboard(acme, sim)  # probing meets "no such command" on routerboard
    assert router.model.startswith("CHR QEMU Standard PC")
    assert router.serial == ""
    facts = wizard.interfaces(alice_client, router)
    assert facts["router_info"]["model"].startswith("CHR")
    assert {"ether1", "ether2"} <= {i["name"] for i in facts["interfaces"]}
    assert discover(router)["routerboard"] is False

    assert wizard.generate(alice_client, router, HOTSPOT).status_code == 200
    dep = wizard.deploy(alice_client, router)
    assert dep.status == "completed", dep.error
    assert wizard.status(router) == RouterStatus.ACTIVE
    [server] = sim.items("/ip/hotspot")
    assert server["interface"] == "ether2"


def test_a_routerboard_still_gives_its_model_and_serial(acme, routersim):
    sim = routersim(profile="bare")
    router = wizard.onboard(acme, sim)
    assert router.serial and router.model
    assert discover(router)["routerboard"] is True
