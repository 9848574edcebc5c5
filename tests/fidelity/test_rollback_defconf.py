"""On a factory-configured router, with the hotspot's dynamic rules and the fasttrack
counter present: a redeploy refused by RouterOS at any command rolls back cleanly, and
says so truthfully."""

import pytest

from provisioning.services import compare
from provisioning.services.plan import MANAGED_MENUS
from routers.choices import RouterStatus
from tests.fidelity import wizard
from tests.fidelity.test_wizard_everywhere import choices
from tests.provisioning.helpers import radius_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(1200)]

MENUS = (*MANAGED_MENUS, "/ip/hotspot/walled-garden", "/ppp/aaa", "/radius/incoming")


@pytest.fixture(autouse=True)
def fast_probing(settings):
    settings.PROBE_INTERVAL_SECONDS = 0.3
    settings.ROUTER_CONNECT_TIMEOUT = 2.0


def configuration(sim) -> dict:
    return {path: compare.menu_view(path, sim.items(path)) for path in MENUS}


def test_a_redeploy_refused_at_any_command_rolls_back_cleanly(alice_client, acme, routersim):
    sim = routersim(profile="defconf", version="7.16")
    [port] = [p for p in sim.items("/interface/bridge/port") if p["interface"] == "ether5"]
    sim.remove_item("/interface/bridge/port", port[".id"])
    router = wizard.onboard(acme, sim)
    assert wizard.generate(alice_client, router, choices("defconf", radius_server(acme))
                           ).status_code == 200
    assert wizard.deploy(alice_client, router).status == "completed"
    before = configuration(sim)
    dynamic_before = len(sim.dynamic_items("/ip/firewall/filter"))
    assert dynamic_before > 1  # the hotspot's rules and the fasttrack counter

    start = sim.faults.commands_seen
    assert wizard.deploy(alice_client, router).status == "completed"
    commands = sim.faults.commands_seen - start  # what one redeploy sends
    assert commands > 30  # login, snapshot, removals, writes, verification
    assert configuration(sim) == before

    wrong = []
    for k in range(1, commands + 1):
        sim.faults.trap(None, "failure: simulated refusal", nth=sim.faults.commands_seen + k)
        dep = wizard.deploy(alice_client, router)
        sim.faults.clear()
        now = configuration(sim)
        if dep.status == "completed":
            continue  # the refused command was the last read after success: nothing to undo
        said = dep.events.last().message
        if not dep.rollback_clean or now != before or "as it was before" not in said:
            diff = [p for p in before if before[p] != now[p]]
            wrong.append(f"k={k}: {dep.status} clean={dep.rollback_clean} {diff} {said}")
        elif wizard.status(router) != RouterStatus.ACTIVE:
            wrong.append(f"k={k}: router {wizard.status(router)}")
        assert len(sim.dynamic_items("/ip/firewall/filter")) == dynamic_before
    assert not wrong, "\n".join(wrong)
    assert wizard.deploy(alice_client, router).status == "completed"
    assert wizard.drift(router).clean
