"""The hotspot's own firewall rules, the fasttrack counter rule, traffic counters,
and the order of rules: move and place-before."""

import pytest

from routers.routeros import RouterCommandError, RouterOSClient

pytestmark = pytest.mark.timeout(60)


def client(router):
    return RouterOSClient(router.host, router.port, timeout=5)


def chains(rows):
    return [(r["chain"], r["action"]) for r in rows]


def test_it_adds_the_hotspot_rules_and_takes_them_away_with_the_server(routersim):
    router = routersim()
    with client(router) as ros:
        mine = ros.add("/ip/firewall/filter", chain="input", action="accept", comment="mine")
        ros.add("/ip/address", address="10.5.0.1/24", interface="ether2")
        server = ros.add("/ip/hotspot", name="hs1", interface="ether2")
        nat = ros.print("/ip/firewall/nat")
        dynamic_nat = [r for r in nat if r["dynamic"] == "true"]
        assert chains(dynamic_nat)[:2] == [("dstnat", "jump"), ("hotspot", "jump")]
        assert {r["chain"] for r in dynamic_nat} == {"dstnat", "hotspot", "hs-unauth", "hs-auth"}
        rules = ros.print("/ip/firewall/filter")
        dynamic_filter = [r for r in rules if r["dynamic"] == "true"]
        assert {r["chain"] for r in dynamic_filter} == {
            "forward", "input", "hs-input", "hs-unauth", "hs-unauth-to"}
        assert rules[:len(dynamic_filter)] == dynamic_filter  # above the static rules
        assert [r[".id"] for r in rules if r["dynamic"] == "false"][0] == mine
        placeholder = [r for r in rules if r.get("comment") == "place hotspot rules here"]
        assert [(p["chain"], p["action"], p["disabled"]) for p in placeholder] == [
            ("unused-hs-chain", "passthrough", "true")]
        for command in ("remove", "set", "disable"):
            with pytest.raises(RouterCommandError) as err:
                ros.run(f"/ip/firewall/nat/{command}", {".id": dynamic_nat[0][".id"]})
            assert err.value.message == "failure: can not change dynamic"
        ros.remove("/ip/hotspot", server)
        assert all(r["dynamic"] == "false" for r in ros.print("/ip/firewall/nat"))
        left = [r.get("comment") for r in ros.print("/ip/firewall/filter")]
        assert left == ["mine", "place hotspot rules here"]
        assert [r.get("comment") for r in ros.print("/ip/hotspot/walled-garden")] == [
            "place hotspot rules here"]


def test_it_turns_walled_garden_ip_entries_into_dynamic_rules(routersim):
    router = routersim()
    with client(router) as ros:
        ros.add("/ip/hotspot", name="hs1", interface="ether2")
        entry = ros.add("/ip/hotspot/walled-garden/ip", dst_address="203.0.113.7",
                        comment="hotspot:portal")
        tagged = [r for r in ros.print("/ip/firewall/filter") if r.get("comment") ==
                  "hotspot:portal"]
        assert [(r["chain"], r["action"], r["dynamic"]) for r in tagged] == [
            ("hs-unauth", "return", "true"), ("hs-unauth-to", "return", "true")]
        assert tagged[0]["dst-address"] == tagged[1]["src-address"] == "203.0.113.7"
        nat = [r for r in ros.print("/ip/firewall/nat") if r.get("comment") == "hotspot:portal"]
        assert chains(nat) == [("hs-unauth", "return")]
        with pytest.raises(RouterCommandError):
            ros.remove("/ip/firewall/filter", tagged[0][".id"])
        ros.remove("/ip/hotspot/walled-garden/ip", entry)
        assert not [r for r in ros.print("/ip/firewall/filter")
                    if r.get("comment") == "hotspot:portal"]


def test_it_shows_the_fasttrack_counter_rule_first_on_defconf(routersim):
    router = routersim(profile="defconf")
    with client(router) as ros:
        first = ros.print("/ip/firewall/filter")[0]
        assert (first["dynamic"], first["comment"]) == (
            "true", "special dummy rule to show fasttrack counters")
        with pytest.raises(RouterCommandError) as err:
            ros.run("/ip/firewall/filter/disable", {".id": first[".id"]})
        assert err.value.message == "failure: cannot change builtin"


def test_it_moves_counters_between_reads(routersim):
    router = routersim(profile="defconf")
    with client(router) as ros:
        before = {r[".id"]: int(r["packets"]) for r in ros.print("/ip/firewall/filter")}
        after = {r[".id"]: int(r["packets"]) for r in ros.print("/ip/firewall/filter")}
    assert before.keys() == after.keys()
    assert all(after[i] > before[i] for i in before)
    assert all("bytes" in r for r in router.items("/ip/firewall/nat"))


def test_it_places_rules_before_a_given_rule_and_moves_them(routersim):
    router = routersim(profile="defconf")
    with client(router) as ros:
        rules = ros.print("/ip/firewall/filter")
        drop = next(r[".id"] for r in rules
                    if r.get("comment") == "defconf: drop all not coming from LAN")
        dhcp = ros.add("/ip/firewall/filter", chain="input", action="accept", protocol="udp",
                       dst_port="67", comment="dhcp", place_before=drop)
        dns = ros.add("/ip/firewall/filter", chain="input", action="accept", protocol="udp",
                      dst_port="53", comment="dns", place_before=drop)
        order = [r[".id"] for r in ros.print("/ip/firewall/filter")]
        assert order[order.index(drop) - 2:order.index(drop) + 1] == [dhcp, dns, drop]
        last = order[-1]
        ros.run("/ip/firewall/filter/move", numbers=f"{dns},{dhcp}", destination=last)
        order = [r[".id"] for r in ros.print("/ip/firewall/filter")]
        assert order[-3:] == [dns, dhcp, last]
        ros.run("/ip/firewall/filter/move", numbers=dns)  # no destination: to the end
        order = [r[".id"] for r in ros.print("/ip/firewall/filter")]
        assert order[-1] == dns
        assert router.items("/ip/firewall/filter")[0]["dynamic"] == "true"  # dummy stays first


def test_it_keeps_dynamic_rows_in_their_place_when_static_rules_move(routersim):
    router = routersim()
    with client(router) as ros:
        a = ros.add("/ip/firewall/nat", chain="srcnat", action="masquerade", comment="a")
        ros.add("/ip/hotspot", name="hs1", interface="ether2")
        dynamic_ids = [r[".id"] for r in router.dynamic_items("/ip/firewall/nat")]
        b = ros.add("/ip/firewall/nat", chain="pre-hotspot", action="accept", comment="b",
                    place_before="0")
        order = [r[".id"] for r in ros.print("/ip/firewall/nat")]
        assert order[0] == b and order[1:1 + len(dynamic_ids)] == dynamic_ids
        jump = next(r for r in ros.print("/ip/firewall/nat")
                    if r.get("jump-target") == "pre-hotspot")
        assert jump["invalid"] == "false"  # its chain has a rule now
        ros.run("/ip/firewall/nat/move", numbers=b, destination=a)
        order = [r[".id"] for r in ros.print("/ip/firewall/nat")]
        assert order[:len(dynamic_ids)] == dynamic_ids
        with pytest.raises(RouterCommandError):
            ros.run("/ip/firewall/nat/move", numbers=dynamic_ids[0], destination=a)


def test_it_orders_other_menus_that_have_move(routersim):
    router = routersim()
    with client(router) as ros:
        first = ros.add("/queue/simple", name="q1", target="10.0.0.1/32")
        second = ros.add("/queue/simple", name="q2", target="10.0.0.2/32", place_before=first)
        assert [q["name"] for q in ros.print("/queue/simple")] == ["q2", "q1"]
        ros.run("/queue/simple/move", numbers=second, destination=first)
        ros.run("/queue/simple/move", numbers=second)
        assert [q[".id"] for q in ros.print("/queue/simple")] == [first, second]
        a = ros.add("/ip/hotspot/walled-garden", dst_host="a.example")
        b = ros.add("/ip/hotspot/walled-garden", dst_host="b.example", place_before=a)
        assert [w[".id"] for w in ros.print("/ip/hotspot/walled-garden")] == [b, a]
