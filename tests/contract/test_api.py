"""Contract: the API words the product relies on (login, ids, trap texts, empty values,
unknown commands, tags)."""

import pytest
from librouteros.exceptions import MultiTrapError, TrapError

from routers.routeros import RouterAuthFailed, RouterCommandError

from .conftest import TAG

pytestmark = pytest.mark.timeout(120)


def test_a_wrong_password_is_refused_with_the_words_the_product_matches(router):
    with pytest.raises(RouterAuthFailed) as err:
        router.client(password=router.password + "-not-it").connect()
    assert err.value.router_message == "invalid user name or password (6)"


def test_add_answers_the_new_id_and_print_finds_it_by_id(router):
    with router.client() as ros:
        new_id = router.made("/ip/pool", ros.add("/ip/pool", name=f"{TAG}-p",
                                                 ranges="192.0.2.10-192.0.2.20"))
        assert new_id.startswith("*") and int(new_id[1:], 16) > 0
        assert [p["name"] for p in ros.print("/ip/pool", **{".id": new_id})] == [f"{TAG}-p"]


def test_traps_carry_the_texts_the_product_parses(router):
    with router.client() as ros:
        router.made("/ip/pool", ros.add("/ip/pool", name=f"{TAG}-dup", ranges="192.0.2.30"))
        with pytest.raises(RouterCommandError) as err:
            ros.add("/ip/pool", name=f"{TAG}-dup", ranges="192.0.2.31")
        assert err.value.message == "failure: pool with such name exists"
        with pytest.raises(RouterCommandError) as err:
            ros.add("/ip/address", address="192.0.2.1/24", interface=f"{TAG}-nowhere")
        assert (err.value.message, err.value.category) == (
            "input does not match any value of interface", 1)
        with pytest.raises(RouterCommandError) as err:
            ros.add("/ip/pool", name=f"{TAG}-x", ranges="192.0.2.40", **{"no-such-arg": "1"})
        assert err.value.message == "unknown parameter"
        with pytest.raises(RouterCommandError) as err:
            ros.remove("/ip/pool", "*FFFFFF")
        assert err.value.message == "no such item"


def test_properties_without_a_value_are_left_out_of_print(router):
    with router.client() as ros:
        new_id = router.made("/ip/pool", ros.add("/ip/pool", name=f"{TAG}-e",
                                                 ranges="192.0.2.50", comment=""))
        row = ros.print("/ip/pool", **{".id": new_id})[0]
        assert "comment" not in row  # read it as row.get("comment", "")
        assert ros.print("/ip/pool", proplist=["comment"], **{".id": new_id}) == [{}]


@pytest.mark.contract(versions=("7.12", "7.16", "7.21"))
def test_a_print_that_finds_nothing_is_an_empty_list(router):
    with router.client() as ros:
        assert ros.print("/ip/pool", name=f"{TAG}-none") == []
    raw = router.raw()
    expected = [["!empty"], ["!done"]] if router.at_least(7, 18) else [["!done"]]
    assert raw.ask("/ip/pool/print", f"?name={TAG}-none") == expected


def test_an_unknown_command_answers_two_traps(router):
    api = router.librouteros()
    try:
        with pytest.raises(MultiTrapError) as traps:
            list(api.path("ip", "no-such-menu"))
        assert [t.message for t in traps.value.traps] == [
            "no such command or directory (no-such-menu)", "no such command prefix"]
    finally:
        api.close()
    with router.client() as ros, pytest.raises(RouterCommandError) as err:
        ros.print("/ip/no-such-menu")
    assert err.value.message == "no such command prefix"  # routeros-api keeps the last trap


def test_routerboard_exists_except_on_chr(router):
    with router.client() as ros:
        if router.profile == "chr":
            with pytest.raises(RouterCommandError) as err:
                ros.print("/system/routerboard")
            assert err.value.message == "no such command prefix"
        else:
            assert ros.print("/system/routerboard")[0]["routerboard"] == "true"
        resource = ros.print("/system/resource")[0]
    if router.profile == "chr":
        assert resource["architecture-name"] == "x86_64"
        assert resource["board-name"].startswith("CHR")


def test_tagged_commands_sent_together_are_answered_each_with_its_tag(router):
    raw = router.raw()
    sequential = [raw.ask(*words) for words in (
        ("/system/identity/print",), ("/interface/print", "=.proplist=name"),
        ("/ip/pool/print", f"?name={TAG}-none"))]
    replies, _ = raw.pipeline(("/system/identity/print",),
                              ("/interface/print", "=.proplist=name"),
                              ("/ip/pool/print", f"?name={TAG}-none"),
                              ("/ip/pool/remove", "=.id=*FFFFFF"))
    assert [replies[str(n)] for n in (1, 2, 3)] == sequential
    assert replies["4"][0] == ["!trap", "=message=no such item"]
    api = router.librouteros()  # a client that sends no tags still gets none back
    try:
        with pytest.raises(TrapError):
            api.path("ip", "pool").remove("*FFFFFF")
        assert list(api.path("system", "identity"))
    finally:
        api.close()
