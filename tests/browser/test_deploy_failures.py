"""Deployments that go wrong in Chromium: a RouterOS error, and a websocket cut mid-way."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.flows import (
    WS_PROBE,
    expect_completed,
    progress_bar,
    ready_router,
    wait_for_socket,
)
from tests.provisioning.helpers import HOTSPOT, PPPOE, generate, state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]

TRAP = "failure: ip address 10.5.50.1 is not on interface ether2"


def test_a_failed_deployment_explains_itself_and_retry_succeeds(logged_in, routersim, acme,
                                                                 request):
    page, name = logged_in, request.node.name
    sim = routersim()
    router, _ = ready_router(acme, sim)
    generate(router, HOTSPOT)
    before = state(sim)
    sim.faults.trap("/ip/hotspot/add", TRAP)

    page.goto(f"/routers/{router.pk}/services/")
    page.get_by_role("button", name="Deploy", exact=True).click()
    progress = page.locator("#deploy-progress")
    expect(progress).to_have_attribute("data-status", "failed")
    alert = progress.get_by_role("alert")
    expect(alert).to_contain_text(re.compile(r"Deployment failed at step \d+ of \d+"))
    expect(alert).to_contain_text(f"RouterOS said: {TRAP}")
    expect(alert).to_contain_text("the router is as it was before")
    # Rolled back cleanly: the router is what it was (online), not in an unknown state.
    expect(page.locator(f"#router-{router.pk}-status")).to_have_text("Online")
    page.locator("#deploy").scroll_into_view_if_needed()
    shoot(page, name, "1-failed-with-routeros-message")
    assert state(sim) == before

    sim.faults.clear()
    page.get_by_role("button", name="Retry deployment").click()
    expect_completed(page)
    expect(page.locator(f"#router-{router.pk}-status")).to_have_text("Active")
    page.locator("#deploy").scroll_into_view_if_needed()
    shoot(page, name, "2-retry-completed")
    assert [row["interface"] for row in sim.items("/ip/hotspot")] == ["ether2"]


def test_it_falls_back_to_polling_when_the_websocket_is_cut(logged_in, routersim, acme,
                                                            request):
    page, name = logged_in, request.node.name
    page.context.add_init_script(WS_PROBE)
    sim = routersim()
    router, _ = ready_router(acme, sim)
    generate(router, {**HOTSPOT, **PPPOE})
    cut, sockets = {"on": False}, []

    def route(ws):
        if cut["on"]:
            return  # a reconnect gets a socket that opens but never carries anything
        sockets.append((ws, ws.connect_to_server()))

    page.route_web_socket(re.compile(r"/ws/"), route)
    page.goto(f"/routers/{router.pk}/services/")
    sim.faults.latency(0.1)  # every API command takes 100 ms: the deployment takes seconds
    page.get_by_role("button", name="Deploy", exact=True).click()
    wait_for_socket(page)
    expect(progress_bar(page)).to_have_attribute("aria-valuenow", re.compile(r"^[1-9]\d?$"))
    assert page.locator("#deploy-progress").get_attribute("data-status") == "running"
    shoot(page, name, "1-live-before-cut")

    cut["on"] = True
    for ws, server in sockets:
        server.close()
        ws.close(code=1011, reason="cut by the test")
    pushed = page.evaluate("window.__ws.messages")
    expect_completed(page)  # only the 3 s polling can bring this now
    assert page.evaluate("window.__ws.messages") == pushed
    page.locator("#deploy").scroll_into_view_if_needed()
    shoot(page, name, "2-completed-by-polling")

    page.reload()
    expect_completed(page)
    expect(page.locator(f"#router-{router.pk}-status")).to_have_text("Active")
