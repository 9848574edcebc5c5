"""RouterOS versions: 7.8 has no /file add, 7.12 adds files without answering their id,
boards with flash keep files only under flash/."""

import pytest

from provisioning.services.plan import Plan
from routers import versions
from routers.models import RouterConfig
from tests.fidelity import wizard

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

HOTSPOT = {"enable_hotspot": True, "hotspot_interfaces": ["ether2"],
           "hotspot_networks": {"ether2": {"gateway": "10.5.50.1/24",
                                           "pool": "10.5.50.10-10.5.50.254"}},
           "portal_title": "Versions", "login_methods": ["http-chap", "cookie"]}
PAGES = ("login.html", "alogin.html", "status.html", "logout.html", "error.html", "md5.js")


@pytest.fixture(autouse=True)
def fast_probing(settings):
    settings.PROBE_INTERVAL_SECONDS = 0.3
    settings.ROUTER_CONNECT_TIMEOUT = 2.0


def test_the_gates_live_in_one_table():
    assert not versions.supports("7.8 (stable)", "file-add")
    assert versions.supports("7.9beta2", "file-add")
    assert versions.supports("7.12.1", "file-add") and not versions.supports("7.12.1",
                                                                             "file-add-ret")
    assert versions.supports("7.13", "file-add-ret")
    assert versions.too_old("6.49.10") and not versions.too_old("7.1")


def test_on_7_8_custom_pages_are_refused_up_front_and_default_pages_deploy(
        alice_client, acme, routersim):
    sim = routersim(version="7.8")
    router = wizard.onboard(acme, sim)
    page = alice_client.get(f"/routers/{router.pk}/services/").content.decode()
    assert "RouterOS 7.8" in page and "cannot take uploaded pages" in page
    response = wizard.generate(alice_client, router, HOTSPOT)
    assert response.status_code == 400
    [message] = response.json()["errors"]["portal_pages"]
    assert "RouterOS 7.8 cannot take the portal's own pages" in message
    assert "from RouterOS 7.9" in message and "router's default pages" in message
    assert not RouterConfig.objects.filter(router=router, kind="service").exists()
    assert router.deployments.count() == 0  # nothing was sent to the router

    response = wizard.generate(alice_client, router, {**HOTSPOT, "portal_pages": "router"})
    assert response.status_code == 200, response.content
    assert "/file" not in response.json()["service_script"]
    dep = wizard.deploy(alice_client, router)
    assert dep.status == "completed", dep.error
    [profile] = [p for p in sim.items("/ip/hotspot/profile") if p["name"] != "default"]
    assert profile["html-directory"] == "hotspot"  # RouterOS's own pages
    assert sim.file("hotspot/login.html") is not None


@pytest.mark.parametrize("version", ["7.12", "7.16"])
def test_custom_pages_deploy_with_the_pages_in_place(alice_client, acme, routersim, version):
    sim = routersim(version=version)  # 7.12: /file add answers no id (looked up by name)
    router = wizard.onboard(acme, sim)
    response = wizard.generate(alice_client, router, HOTSPOT)
    assert response.status_code == 200, response.content
    plan = Plan.from_dict(RouterConfig.objects.get(pk=response.json()["config_id"]).plan)
    dep = wizard.deploy(alice_client, router)
    assert dep.status == "completed", dep.error
    directory = f"hs{plan.tag_id}"
    [profile] = [p for p in sim.items("/ip/hotspot/profile") if p["name"] != "default"]
    assert profile["html-directory"] == directory
    for name in PAGES:
        assert sim.file(f"{directory}/{name}") is not None, name
    assert "Versions" in sim.file(f"{directory}/login.html")["contents"]
    assert all(i["id"] for i in dep.created_items)  # every file found, id or not


def test_on_a_board_with_flash_the_pages_live_under_flash_and_survive_a_reboot(
        alice_client, acme, routersim):
    sim = routersim(version="7.16", flash=True)
    router = wizard.onboard(acme, sim)
    assert wizard.interfaces(alice_client, router)  # discovery notes the flash directory
    response = wizard.generate(alice_client, router, HOTSPOT)
    assert response.status_code == 200, response.content
    plan = Plan.from_dict(RouterConfig.objects.get(pk=response.json()["config_id"]).plan)
    assert wizard.deploy(alice_client, router).status == "completed"
    directory = f"flash/hs{plan.tag_id}"
    [profile] = [p for p in sim.items("/ip/hotspot/profile") if p["name"] != "default"]
    assert profile["html-directory"] == directory
    sim.reboot()
    for name in PAGES:
        assert sim.file(f"{directory}/{name}") is not None, name
    # A removal takes the pages (and their directory) away again.
    assert wizard.remove(alice_client, router).status == "completed"
    assert not [f for f in sim.items("/file") if f["name"].startswith(directory)]
