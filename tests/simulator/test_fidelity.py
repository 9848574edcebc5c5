"""What real routers print: version gates, flag sets in RouterOS's order, no empty
values, and the policies a user's group must grant."""

import pytest

from routers.routeros import RouterCommandError, RouterOSClient
from routers.simulator import versions
from routers.simulator.rawclient import RawClient

pytestmark = pytest.mark.timeout(60)


def connect(router, user="admin", password=""):
    raw = RawClient.connect(router.host, router.port)
    raw.login(user, password)
    return raw


@pytest.mark.parametrize(("version", "file_add", "ret", "empty"), [
    ("7.1", False, False, False),
    ("7.8", False, False, False),
    ("7.12", True, False, False),
    ("7.16", True, True, False),
    ("7.21", True, True, True),
])
def test_it_gates_file_add_its_id_and_empty_by_version(routersim, version, file_add, ret, empty):
    raw = connect(routersim(version=version))
    reply = raw.ask("/file/add", "=name=a.txt", "=contents=x")
    if not file_add:
        assert reply[0] == ["!trap", "=category=0", "=message=no such command or directory (add)"]
    elif ret:
        assert reply == [["!done", "=ret=*1"]]
    else:
        assert reply == [["!done"]]
    expected = [["!empty"], ["!done"]] if empty else [["!done"]]
    assert raw.ask("/ip/pool/print") == expected


def test_it_keeps_every_version_gate_in_one_table():
    matrix = dict(versions.table(("7.8", "7.12", "7.16", "7.21")))
    assert matrix["file-add"] == [False, True, True, True]
    assert matrix["file-add-ret"] == [False, False, True, True]
    assert matrix["empty-reply"] == [False, False, False, True]
    assert all(gate.source for gate in versions.FEATURES.values())


def test_it_prints_flag_sets_in_routeros_order_whatever_was_written(routersim):
    router = routersim()
    with RouterOSClient(router.host, router.port, timeout=5) as ros:
        ros.add("/ip/hotspot/profile", name="hs", login_by="http-chap,cookie")
        ros.add("/radius", address="10.0.0.1", secret="s", service="hotspot,ppp")
        ros.add("/user/group", name="api", policy="read,write,api,policy,test,sensitive")
        ros.add("/interface/pppoe-server/server", service_name="isp", interface="ether3",
                authentication="mschap2,pap")
        assert ros.print("/ip/hotspot/profile", name="hs")[0]["login-by"] == "cookie,http-chap"
        assert ros.print("/radius")[0]["service"] == "ppp,hotspot"
        assert ros.print("/user/group", name="api")[0]["policy"] == (
            "read,write,policy,test,sensitive,api,!local,!telnet,!ssh,!ftp,!reboot,!winbox,"
            "!password,!web,!sniff,!romon,!rest-api")
        assert ros.print("/interface/pppoe-server/server")[0]["authentication"] == "pap,mschap2"
        ros.set("/ip/hotspot/profile", "hs", login_by="trial,https,mac")
        assert ros.print("/ip/hotspot/profile", name="hs")[0]["login-by"] == "mac,https,trial"


def test_it_leaves_empty_values_out_of_print_replies(routersim):
    router = routersim()
    raw = connect(router)
    raw.ask("/ip/pool/add", "=name=p1", "=ranges=10.0.0.2-10.0.0.9", "=comment=")
    assert raw.ask("/ip/pool/print", "=.proplist=name,comment") == [
        ["!re", "=name=p1"], ["!done"]]
    assert raw.ask("/ip/service/print", "=.proplist=address") == [["!re"]] * 8 + [["!done"]]
    assert router.item("/ip/pool", name="p1")["comment"] == ""  # stored, not printed


def test_it_wants_the_ftp_policy_for_file_writes(routersim):
    router = routersim()
    router.add("/user/group", name="api", policy="read,write,api,policy,test,sensitive")
    router.add_user("product", "pw", group="api")
    raw = connect(router, "product", "pw")
    denied = [["!trap", "=message=not enough permissions (9)"], ["!done"]]
    assert raw.ask("/file/add", "=name=hs/login.html", "=contents=x") == denied
    assert raw.ask("/ip/pool/add", "=name=p", "=ranges=10.0.0.1")[-1][0] == "!done"
    router.add("/user/group", name="api-ftp", policy="read,write,api,ftp")
    router.add_user("ftp", "pw", group="api-ftp")
    allowed = connect(router, "ftp", "pw")
    assert allowed.ask("/file/add", "=name=hs/login.html", "=contents=x")[-1][0] == "!done"
    assert raw.ask("/file/remove", "=numbers=hs/login.html") == denied
    assert raw.ask("/file/print", "=.proplist=name") == [
        ["!re", "=name=hs/login.html"], ["!done"]]


def test_it_wants_the_write_policy_for_changes(routersim):
    router = routersim()
    router.add_user("viewer", "pw", group="read")
    with RouterOSClient(router.host, router.port, "viewer", "pw", timeout=5) as ros:
        assert ros.print("/ip/pool") == []
        with pytest.raises(RouterCommandError) as err:
            ros.add("/ip/pool", name="p", ranges="10.0.0.1")
        assert err.value.message == "not enough permissions (9)"
