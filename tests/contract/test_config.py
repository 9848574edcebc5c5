"""Contract: configuration semantics (flag sets, rule order, files and the hotspot's
html-directory, the policies writes need)."""

import pytest

from routers.routeros import RouterCommandError

from .conftest import TAG

pytestmark = pytest.mark.timeout(120)


def test_flag_sets_come_back_as_the_same_set_in_the_routers_own_order(router):
    with router.client() as ros:
        profile = router.made("/ip/hotspot/profile", ros.add(
            "/ip/hotspot/profile", name=f"{TAG}-hp", login_by="http-chap,cookie"))
        radius = router.made("/radius", ros.add(
            "/radius", address="192.0.2.99", secret="contract", service="hotspot,ppp",
            comment=TAG, disabled=True))
        login_by = ros.print("/ip/hotspot/profile", **{".id": profile})[0]["login-by"]
        service = ros.print("/radius", **{".id": radius})[0]["service"]
    # What the product may rely on: the same set comes back.
    assert set(login_by.split(",")) == {"http-chap", "cookie"}
    assert set(service.split(",")) == {"hotspot", "ppp"}
    # What the simulator models (the command database's order).
    assert (login_by, service) == ("cookie,http-chap", "ppp,hotspot")


def test_a_user_group_prints_granted_policies_first_then_the_rest_negated(router):
    with router.client() as ros:
        group = router.made("/user/group", ros.add(
            "/user/group", name=f"{TAG}-g", policy="sensitive,api,read,write"))
        policy = ros.print("/user/group", **{".id": group})[0]["policy"]
    granted = [p for p in policy.split(",") if not p.startswith("!")]
    assert set(granted) == {"read", "write", "sensitive", "api"}
    assert policy.startswith("read,write,sensitive,api,!")


def test_place_before_and_move_put_rules_exactly_where_asked(router):
    chain = f"{TAG}-chain"  # a chain nothing jumps to: harmless on a live router

    def add(ros, name, **extra):
        return router.made("/ip/firewall/filter", ros.add(
            "/ip/firewall/filter", chain=chain, action="passthrough", disabled=True,
            comment=f"{TAG} {name}", **extra))

    with router.client() as ros:
        a, b, c = add(ros, "a"), add(ros, "b"), add(ros, "c")
        d = add(ros, "d", place_before=b)

        def order():
            return [r[".id"] for r in ros.print("/ip/firewall/filter", chain=chain)]

        assert order() == [a, d, b, c]
        ros.run("/ip/firewall/filter/move", numbers=f"{c},{a}", destination=d)
        assert order() == [c, a, d, b]
        ros.run("/ip/firewall/filter/move", numbers=c)  # no destination: to the end
        assert order() == [a, d, b, c]


@pytest.mark.contract(versions=("7.8", "7.12", "7.16", "7.21"))
def test_file_add_and_the_hotspot_html_directory(router):
    with router.client() as ros:
        if not router.at_least(7, 9):
            with pytest.raises(RouterCommandError) as err:
                ros.add("/file", name=f"{TAG}/login.html", contents="<html></html>")
            assert err.value.message == "no such command prefix"
            return
        flash = bool(ros.print("/file", name="flash"))
        folder = f"flash/{TAG}" if flash else TAG
        new_id = ros.add("/file", name=f"{folder}/login.html", contents="<html>$(chap-id)</html>")
        found = ros.print("/file", name=f"{folder}/login.html")
        assert len(found) == 1
        router.made("/file", found[0][".id"])
        assert new_id == (found[0][".id"] if router.at_least(7, 13) else "")
        assert found[0]["contents"] == "<html>$(chap-id)</html>"
        profile = router.made("/ip/hotspot/profile", ros.add(
            "/ip/hotspot/profile", name=f"{TAG}-html", html_directory=folder))
        assert ros.print("/ip/hotspot/profile", **{".id": profile})[0][
            "html-directory"] == folder


def test_file_writes_need_the_ftp_policy(router):
    with router.client() as ros:
        router.made("/user/group", ros.add(
            "/user/group", name=f"{TAG}-api", policy="read,write,api,policy,test,sensitive"))
        router.made("/user", ros.add("/user", name=f"{TAG}-u", group=f"{TAG}-api",
                                     password="Contract-Pass-1"))
    with router.client(user=f"{TAG}-u", password="Contract-Pass-1") as limited:
        assert isinstance(limited.print("/ip/pool"), list)
        if not router.at_least(7, 9):
            return
        with pytest.raises(RouterCommandError) as err:
            limited.add("/file", name=f"{TAG}-nope.txt", contents="x")
        assert err.value.message == "not enough permissions (9)"


@pytest.mark.contract(profiles=("defconf",))
def test_a_factory_router_drops_input_that_is_not_from_lan(router):
    with router.client() as ros:
        rules = ros.print("/ip/firewall/filter")
        ports = ros.print("/interface/bridge/port")
        interfaces = {i["name"]: i for i in ros.print("/interface")}
    drop = [r for r in rules if r.get("comment") == "defconf: drop all not coming from LAN"]
    if router.real and not drop:
        pytest.skip("this router does not run the factory configuration")
    assert (drop[0]["chain"], drop[0]["action"], drop[0]["in-interface-list"]) == (
        "input", "drop", "!LAN")
    for port in ports:
        assert interfaces[port["interface"]]["slave"] == "true"
