"""Tagged, pipelined commands: several commands in flight on one connection, each
answered on its own clock with its own tag; untagged replies keep request order."""

import librouteros
import pytest
import routeros_api
from librouteros.exceptions import TrapError

from routers.simulator.rawclient import RawClient

pytestmark = pytest.mark.timeout(60)


def test_it_answers_pipelined_tagged_commands_each_with_its_tag(routersim):
    router = routersim(version="7.21")
    router.add("/ip/pool", name="p1", ranges="10.0.0.2-10.0.0.9")
    raw = RawClient.connect(router.host, router.port)
    raw.login()
    replies, _ = raw.pipeline(
        ("/ip/pool/print", "=.proplist=name"),
        ("/ip/pool/add", "=name=p1", "=ranges=10.0.1.1"),
        ("/interface/print", "?name=none"),
        ("/system/identity/print",),
    )
    assert replies["1"] == [["!re", "=name=p1"], ["!done"]]
    assert replies["2"] == [["!trap", "=message=failure: pool with such name exists"],
                            ["!done"]]
    assert replies["3"] == [["!empty"], ["!done"]]
    assert replies["4"] == [["!re", "=name=MikroTik"], ["!done"]]


def test_it_lets_a_fast_tagged_reply_overtake_a_slow_one(routersim):
    router = routersim()
    router.faults.latency(0.05)
    router.faults.slow("/interface/print", 1.0)
    raw = RawClient.connect(router.host, router.port)
    raw.login()
    replies, finished = raw.pipeline(("/interface/print", "=.proplist=name"),
                                     ("/system/identity/print",))
    assert finished == ["2", "1"]  # each command runs on its own clock
    assert len(replies["1"]) == 6
    # Untagged commands cannot be told apart, so their replies keep the request order.
    raw.send("/interface/print", "=.proplist=name")
    raw.send("/system/identity/print")
    first = [raw.sentence() for _ in range(6)]
    assert [s[0] for s in first] == ["!re"] * 5 + ["!done"]
    assert [raw.sentence(), raw.sentence()] == [["!re", "=name=MikroTik"], ["!done"]]


def test_it_runs_pipelined_writes_in_the_order_they_arrived(routersim):
    router = routersim()
    router.faults.latency(0.02)
    raw = RawClient.connect(router.host, router.port)
    raw.login()
    replies, _ = raw.pipeline(*[("/ip/pool/add", f"=name=p{n}", f"=ranges=10.0.0.{n}")
                                for n in range(1, 6)])
    ids = [replies[str(n)][0][1] for n in range(1, 6)]
    assert ids == [f"=ret=*{n}" for n in range(1, 6)]
    assert [p["name"] for p in router.items("/ip/pool")] == [f"p{n}" for n in range(1, 6)]


def test_it_interrupts_a_cancelled_command_whose_reply_has_not_left(routersim):
    router = routersim()
    router.faults.slow("/interface/print", 2.0)
    raw = RawClient.connect(router.host, router.port)
    raw.login()
    raw.send("/interface/print", ".tag=10")
    raw.send("/cancel", "=tag=10", ".tag=20")
    got = [raw.sentence() for _ in range(3)]
    assert ["!done", ".tag=20"] in got
    assert ["!trap", ".tag=10", "=category=2", "=message=interrupted"] in got
    assert got[-1] == ["!done", ".tag=10"]


def test_it_pipelines_with_librouteros_protocol_layer(routersim):
    # librouteros 4.2.2 routes no tags itself; its protocol layer writes and reads them.
    router = routersim(version="7.16")
    api = librouteros.connect(router.host, "admin", "", port=router.port, timeout=10)
    try:
        for n, path in enumerate(("/interface/print", "/ip/pool/remove", "/system/resource/print")):
            extra = ("=.id=*99",) if "remove" in path else ()
            api.protocol.writeSentence(path, *extra, f".tag={n}")
        answers: dict[str, list[str]] = {}
        while len([w for w in answers.values() if "!done" in w]) < 3:
            word, words = api.protocol.readSentence()
            tag = next(w[5:] for w in words if w.startswith(".tag="))
            answers.setdefault(tag, []).append(word)
            if word == "!trap":
                assert "=message=no such item" in words
        assert answers["0"].count("!re") == 5 and answers["1"] == ["!trap", "!done"]
        assert answers["2"] == ["!re", "!done"]
        with pytest.raises(TrapError):  # the connection is still in step afterwards
            api.path("ip", "pool").remove("*99")
    finally:
        api.close()


def test_it_serves_routeros_api_asynchronous_calls(routersim):
    router = routersim()
    router.faults.latency(0.05)
    pool = routeros_api.RouterOsApiPool(router.host, "admin", "", port=router.port,
                                        plaintext_login=True)
    api = pool.get_api()
    try:
        pending = [api.get_resource(path).call_async("print")
                   for path in ("/interface", "/ip/service", "/system/identity")]
        results = [p.get() for p in pending]
        assert [len(r) for r in results] == [5, 8, 1]
    finally:
        pool.disconnect()
