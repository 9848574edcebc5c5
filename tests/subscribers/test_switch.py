"""Switching a router's PPP to RADIUS, and back, through the product's own reversible
operation; and the trust promise under a broken link: whatever command of the switch (or of
the way back) is cut, swallowed or answered into the void, /ppp aaa and every secret end
exactly as they were. Judged here on the simulator's own rows, not by the product."""

from __future__ import annotations

import pytest

from conftest import run_jobs
from fleet.models import ImportKind
from fleet.services.imports import request_import
from hotspot import queues
from routers.choices import RouterStatus
from routers.models import Router
from subscribers.models import Subscriber, Switch
from subscribers.services import migrate, switch
from subscribers.validation import Invalid
from tests.provisioning.helpers import TOKEN
from tests.subscribers.helpers import plan
from tests.support.cutting_proxy import MODES, CuttingProxy

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(900)]
NOT_STATE = {".id"}
FAULT_TIMEOUT = 0.8


def router_state(sim) -> dict:
    secrets = [{k: v for k, v in r.items() if k not in NOT_STATE}
               for r in sim.items("/ppp/secret")]
    return {"/ppp/aaa": sim.items("/ppp/aaa"),
            "/ppp/secret": sorted(secrets, key=lambda r: r["name"])}


def disabled(sim) -> dict[str, str]:
    return {r["name"]: r.get("disabled") for r in sim.items("/ppp/secret")}


class Bench:
    """A simulated router behind the cutting proxy, its secrets migrated and synced."""

    def __init__(self, acme, routersim, server, count=4):
        self.sim = routersim()
        self.proxy = CuttingProxy(self.sim.host, self.sim.port)
        self.sim.add_user("api-r1", TOKEN, "full")
        self.sim.add("/ppp/profile", name="gold", **{"rate-limit": "2M/10M"})
        for i in range(count):
            self.sim.add("/ppp/secret", name=f"cust'{i}$", password=f"pw{i}",
                              profile="gold")
        self.sim.add("/ppp/secret", name="shop 7", password="pw", profile="gold")
        self.sim.add("/ppp/secret", name="left-off", password="pw", profile="gold",
                          disabled="yes")
        self.sim.add("/ppp/secret", name="not-migrated", password="pw")
        # What the deployment's RADIUS service makes (the switch checks it is there).
        self.sim.add("/radius", address=server.host, secret="s", service="ppp,hotspot")
        self.router = Router.objects.create(
            organization=acme, name="r1", host=self.proxy.host, api_port=self.proxy.port,
            api_username="api-r1", config_token=TOKEN, status=RouterStatus.ONLINE,
            radius_server=server)
        assert request_import(self.router, ImportKind.PPP_SECRETS,
                              immediate=True).status == "completed"
        gold = plan(acme, name="gold", rate="2M/10M")
        names = [f"cust'{i}$" for i in range(count)] + ["shop 7", "left-off"]
        ids = list(migrate.selected(self.router).filter(name__in=names)
                   .values_list("pk", flat=True))
        migrate.start(acme, self.router, {"gold": gold.pk}, secret_ids=ids)
        run_jobs()
        assert Subscriber.objects.filter(radius_status="synced").count() == count + 2

    def run(self, direction) -> Switch:
        row = switch.start(Router.objects.get(pk=self.router.pk), direction)
        run_jobs(queues.PROVISIONING)
        row.refresh_from_db()
        return row


def test_switch_to_radius_and_back(acme, routersim, radius_server):
    bench = Bench(acme, routersim, radius_server)
    before = router_state(bench.sim)
    preview = switch.preview(bench.router)
    assert (preview["to_disable"], preview["kept"]) == (5, 1)  # "shop 7": whitespace

    done = bench.run(Switch.Direction.TO_RADIUS)
    assert done.status == "completed", done.error
    assert bench.sim.items("/ppp/aaa")[0]["use-radius"] == "true"
    assert disabled(bench.sim) == {**{f"cust'{i}$": "true" for i in range(4)},
                                   "shop 7": "false", "left-off": "true",
                                   "not-migrated": "false"}
    assert len(bench.sim.items("/ppp/secret")) == 7  # disabled, never deleted
    assert done.secrets == [f"cust'{i}$" for i in range(4)]
    with pytest.raises(Invalid, match="already switched"):
        switch.start(bench.router, Switch.Direction.TO_RADIUS)
    with pytest.raises(Invalid, match="no such direction"):
        switch.start(bench.router, "nowhere")

    back = bench.run(Switch.Direction.BACK)
    assert back.status == "completed", back.error
    assert router_state(bench.sim) == before  # "left-off" stays as the operator left it
    with pytest.raises(Invalid, match="not switched"):
        switch.start(bench.router, Switch.Direction.BACK)


def fault_points(words: list[bytes], mode: str) -> list[int]:
    total = len(words)
    if mode == "cut":
        return list(range(1, total + 1))
    writes = [k for k, w in enumerate(words, 1) if w.endswith(b"/set")]
    return sorted({1, 2, total, *writes})


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("direction", ["to_radius", "back"])
def test_a_broken_link_at_any_command_leaves_ppp_as_before(acme, routersim, radius_server,
                                                           settings, mode, direction):
    settings.ROUTER_COMMAND_TIMEOUT = 10
    settings.ROUTER_CONNECT_TIMEOUT = 2
    bench = Bench(acme, routersim, radius_server)
    wrong = []
    try:
        if direction == "back":
            assert bench.run("to_radius").status == "completed"
        before, saved = router_state(bench.sim), bench.sim.save_state()
        in_force = list(Switch.objects.filter(status="completed").values_list("pk", flat=True))
        bench.proxy.arm()
        assert bench.run(direction).status == "completed"
        words = list(bench.proxy.words)
        assert any(w.endswith(b"/set") for w in words)
        for k in fault_points(words, mode):
            bench.sim.restore_state(saved)
            Switch.objects.exclude(pk__in=in_force).delete()  # the operation not done yet
            bench.proxy.arm(mode, k)
            settings.ROUTER_COMMAND_TIMEOUT = bench.proxy.command_timeout(FAULT_TIMEOUT, 10)
            row = bench.run(direction)
            settings.ROUTER_COMMAND_TIMEOUT = 10
            now = router_state(bench.sim)
            if row.status != "failed" or not row.rollback_clean or now != before:
                wrong.append(f"k={k} ({words[k - 1].decode()}): {row.status} "
                             f"clean={row.rollback_clean} same={now == before} {row.log[-1:]}")
    finally:
        bench.proxy.close()
    assert not wrong, f"{len(wrong)} of {len(words)} commands:\n" + "\n".join(wrong)


def test_the_switch_page_shows_before_and_after_and_the_way_back(acme, routersim,
                                                                radius_server, alice_client):
    bench = Bench(acme, routersim, radius_server)
    url = f"/subscribers/switch/{bench.router.pk}/"
    page = alice_client.get(url).content.decode()
    assert "5 disabled (not deleted)" in page and "1 stay enabled" in page
    alice_client.post(url, {"direction": "to_radius"})
    run_jobs(queues.PROVISIONING)
    page = alice_client.get(url).content.decode()
    assert "Completed" in page and "Back to the router's own secrets" in page
    assert bench.sim.items("/ppp/aaa")[0]["use-radius"] == "true"
    alice_client.post(url, {"direction": "back"})
    run_jobs(queues.PROVISIONING)
    assert bench.sim.items("/ppp/aaa")[0]["use-radius"] == "false"
    assert "Switch PPP to RADIUS</button>" in alice_client.get(url).content.decode()


def test_a_worker_dying_mid_switch_is_rolled_back_by_the_reaper(acme, routersim,
                                                               radius_server):
    import datetime as dt

    from django.utils import timezone

    from background import lifecycle, reaper
    from routers.services.connect import client_for

    bench = Bench(acme, routersim, radius_server)
    before = router_state(bench.sim)
    row = switch.start(bench.router, "to_radius")
    row = lifecycle.claim(Switch, row.pk)  # a worker took it...
    with client_for(bench.router) as api:  # ...read the router, changed half of it...
        row.before = switch.read(api, row.secrets)
        row.touched = True
        row.save(update_fields=["before", "touched"])
        api.set("/ppp/aaa", None, {"use-radius": "yes"})
        first = next(r for r in row.before["/ppp/secret"] if r["name"] == "cust'0$")
        api.set("/ppp/secret", first[".id"], {"disabled": "yes"})
    # ...and died: no heartbeat since.
    Switch.objects.filter(pk=row.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert router_state(bench.sim) != before
    assert reaper.reap().interrupted == 1
    run_jobs(queues.PROVISIONING)
    row.refresh_from_db()
    assert (row.status, row.rolled_back, row.rollback_clean) == ("failed", True, True)
    assert router_state(bench.sim) == before
    assert "as they were" in row.log[-1]


def test_no_switch_without_a_radius_entry_for_ppp(acme, routersim, radius_server):
    bench = Bench(acme, routersim, radius_server)
    entry = bench.sim.items("/radius")[0]
    bench.sim.set_item("/radius", entry[".id"], service="hotspot")
    before = router_state(bench.sim)
    row = bench.run(Switch.Direction.TO_RADIUS)
    assert (row.status, row.touched, row.rollback_clean) == ("failed", False, True)
    assert "no enabled /radius entry for PPP" in row.error
    assert router_state(bench.sim) == before
