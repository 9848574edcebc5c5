"""Both client libraries against the simulator: login, print, add, set, remove, traps, import."""

import librouteros
import pytest
import routeros_api
from librouteros.exceptions import TrapError
from librouteros.query import Key

pytestmark = pytest.mark.timeout(60)

SCRIPT = (
    '/ip pool\nadd name="imported" ranges="10.9.0.2-10.9.0.50"\n'
    '/system identity set name="after-import"\n'
)


def test_it_serves_routeros_api(routersim):
    router = routersim(identity="hq")
    pool = routeros_api.RouterOsApiPool(router.host, "admin", "", port=router.port,
                                        plaintext_login=True)
    api = pool.get_api()
    try:
        pools = api.get_resource("/ip/pool")
        added = pools.call("add", {"name": "p1", "ranges": "10.0.0.2-10.0.0.254",
                                   "comment": "lan"})
        assert added.done_message["ret"].startswith("*")
        pools.add(name="p2", ranges="10.0.1.2-10.0.1.9")
        rows = pools.call("print", {".proplist": ".id,name,ranges"}, {"name": "p1"})
        assert rows == [{"id": added.done_message["ret"], "name": "p1",
                         "ranges": "10.0.0.2-10.0.0.254"}]
        pools.set(id=added.done_message["ret"], comment="changed")
        assert router.item("/ip/pool", name="p1")["comment"] == "changed"
        with pytest.raises(routeros_api.exceptions.RouterOsApiCommunicationError) as trap:
            pools.add(name="p1", ranges="10.0.5.2-10.0.5.254")
        assert trap.value.original_message == b"failure: pool with such name exists"
        pools.remove(id=added.done_message["ret"])
        assert [r["name"] for r in router.items("/ip/pool")] == ["p2"]
        assert pools.call("print", {"count-only": ""}).done_message["ret"] == "1"

        files = api.get_resource("/file")
        files.add(name="setup.rsc", contents=SCRIPT)
        api.get_resource("/").call("import", {"file-name": "setup.rsc"})
        assert router.item("/ip/pool", name="imported")["ranges"] == "10.9.0.2-10.9.0.50"
        assert api.get_resource("/system/identity").get() == [{"name": "after-import"}]
    finally:
        pool.disconnect()


def test_it_serves_librouteros(routersim):
    router = routersim(version="7.18")
    api = librouteros.connect(router.host, "admin", "", port=router.port, timeout=10)
    try:
        pools = api.path("ip", "pool")
        new_id = pools.add(name="p1", ranges="10.0.0.2-10.0.0.254")
        assert new_id.startswith("*")
        got = list(pools.select(Key(".id"), Key("name")).where(Key("name") == "p1"))
        assert got == [{".id": new_id, "name": "p1"}]
        assert list(pools.select(Key("name")).where(Key("name") == "nope")) == []
        pools.update(**{".id": new_id, "comment": "x"})
        assert router.item("/ip/pool", name="p1")["comment"] == "x"
        with pytest.raises(TrapError) as trap:
            pools.add(name="p1", ranges="10.0.3.2-10.0.3.9")
        assert trap.value.message == "failure: pool with such name exists"
        with pytest.raises(TrapError) as trap:
            api.path("ip", "hotspot").add(interface="ether9")
        assert trap.value.message == "input does not match any value of interface"
        assert trap.value.category == 1
        pools.remove(new_id)
        assert router.items("/ip/pool") == []
        api.path("file").add(name="x.rsc", contents=SCRIPT)
        tuple(api("/import", **{"file-name": "x.rsc"}))
        assert router.identity() == "after-import"
        disabled = list(api.path("interface").select(Key("name"))
                        .where(Key("disabled") == False))  # noqa: E712 - librouteros query
        assert len(disabled) == 5
    finally:
        api.close()


def test_it_refuses_bad_login_with_routeros_words(routersim):
    router = routersim(users={"admin": "right"})
    with pytest.raises(TrapError) as trap:
        librouteros.connect(router.host, "admin", "wrong", port=router.port, timeout=10)
    assert trap.value.message == "invalid user name or password (6)"
