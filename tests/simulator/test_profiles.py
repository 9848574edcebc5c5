"""Router profiles: a bare router, a new hEX with its factory configuration, a CHR."""

import librouteros
import pytest
from librouteros.exceptions import MultiTrapError

from routers.simulator.rawclient import RawClient

pytestmark = pytest.mark.timeout(60)


def api(router):
    return librouteros.connect(router.host, "admin", "", port=router.port, timeout=10)


def test_it_starts_a_bare_router_with_free_ports(routersim):
    router = routersim()
    assert [(i["name"], i["slave"], i["running"]) for i in router.items("/interface")] == [
        (f"ether{n}", "false", "true") for n in range(1, 6)]
    assert router.items("/ip/firewall/filter") == []
    assert router.items("/interface/bridge") == []


def test_it_starts_a_defconf_router_as_a_new_hex_leaves_the_box(routersim):
    router = routersim(profile="defconf")
    ros = api(router)
    try:
        ports = list(ros.path("interface", "bridge", "port"))
        assert [(p["bridge"], p["interface"], p["comment"]) for p in ports] == [
            ("bridge", f"ether{n}", "defconf") for n in range(2, 6)]
        interfaces = {i["name"]: i for i in ros.path("interface")}
        assert [n for n, i in interfaces.items() if i["slave"]] == [
            "ether2", "ether3", "ether4", "ether5"]
        assert interfaces["bridge"]["type"] == "bridge" and not interfaces["ether1"]["slave"]
        assert [(a["address"], a["interface"]) for a in ros.path("ip", "address")] == [
            ("192.168.88.1/24", "bridge")]
        assert [(c["interface"], c["comment"]) for c in ros.path("ip", "dhcp-client")] == [
            ("ether1", "defconf")]
        server = list(ros.path("ip", "dhcp-server"))[0]
        assert (server["name"], server["interface"], server["address-pool"]) == (
            "defconf", "bridge", "default-dhcp")
        network = list(ros.path("ip", "dhcp-server", "network"))[0]
        assert (network["address"], network["gateway"], network["dns-server"]) == (
            "192.168.88.0/24", "192.168.88.1", "192.168.88.1")
        members = [(m["list"], m["interface"]) for m in ros.path("interface", "list", "member")]
        assert members == [("LAN", "bridge"), ("WAN", "ether1")]
        assert list(ros.path("ip", "dns"))[0]["allow-remote-requests"] is True
        static = [r for r in ros.path("ip", "firewall", "filter") if not r["dynamic"]]
        input_chain = [r["comment"] for r in static if r["chain"] == "input"]
        assert input_chain[-1] == "defconf: drop all not coming from LAN"
        drop = static[[r["comment"] for r in static].index(input_chain[-1])]
        assert (drop["action"], drop["in-interface-list"]) == ("drop", "!LAN")
        nat = list(ros.path("ip", "firewall", "nat"))
        assert [(r["action"], r["out-interface-list"], r["comment"]) for r in nat] == [
            ("masquerade", "WAN", "defconf: masquerade")]
    finally:
        ros.close()


def test_it_answers_routerboard_on_a_chr_with_two_traps(routersim):
    router = routersim(profile="chr", version="7.21")
    raw = RawClient.connect(router.host, router.port)
    raw.login()
    assert raw.ask("/system/routerboard/print") == [
        ["!trap", "=category=0", "=message=no such command or directory (routerboard)"],
        ["!trap", "=message=no such command prefix"],
        ["!done"]]
    resource = dict(w[1:].split("=", 1) for w in raw.ask("/system/resource/print")[0][1:])
    assert resource["board-name"] == "CHR QEMU Standard PC (i440FX + PIIX, 1996)"
    assert resource["architecture-name"] == "x86_64"
    assert [i["name"] for i in router.items("/interface")][:2] == ["ether1", "ether2"]
    ros = api(router)
    try:
        with pytest.raises(MultiTrapError) as traps:
            list(ros.path("system", "routerboard"))
        assert [t.message for t in traps.value.traps] == [
            "no such command or directory (routerboard)", "no such command prefix"]
    finally:
        ros.close()


def test_it_shows_a_flash_directory_on_boards_that_have_one(routersim):
    with_flash, without = routersim(flash=True), routersim()
    assert [(f["name"], f["type"]) for f in with_flash.items("/file")] == [
        ("flash", "directory")]
    assert without.items("/file") == []


def test_it_refuses_an_unknown_profile(routersim):
    with pytest.raises(ValueError, match="unknown router profile"):
        routersim(profile="hex")
