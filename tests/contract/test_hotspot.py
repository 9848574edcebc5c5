"""Contract: what a hotspot server does to the firewall by itself.

On a live router the server runs on a new, empty bridge (no clients can reach it),
and everything it brings goes away with it, except the static "place hotspot rules
here" rules, which are removed only if this test made them.
"""

import pytest

from routers.routeros import RouterCommandError

from .conftest import TAG

pytestmark = pytest.mark.timeout(120)
PLACEHOLDER = "place hotspot rules here"


def dynamic(rows):
    return [r for r in rows if r.get("dynamic") == "true"]


def test_a_hotspot_server_brings_dynamic_rules_that_cannot_be_changed(router):
    bridge = f"{TAG}-br"
    with router.client() as ros:
        had_placeholder = {path: bool(ros.print(path, comment=PLACEHOLDER))
                           for path in ("/ip/firewall/filter", "/ip/firewall/nat",
                                        "/ip/hotspot/walled-garden")}
        before_nat = {r[".id"] for r in dynamic(ros.print("/ip/firewall/nat"))}
        router.made("/interface/bridge", ros.add("/interface/bridge", name=bridge))
        router.made("/ip/address", ros.add("/ip/address", address="198.51.100.1/24",
                                           interface=bridge, comment=TAG))
        server = router.made("/ip/hotspot", ros.add("/ip/hotspot", name=f"{TAG}-hs",
                                                   interface=bridge))
        garden = router.made("/ip/hotspot/walled-garden/ip", ros.add(
            "/ip/hotspot/walled-garden/ip", dst_address="198.51.100.200", comment=TAG))
        try:
            nat = dynamic(ros.print("/ip/firewall/nat"))
            rules = dynamic(ros.print("/ip/firewall/filter"))
            assert any(r.get("jump-target") == "hotspot" and r["chain"] == "dstnat" for r in nat)
            assert {"hs-unauth", "hs-input"} <= {r["chain"] for r in rules}
            tagged = [r for r in rules if r.get("comment") == TAG]
            assert {r["chain"] for r in tagged} >= {"hs-unauth"}
            assert {"bytes", "packets"} <= set(nat[0])
            new_rule = next(r for r in nat if r[".id"] not in before_nat)
            with pytest.raises(RouterCommandError) as err:
                ros.remove("/ip/firewall/nat", new_rule[".id"])
            with pytest.raises(RouterCommandError):
                ros.set("/ip/firewall/nat", new_rule[".id"], comment=TAG)
            if router.sim is not None:
                assert err.value.message == "failure: can not change dynamic"
            ros.remove("/ip/hotspot/walled-garden/ip", garden)
            assert not [r for r in ros.print("/ip/firewall/filter") if r.get("comment") == TAG]
        finally:
            ros.remove("/ip/hotspot", server)
        after = {r[".id"] for r in dynamic(ros.print("/ip/firewall/nat"))}
        assert after == before_nat
        for path, had in had_placeholder.items():
            left = ros.print(path, comment=PLACEHOLDER)
            assert left and left[0]["disabled"] == "true"  # stays after the server is gone
            if not had:
                for row in left:
                    router.made(path, row[".id"])


def test_firewall_counters_move_between_reads(router):
    with router.client() as ros:
        rule = router.made("/ip/firewall/filter", ros.add(
            "/ip/firewall/filter", chain=f"{TAG}-chain", action="passthrough", comment=TAG))
        first = ros.print("/ip/firewall/filter", **{".id": rule})[0]
    assert first["bytes"].isdigit() and first["packets"].isdigit()
    if router.sim is not None:  # a live rule in an unused chain sees no traffic
        with router.client() as ros:
            second = ros.print("/ip/firewall/filter", **{".id": rule})[0]
        assert int(second["packets"]) > int(first["packets"])
