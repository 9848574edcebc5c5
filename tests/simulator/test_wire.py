"""Wire-level behaviour, checked with raw sentences over a socket."""

import hashlib
import socket

import pytest

from routers.simulator.protocol import SentenceReader, encode_sentence

pytestmark = pytest.mark.timeout(60)


class Raw:
    def __init__(self, router):
        self.sock = socket.create_connection((router.host, router.port), timeout=10)
        self.reader = SentenceReader()
        self.pending = []

    def send(self, *words):
        self.sock.sendall(encode_sentence(list(words)))

    def sentence(self):
        while not self.pending:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.pending += self.reader.feed(data)
        return self.pending.pop(0)

    def ask(self, *words):
        """All reply sentences up to and including !done (or a !fatal)."""
        self.send(*words)
        replies = []
        while True:
            replies.append(self.sentence())
            if replies[-1][0] in ("!done", "!fatal"):
                return replies

    def login(self):
        assert self.ask("/login", "=name=admin", "=password=") == [["!done"]]


def test_it_sends_empty_only_from_7_18(routersim):
    new, old = routersim(version="7.18"), routersim(version="7.16")
    for router, expected in ((new, [["!empty"], ["!done"]]), (old, [["!done"]])):
        raw = Raw(router)
        raw.login()
        assert raw.ask("/ip/pool/print") == expected
        assert raw.ask("/interface/print", "?name=none") == expected


def test_it_echoes_tags_only_when_sent(routersim):
    raw = Raw(routersim())
    assert raw.ask("/login", "=name=admin", "=password", ".tag=1") == [["!done", ".tag=1"]]
    assert raw.ask("/system/identity/print", ".tag=abc") == [
        ["!re", ".tag=abc", "=name=MikroTik"], ["!done", ".tag=abc"]]
    assert raw.ask("/system/identity/print") == [["!re", "=name=MikroTik"], ["!done"]]
    assert raw.ask("/ip/pool/remove", "=.id=*9", ".tag=x") == [
        ["!trap", ".tag=x", "=message=no such item"], ["!done", ".tag=x"]]


def test_it_wants_login_first_and_quits_with_fatal(routersim):
    raw = Raw(routersim())
    assert raw.ask("/ip/pool/print") == [["!trap", "=message=not logged in"], ["!done"]]
    raw.login()
    assert raw.ask("/quit") == [["!fatal", "session terminated on request"]]
    with pytest.raises((EOFError, ConnectionError)):
        raw.sentence()


def test_it_answers_the_legacy_challenge(routersim):
    router = routersim(version="6.40", users={"admin": "pw"})
    raw = Raw(router)
    reply = raw.ask("/login")
    challenge = bytes.fromhex(reply[0][1].removeprefix("=ret="))
    response = "00" + hashlib.md5(b"\x00pw" + challenge).hexdigest()
    assert raw.ask("/login", "=name=admin", f"=response={response}") == [["!done"]]
    modern = Raw(routersim(version="7.16", users={"admin": "pw"}))
    modern.ask("/login")
    assert modern.ask("/login", "=name=admin", f"=response={response}")[0] == [
        "!trap", "=message=invalid user name or password (6)"]


def test_it_evaluates_queries_with_stack_operations(routersim):
    router = routersim()
    router.add_item("/interface", name="vlan10", type="vlan", disabled="true", mtu="1500")
    raw = Raw(router)
    raw.login()

    def names(*query):
        rows = raw.ask("/interface/print", "=.proplist=name", *query)
        return [r[1].removeprefix("=name=") for r in rows if r[0] == "!re"]

    ethers = [f"ether{i}" for i in range(1, 6)]
    assert names("?type=vlan") == ["vlan10"]
    assert names("?=type=vlan") == ["vlan10"]
    assert names("?type=ether", "?type=vlan", "?#|") == ethers + ["vlan10"]
    assert names("?disabled=yes") == ["vlan10"]
    assert names("?disabled=no", "?name=ether2", "?#&!") == ["ether1", *ethers[2:], "vlan10"]
    assert names("?-comment", "?type=vlan") == ["vlan10"]
    assert names("?>name=ether4") == ["ether5", "vlan10"]
    assert names("?<name=ether2") == ["ether1"]
    assert raw.ask("/interface/print", "=count-only=")[-1] == ["!done", "=ret=6"]


def test_it_takes_ids_names_numbers_and_empty_values(routersim):
    router = routersim()
    raw = Raw(router)
    raw.login()
    assert raw.ask("/interface/set", "=.id=ether2", "=comment=uplink") == [["!done"]]
    assert raw.ask("/interface/set", "=numbers=ether3,*4", "=comment") == [["!done"]]
    assert raw.ask("/interface/disable", "=numbers=ether5") == [["!done"]]
    assert router.item("/interface", name="ether2")["comment"] == "uplink"
    assert router.item("/interface", name="ether5")["disabled"] == "true"
    ids = [raw.ask("/ip/pool/add", f"=name=p{i}", "=ranges=10.0.0.1")[-1][1] for i in range(12)]
    assert ids[-1] == "=ret=*C"  # ids are uppercase hex
    assert raw.ask("/ip/pool/remove", "=.id=*1,*2,p5") == [["!done"]]
    assert len(router.items("/ip/pool")) == 9
    assert raw.ask("/ip/hotspot/add", "=interface=ether1", "=comment=x")[0] == [
        "!trap", "=message=unknown parameter"]
    assert raw.ask("/ip/bogus/print")[0] == [
        "!trap", "=category=0", "=message=no such command or directory (bogus)"]
    assert raw.ask("/ip/dns/set", "=allow-remote-requests=yes") == [["!done"]]
    assert raw.ask("/ip/dns/print", "=.proplist=allow-remote-requests") == [
        ["!re", "=allow-remote-requests=true"], ["!done"]]
