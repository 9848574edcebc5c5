"""Shared setup for provisioning tests: an online router on a simulator, a RADIUS server."""

from conftest import run_jobs
from provisioning.models import Deployment
from provisioning.services import compare
from provisioning.services.configure import generate_service_config
from provisioning.services.deploy import start_deploy
from radius.models import RadiusServer
from routers.choices import RouterStatus
from routers.models import Router

TOKEN = "tok-" + "x" * 40
MENUS = ("/ip/address", "/ip/pool", "/file", "/ip/hotspot/profile", "/ppp/profile",
         "/ip/hotspot", "/interface/pppoe-server/server", "/ip/hotspot/walled-garden/ip",
         "/ip/dhcp-server", "/ip/dhcp-server/network", "/radius", "/ip/firewall/nat",
         "/ppp/aaa", "/radius/incoming")

HOTSPOT = {"enable_hotspot": True, "hotspot_interfaces": ["ether2"],
           "hotspot_networks": {"ether2": {"gateway": "10.5.50.1/24",
                                           "pool": "10.5.50.10-10.5.50.254"}},
           "portal_title": "Cafe WiFi", "login_methods": ["http-chap", "mac"]}
PPPOE = {"enable_pppoe": True, "pppoe_interfaces": ["ether3"], "pppoe_service_name": "internet",
         "pppoe_local_address": "10.6.0.1", "pppoe_ip_pool": "10.6.0.10-10.6.0.250"}


def online_router(org, sim, name="edge-1"):
    sim.add_user(f"api-{name}", TOKEN, "full")
    return Router.objects.create(organization=org, name=name, host=sim.host, api_port=sim.port,
                                 api_username=f"api-{name}", config_token=TOKEN,
                                 status=RouterStatus.ONLINE)


def radius_server(org):
    return RadiusServer.objects.create(organization=org, name="main", host="10.0.0.5",
                                       nas_secret="nas-s3cret!", agent_url="http://10.0.0.5:8000/",
                                       agent_token="agent-token")


def with_radius(server, data):
    return {**data, "enable_radius": True, "radius_server": server.pk}


def generate(router, data):
    config, errors = generate_service_config(router, data)
    assert not errors, errors
    return config


def deploy(router, kind="deploy"):
    dep = start_deploy(Router.objects.get(pk=router.pk), kind=kind)
    run_jobs("provisioning")
    return Deployment.objects.get(pk=dep.pk)


def state(sim):
    """Every managed menu as the product's one comparison sees it (order where it matters)."""
    return {path: compare.menu_view(path, sim.items(path)) for path in MENUS}


def status(router):
    return Router.objects.get(pk=router.pk).status
