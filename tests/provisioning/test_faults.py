"""The trust promise under a broken link: whatever command of an operation is cut,
swallowed or answered into the void, the router ends exactly as it was, the deployment
says so, and the operation then succeeds.

The link is broken by the tests' own TCP proxy (tests/support/cutting_proxy.py), not
by the simulator's fault hooks, at every command index k of: a first deploy, a redeploy
of the same configuration, a redeploy of a changed one, a Retry after a failed attempt,
and Remove configuration. The proxy counts commands by sentence, so each command of a
pipelined exchange (the snapshot's reads, the plan's groups of independent writes: the
portal page files, the RADIUS settings, the pages directory with the first address; a
redeploy's page removes) is a fault point of its own. "Exactly" is judged here, not by the product's comparison:
every row of every menu the product touches, values as the router prints them (ids and
traffic counters aside), firewall and walled-garden lists in order, with hand-made items
above and below the product's.
"""

from __future__ import annotations

import pytest

from provisioning.models import Deployment
from routers.choices import RouterStatus
from routers.models import Router
from tests.provisioning.helpers import (
    HOTSPOT,
    PPPOE,
    TOKEN,
    deploy,
    generate,
    radius_server,
    status,
    with_radius,
)
from tests.support.cutting_proxy import MODES, CuttingProxy

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(1800)]

MENUS = ("/ip/address", "/ip/pool", "/file", "/ip/hotspot/profile", "/ppp/profile",
         "/ip/hotspot", "/interface/pppoe-server/server", "/ip/hotspot/walled-garden/ip",
         "/ip/hotspot/walled-garden", "/ip/dhcp-server", "/ip/dhcp-server/network", "/radius",
         "/ip/firewall/nat", "/ip/firewall/filter", "/ppp/aaa", "/radius/incoming")
ORDERED = {"/ip/firewall/nat", "/ip/firewall/filter", "/ip/hotspot/walled-garden/ip",
           "/ip/hotspot/walled-garden"}
# Identity, traffic and file times: what a re-made item cannot keep, not configuration.
NOT_STATE = {".id", "bytes", "packets", "last-modified", "creation-time"}
FAULT_TIMEOUT = 0.8  # seconds
OPERATIONS = ("first-deploy", "redeploy-same", "redeploy-changed", "retry", "remove")


def router_state(sim) -> dict:
    """What the router holds, strictly: static rows as printed, order where it matters."""
    out = {}
    for path in MENUS:
        rows = [{k: v for k, v in r.items() if k not in NOT_STATE}
                for r in sim.items(path) if r.get("dynamic") != "true"]
        out[path] = rows if path in ORDERED else sorted(rows, key=lambda r: sorted(r.items()))
    return out


def hand_made(sim, where: str) -> None:
    """An operator's own rules; the first NAT comment merely begins with "hotspot:"."""
    comment = "hotspot: lobby printer" if where == "above" else f"operator {where}"
    sim.add("/ip/firewall/nat", chain="srcnat", action="masquerade",
            **{"src-address": "192.168.77.0/24" if where == "above" else "192.168.78.0/24",
               "comment": comment})
    sim.add("/ip/hotspot/walled-garden/ip", action="accept",
            **{"dst-address": "192.0.2.10" if where == "above" else "192.0.2.20",
               "comment": comment})


class Bench:
    """One simulated router behind the cutting proxy, with the product's rows for it."""

    def __init__(self, acme, routersim, server):
        self.sim = routersim()
        self.proxy = CuttingProxy(self.sim.host, self.sim.port)
        self.sim.add_user("api-r1", TOKEN, "full")
        self.router = Router.objects.create(
            organization=acme, name="r1", host=self.proxy.host, api_port=self.proxy.port,
            api_username="api-r1", config_token=TOKEN, status=RouterStatus.ONLINE)
        self.server = server

    def config(self, title: str):
        return generate(self.router, with_radius(self.server, {**HOTSPOT, **PPPOE,
                                                               "portal_title": title}))


def prepare(bench: Bench, operation: str) -> tuple[str, str]:
    """Bring the router to the state before `operation`; returns (kind, its status)."""
    hand_made(bench.sim, "above")
    if operation == "first-deploy":
        bench.config("Cafe WiFi")
        hand_made(bench.sim, "below")
        return Deployment.Kind.DEPLOY, RouterStatus.ONLINE
    bench.config("Cafe WiFi")
    assert deploy(bench.router).status == "completed"
    hand_made(bench.sim, "below")
    if operation == "redeploy-changed":
        bench.config("Cafe WiFi, renovated")
    elif operation == "retry":
        bench.config("Cafe WiFi, renovated")
        bench.sim.faults.trap("/ip/hotspot/add", "failure: not now", nth=2)
        failed = deploy(bench.router)
        bench.sim.faults.clear()
        assert failed.status == "failed" and failed.rollback_clean
    kind = Deployment.Kind.REMOVE if operation == "remove" else Deployment.Kind.DEPLOY
    return kind, RouterStatus.ACTIVE


def fault_points(words: list[bytes], mode: str) -> list[int]:
    """Where each fault is tried (1-based command indexes). A cut: before every command.
    A withheld reply: after every write (the router did it, the product never heard)
    and a few reads. A swallowed command: every fourth one, and the first and last."""
    total = len(words)
    if mode == "cut":
        return list(range(1, total + 1))
    if mode == "withhold":
        writes = [k for k, w in enumerate(words, 1)
                  if w.rsplit(b"/", 1)[-1] in (b"add", b"remove", b"set", b"move")]
        return sorted({1, 2, total // 2, total, *writes})
    return sorted({1, total, *range(4, total + 1, 4)})


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_broken_link_at_any_command_leaves_the_router_as_before(
        acme, routersim, settings, operation, mode):
    settings.ROUTER_COMMAND_TIMEOUT = 10  # setting up: a healthy link
    settings.ROUTER_CONNECT_TIMEOUT = 2
    bench = Bench(acme, routersim, radius_server(acme))
    try:
        kind, prior_status = prepare(bench, operation)
        before, saved = router_state(bench.sim), bench.sim.save_state()
        bench.proxy.arm()  # the operation once, unbroken: its commands
        assert deploy(bench.router, kind=kind).status == "completed"
        words = list(bench.proxy.words)
        assert len(words) > 30  # login, reads, writes, verification reads
        wrong = []
        for k in fault_points(words, mode):
            bench.sim.restore_state(saved)  # the router as it was before the operation
            Router.objects.filter(pk=bench.router.pk).update(status=prior_status)
            bench.proxy.arm(mode, k)
            # A swallowed command or reply costs this much (a pipelined batch shares it);
            # the rollback's connection, made after the fault, waits as long as usual.
            settings.ROUTER_COMMAND_TIMEOUT = bench.proxy.command_timeout(FAULT_TIMEOUT, 10)
            dep = deploy(bench.router, kind=kind)
            problem = judge(bench, dep, before, prior_status, kind, settings)
            if problem:
                wrong.append(f"k={k} ({words[k - 1].decode()}): {problem}")
    finally:
        bench.proxy.close()
    assert not wrong, f"{len(wrong)} of {len(words)} commands:\n" + "\n".join(wrong)


def differing(before: dict, now: dict) -> str:
    out = []
    for path in before:
        if before[path] != now[path]:
            gone = [r for r in before[path] if r not in now[path]]
            new = [r for r in now[path] if r not in before[path]]
            out.append(f"{path}: gone {gone} new {new}" if gone or new else f"{path}: order")
    return "; ".join(out)


def judge(bench: Bench, dep: Deployment, before: dict, prior_status: str, kind: str,
          settings) -> str:
    """What is wrong after a broken operation (empty: nothing), then Retry it."""
    said = dep.events.last().message
    if dep.status != "failed" or not dep.rollback_clean:
        return f"{dep.status}, clean={dep.rollback_clean}: {said}"
    now = router_state(bench.sim)
    if now != before:
        return f"the router differs ({differing(before, now)}); the product said {said!r}"
    if "as it was before" not in said:
        return f"the product said {said!r}"
    if status(bench.router) != prior_status:
        return f"router {status(bench.router)}, was {prior_status}"
    settings.ROUTER_COMMAND_TIMEOUT = 10  # the Retry meets a healthy link: no early timeout
    retried = deploy(bench.router, kind=kind)
    if retried.status != "completed":
        return f"Retry did not complete: {retried.events.last().message}"
    return ""
