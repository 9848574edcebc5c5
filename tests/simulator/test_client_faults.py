"""routers/routeros/ against injected faults: each shows up as the right exception."""

import socket
import time

import pytest

from routers.routeros import (
    RouterAuthFailed,
    RouterCommandError,
    RouterConnectionLost,
    RouterOSClient,
    RouterTimeout,
    RouterTLSError,
    RouterUnreachable,
    probe,
)

pytestmark = pytest.mark.timeout(60)


def client(router, timeout=5.0, **kw):
    return RouterOSClient(router.host, router.port, "admin", kw.pop("password", ""),
                          timeout=timeout, **kw)


def test_it_does_print_add_set_remove_and_run(routersim):
    router = routersim(identity="edge-1", version="7.18")
    with client(router) as ros:
        new_id = ros.add("/ip/pool", name="p1", ranges="10.0.0.2-10.0.0.9", comment="made")
        assert ros.print("/ip/pool", name="p1") == [
            {".id": new_id, "name": "p1", "ranges": "10.0.0.2-10.0.0.9", "comment": "made",
             "next-pool": "none"}]
        assert ros.print("/ip/pool", proplist=["name"]) == [{"name": "p1"}]
        ros.set("/ip/pool", new_id, comment="")
        ros.set("/system/identity", name="renamed")
        ros.add("/ip/hotspot/profile", name="hs", login_by="http-chap,mac")
        # RouterOS keeps a flag set and prints it in its own order.
        assert ros.print("/ip/hotspot/profile", name="hs")[0]["login-by"] == "mac,http-chap"
        ros.set("/ip/service", "api", disabled=False, port=8728)
        ros.add("/file", name="a.rsc", contents='/ip pool add name="q" ranges="10.1.1.1"')
        ros.run("/import", file_name="a.rsc")
        ros.remove("/ip/pool", new_id)
        assert [p["name"] for p in ros.print("/ip/pool")] == ["q"]
        assert ros.print("/system/identity") == [{"name": "renamed"}]
        assert ros.print("/ip/pool", name="nothing") == []
    assert router.item("/ip/service", name="api")["disabled"] == "false"


def test_it_maps_traps_to_command_errors(routersim):
    router = routersim()
    with client(router) as ros:
        ros.add("/ppp/secret", name="alice", password="pw")
        with pytest.raises(RouterCommandError) as err:
            ros.add("/ppp/secret", name="alice", password="pw2")
        assert err.value.message == "failure: secret with the same name already exists"
        assert err.value.path == "/ppp/secret/add"
        with pytest.raises(RouterCommandError) as err:
            ros.add("/ip/hotspot", interface="wlan9")
        assert (err.value.message, err.value.category) == (
            "input does not match any value of interface", 1)
        with pytest.raises(RouterCommandError) as err:
            ros.add("/ip/hotspot", interface="ether2", comment="tag")
        assert err.value.message == "unknown parameter"
        with pytest.raises(RouterCommandError) as err:
            ros.remove("/ip/pool", "*99")
        assert err.value.message == "no such item"
        assert ros.print("/ppp/secret", proplist=["name"]) == [{"name": "alice"}]  # still usable


def test_it_reports_refused_login_without_the_password(routersim):
    router = routersim(users={"admin": "s3cret-Pa55"})
    router.faults.refuse_login()
    with pytest.raises(RouterAuthFailed) as err:
        client(router, password="s3cret-Pa55").connect()
    assert "s3cret-Pa55" not in str(err.value) and "s3cret-Pa55" not in repr(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__
    router.faults.clear()
    with pytest.raises(RouterAuthFailed):
        client(router, password="wrong").connect()
    client(router, password="s3cret-Pa55").connect().close()


def test_it_sees_an_offline_router_as_refused_and_back_online(routersim):
    router = routersim()
    router.go_offline()
    with pytest.raises(RouterUnreachable) as err:
        client(router).connect()
    assert err.value.reason == "refused"
    router.come_online()
    with client(router) as ros:
        assert ros.print("/system/identity") == [{"name": "MikroTik"}]


def test_it_comes_back_after_a_timed_outage(routersim):
    router = routersim()
    router.go_offline(seconds=0.5)
    with pytest.raises(RouterUnreachable):
        client(router).connect()
    deadline = time.monotonic() + 20
    while True:
        try:
            client(router).connect().close()
            break
        except RouterUnreachable:
            assert time.monotonic() < deadline
            time.sleep(0.1)


# A hang must end in an exception, never block: the mark fails the test if it blocks.
@pytest.mark.timeout(20)
def test_it_gives_up_on_a_hanging_router_within_the_timeout(routersim):
    router = routersim()
    router.faults.hang()
    with pytest.raises((RouterUnreachable, RouterTimeout)) as err:
        probe(router.host, router.port, "admin", "", timeout=1.0)
    assert getattr(err.value, "reason", "timeout") == "timeout"
    # A hang after login is a command timeout.
    router.faults.clear()
    with client(router, timeout=1.0) as ros:
        router.faults.hang()
        with pytest.raises(RouterTimeout):
            ros.print("/ip/pool")


def test_it_reports_a_dropped_connection(routersim):
    router = routersim()
    router.faults.drop_after(2)  # login + one command answered, the third is dropped
    with client(router) as ros:
        ros.print("/ip/pool")
        with pytest.raises(RouterConnectionLost):
            ros.print("/ip/pool")
        assert not ros.connected


def test_it_traps_a_chosen_path_only_the_nth_time(routersim):
    router = routersim()
    router.faults.trap("/ip/pool/add", "failure: out of memory", nth=2)
    with client(router) as ros:
        ros.add("/ip/pool", name="a", ranges="10.0.0.1")
        with pytest.raises(RouterCommandError) as err:
            ros.add("/ip/pool", name="b", ranges="10.0.0.2")
        assert err.value.message == "failure: out of memory"
        ros.add("/ip/pool", name="c", ranges="10.0.0.3")
    assert [p["name"] for p in router.items("/ip/pool")] == ["a", "c"]


def test_it_still_works_with_latency(routersim):
    router = routersim()
    router.faults.latency(0.2)
    with client(router, timeout=10) as ros:
        assert ros.print("/system/identity") == [{"name": "MikroTik"}]


def test_it_classifies_connect_failures():
    with pytest.raises(RouterUnreachable) as err:
        RouterOSClient("no-such-host.invalid", 8728, timeout=2).connect()
    assert err.value.reason in ("dns", "network")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(RouterUnreachable) as err:
        RouterOSClient("127.0.0.1", port, timeout=2).connect()
    assert err.value.reason == "refused"


def test_it_speaks_tls_once_api_ssl_has_a_certificate(routersim):
    router = routersim(tls=True)
    with pytest.raises(RouterTLSError):  # a new router's api-ssl offers only anonymous DH
        RouterOSClient(router.host, router.tls_port, use_tls=True, timeout=5).connect()
    router.install_certificate()
    with RouterOSClient(router.host, router.tls_port, use_tls=True, timeout=5) as ros:
        assert ros.print("/system/identity") == [{"name": "MikroTik"}]


def test_it_probes_identity_resource_and_interfaces(routersim):
    router = routersim(identity="site-7", version="7.16")
    found = probe(router.host, router.port, "admin", "", timeout=5)
    assert found["identity"] == {"name": "site-7"}
    assert found["resource"]["version"] == "7.16 (stable)"
    assert [i["name"] for i in found["interfaces"]] == [f"ether{i}" for i in range(1, 6)]


def test_it_traps_the_nth_command_overall(routersim):
    router = routersim()
    router.faults.trap(None, "failure: simulated", category=4, nth=3)  # login is command 1
    with client(router) as ros:
        ros.print("/ip/pool")
        with pytest.raises(RouterCommandError) as err:
            ros.print("/ip/pool")
        assert (err.value.message, err.value.category) == ("failure: simulated", 4)
        ros.print("/ip/pool")


def test_it_serves_test_made_sessions_and_scripts(routersim):
    router = routersim()
    router.add_item("/ip/hotspot/active", user="v-123", address="10.5.0.9",
                    **{"mac-address": "AA:BB:CC:00:11:22", "uptime": "5m"})
    router.add_item("/ppp/active", name="alice", service="pppoe", address="10.6.0.5")
    with client(router) as ros:
        assert ros.print("/ip/hotspot/active", proplist=["user"]) == [{"user": "v-123"}]
        assert ros.print("/ppp/active", name="alice")[0]["address"] == "10.6.0.5"
        source = ':put "hi"\n/ip pool add name=s ranges=1.1.1.1'
        ros.add("/system/script", name="hello", source=source)
        assert ros.run("/system/script/run", number="hello").ret == "hi"
        with pytest.raises(RouterCommandError) as err:
            ros.add("/ip/hotspot/active", user="x")
        assert "no such command" in err.value.message
    assert router.item("/ip/pool", name="s")


def test_it_has_no_file_add_on_routeros_6(routersim):
    router = routersim(version="6.49.10")
    with client(router) as ros:
        with pytest.raises(RouterCommandError) as err:
            ros.add("/file", name="x.rsc", contents="")
        # Two traps (no such command or directory (add), no such command prefix);
        # routeros-api keeps the last one.
        assert err.value.message == "no such command prefix"
        ros.run("/file/print", file="export")  # v6: print to a file creates it
        assert ros.print("/file", proplist=["name"]) == [{"name": "export.txt"}]
        ros.set("/file", "export.txt", contents="/ip pool add name=v6 ranges=1.1.1.1")
        ros.run("/import", {"file-name": "export.txt"})
        assert ros.print("/system/resource")[0]["version"] == "6.49.10 (long-term)"
    assert router.item("/ip/pool", name="v6")


def test_it_reports_a_failed_tls_handshake():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def close_at_once():
        conn, _ = listener.accept()
        conn.close()

    import threading

    thread = threading.Thread(target=close_at_once, daemon=True)
    thread.start()
    try:
        with pytest.raises(RouterTLSError):
            RouterOSClient("127.0.0.1", port, use_tls=True, timeout=5).connect()
    finally:
        thread.join(5)
        listener.close()


def test_it_starts_many_routers_on_distinct_ports(routersim):
    routers = routersim(count=3, identity="site", version="7.18")
    assert len({r.port for r in routers}) == 3
    for n, router in enumerate(routers, 1):
        with client(router) as ros:
            assert ros.print("/system/identity") == [{"name": f"site-{n}"}]
