"""Pipelined reads (several tagged commands in one exchange) give exactly what one print
at a time gives, traps stay with their own command, and a lost link fails the batch."""

import pytest

from provisioning.services.restore import SNAPSHOT_MENUS
from routers.routeros.client import RouterOSClient
from routers.routeros.errors import RouterCommandError, RouterConnectionLost

pytestmark = pytest.mark.timeout(60)


def client(sim) -> RouterOSClient:
    return RouterOSClient(sim.host, sim.port, "admin", "", timeout=5).connect()


@pytest.mark.parametrize("profile", ["bare", "defconf", "chr"])
def test_a_pipelined_snapshot_equals_one_print_at_a_time(routersim, profile):
    sim = routersim(profile=profile)
    sim.add("/ip/pool", name="lobby", ranges="10.9.0.2-10.9.0.254", comment="")
    with client(sim) as api:
        one_by_one = {path: api.print(path) for path in SNAPSHOT_MENUS}
        rounds = api.calls
        together = api.print_many(SNAPSHOT_MENUS)
        assert api.calls == rounds + 1  # one round trip for all of them
    # Counters move between reads; everything else must be the same, in the same order.
    def still(state):
        return {p: [{k: v for k, v in r.items() if k not in ("bytes", "packets")} for r in rows]
                for p, rows in state.items()}
    assert still(together) == still(one_by_one)


def test_a_trap_answers_only_its_own_command_and_the_link_stays_usable(routersim):
    sim = routersim()
    sim.faults.trap("/ip/pool/print", "failure: injected")
    with client(sim) as api:
        results = api.call_many([("/ip/address/print", None, None),
                                 ("/ip/pool/print", None, None),
                                 ("/interface/print", None, None)])
        assert isinstance(results[1], RouterCommandError)
        assert results[1].message == "failure: injected"
        assert [r["name"] for r in results[2].rows][:2] == ["ether1", "ether2"]
        with pytest.raises(RouterCommandError, match="injected"):
            api.print_many(["/ip/address", "/ip/pool"])
        assert api.print("/system/identity")  # the same session goes on


def test_a_link_lost_mid_pipeline_fails_the_whole_batch(routersim):
    sim = routersim()
    sim.faults.drop_on("/ip/hotspot/print")
    with client(sim) as api, pytest.raises(RouterConnectionLost):
        api.print_many(["/ip/address", "/ip/hotspot", "/ip/pool"])


# Discovery and probing, as the product runs them: pipelined (the default) against one
# print at a time (ROUTER_API_PIPELINING off), on the same router.
def discovered(router, settings, pipelining):
    from routers.services import discovery

    settings.ROUTER_API_PIPELINING = pipelining
    facts = discovery.discover(router, refresh=True)
    return {k: v for k, v in facts.items() if k != "read_at"}


def outcome(call):
    """What a call gives: its result, or the error's type and words."""
    try:
        return "ok", call()
    except Exception as exc:  # the comparison is the point: both ways must fail alike
        return type(exc).__name__, str(exc)


@pytest.mark.django_db
@pytest.mark.parametrize("profile", ["bare", "defconf", "chr"])
def test_discovery_pipelined_equals_one_print_at_a_time(acme, routersim, settings, profile):
    from tests.provisioning.helpers import online_router

    sim = routersim(profile=profile)
    sim.add("/ip/pool", name="lobby", ranges="10.9.0.2-10.9.0.254", comment="guests")
    sim.add("/ip/address", address="10.9.0.1/24", interface="ether2")
    router = online_router(acme, sim)
    sim.faults.latency(0.25)  # a slow link: what is sent before an answer stays in flight
    # (A CHR has no /system/routerboard: whatever discovery makes of that, both ways alike.)
    one_by_one = outcome(lambda: discovered(router, settings, False))
    assert sim.faults.most_in_flight == 1
    seen = sim.faults.commands_seen
    together = outcome(lambda: discovered(router, settings, True))
    from routers.services import discovery

    # The board's two reads, every menu and the flash directory: all out before any answer.
    reads = 2 + len(discovery.MENUS) + 1
    assert sim.faults.most_in_flight == reads
    assert together == one_by_one
    assert together[0] == "ok"  # a CHR's missing routerboard is no failure
    assert "lobby" in [p["name"] for p in together[1]["pools"]]
    assert sim.faults.commands_seen - seen == 1 + reads  # the login, then the reads


@pytest.mark.django_db
def test_discovery_with_a_trap_on_one_pipelined_read_fails_as_one_at_a_time(
        acme, routersim, settings):
    from tests.provisioning.helpers import online_router

    sim = routersim()
    router = online_router(acme, sim)
    sim.faults.trap("/ip/address/print", "failure: injected")
    one_by_one = outcome(lambda: discovered(router, settings, False))
    together = outcome(lambda: discovered(router, settings, True))
    assert together == one_by_one
    assert together[0] == "RouterCommandError" and "injected" in together[1]
    sim.faults.clear()  # the trap was that command's only: the next discovery is whole
    assert outcome(lambda: discovered(router, settings, True))[0] == "ok"


@pytest.mark.django_db
def test_discovery_with_the_link_lost_mid_pipeline_retries_and_then_fails(
        acme, routersim, settings):
    from tests.provisioning.helpers import online_router

    sim = routersim()
    router = online_router(acme, sim)
    expected = discovered(router, settings, False)
    # Lost once (the 2nd /interface/print of the run): the retry reads it all again.
    sim.faults.drop_on("/interface/print", nth=2)
    assert discovered(router, settings, True) == expected
    # Lost on every attempt: both ways give up with the same error.
    sim.faults.clear()
    sim.faults.drop_on("/interface/print")
    one_by_one = outcome(lambda: discovered(router, settings, False))
    together = outcome(lambda: discovered(router, settings, True))
    assert together[0] == one_by_one[0] == "RouterConnectionLost"
    assert sim.faults.commands_seen > 0


def test_a_probe_reads_in_one_exchange_and_equals_one_print_at_a_time(routersim):
    from routers.services.connect import Reach
    from routers.services.probing import probe

    sim = routersim(identity="site-9", version="7.16")
    target = Reach(1, sim.host, sim.port, "admin", "", False)
    sim.faults.latency(0.25)
    result = probe(target, 5)
    assert result.ok and sim.faults.most_in_flight == 2  # both reads went out together
    sim.faults.latency(0)
    with RouterOSClient(sim.host, sim.port, "admin", "", timeout=5) as api:
        resource = api.print("/system/resource")[0]
        board = api.print("/system/routerboard")[0]
    assert result.facts["routeros_version"] == resource["version"]
    assert result.facts["board"] == resource["board-name"]
    assert result.facts["serial"] == board.get("serial-number", "")
    sim.faults.trap("/system/routerboard/print", "failure: injected")
    failed = probe(target, 5)
    assert not failed.ok and "injected" in failed.diagnosis.error


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_each_answer_is_handed_over_as_it_is_read_in_the_order_sent(routersim, pipelining):
    sim = routersim()
    sim.faults.trap("/ip/pool/add", "failure: injected", nth=2)
    with client(sim) as api:
        api.pipelining = pipelining
        seen = []
        results = api.call_many(
            [("/ip/pool/add", {"name": f"p{i}", "ranges": f"10.9.{i}.2-10.9.{i}.9"}, None)
             for i in range(3)],
            on_result=lambda position, result: seen.append((position, result)))
        assert seen == list(enumerate(results))  # each once, in the order sent
        assert isinstance(results[1], RouterCommandError) and results[0].ret and results[2].ret
        assert api.calls == (1 if pipelining else 3)
        assert [p["name"] for p in api.print("/ip/pool")] == ["p0", "p2"]


def test_a_failing_callback_ends_the_session(routersim):
    sim = routersim()
    with client(sim) as api:
        def fail(position, result):
            raise ValueError("the caller could not record it")
        with pytest.raises(ValueError):
            api.call_many([("/ip/address/print", None, None), ("/ip/pool/print", None, None)],
                          on_result=fail)
        assert not api.connected  # the second answer was never read: no reuse of the link
