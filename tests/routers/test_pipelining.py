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
