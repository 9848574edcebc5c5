"""RADIUS pages in Chromium: the Test button against the product's own agent and a dead
one, and the wizard's "Add one" round trip back to stage 3."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.flows import ready_router
from tests.radius.fixtures import free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]


def test_the_test_button_against_a_live_and_a_dead_agent(logged_in, live_app, acme, request):
    from radius.models import RadiusServer

    page, name = logged_in, request.node.name
    live = RadiusServer.objects.create(organization=acme, name="live", host="127.0.0.1",
                                       nas_secret="nas-secret",
                                       agent_url=f"{live_app}/radius/agent/",
                                       agent_token="live-agent-token-0123456789abcdef")
    dead = RadiusServer.objects.create(organization=acme, name="dead", host="127.0.0.1",
                                       nas_secret="nas-secret",
                                       agent_url=f"http://127.0.0.1:{free_port()}/radius/agent/",
                                       agent_token="dead-agent-token-0123456789abcdef")

    page.goto("/radius/")
    page.get_by_role("link", name="live", exact=True).click()
    expect(page.get_by_role("heading", name="RADIUS server live")).to_be_visible()
    page.get_by_role("button", name="Test").click()
    summary = page.locator(".test-summary")
    expect(summary).to_have_attribute("data-result", "ok")
    expect(page.locator("[data-check='Agent reachable'] .badge")).to_have_text("OK")
    expect(page.locator("[data-check='Token accepted'] .badge")).to_have_text("OK")
    expect(page.locator("[data-check='NAS rows'] .badge")).to_have_text("Warning")
    shoot(page, name, "1-live-agent")

    page.goto(f"/radius/{dead.pk}/")
    page.get_by_role("button", name="Test").click()
    expect(page.locator(".test-summary")).to_have_attribute("data-result", "failed")
    reach = page.locator("[data-check='Agent reachable']")
    expect(reach.locator(".badge")).to_have_text("Failed")
    expect(reach).to_contain_text("could not be reached: nothing answers on that port")
    expect(page.locator("[data-check='Token accepted'] .badge")).to_have_text("Skipped")
    shoot(page, name, "2-dead-agent")
    # The NAS sync the new server enqueued failed too, and the page says so.
    page.reload()
    expect(page.locator("#nas-sync")).to_contain_text("could not be reached")
    expect(page.locator("#nas-sync .badge")).to_have_text(re.compile("Failed"))
    shoot(page, name, "3-dead-agent-health")
    assert live.pk != dead.pk


def test_add_one_in_the_wizard_returns_to_stage_3(logged_in, routersim, acme, live_app,
                                                   request):
    from radius.models import RadiusServer

    page, name = logged_in, request.node.name
    router, _ = ready_router(acme, routersim())
    page.goto(f"/routers/{router.pk}/services/")
    expect(page.locator(".stages [aria-current=step]")).to_have_text("3 Services")
    page.get_by_role("link", name="Add one").click()

    expect(page.get_by_role("heading", name="Add RADIUS server")).to_be_visible()
    expect(page.locator("#agent-hint")).to_contain_text(f"{live_app}/radius/agent/")
    page.get_by_label("Name").fill("main")
    page.get_by_label("Host").fill("127.0.0.1")
    page.get_by_label("Agent API base URL").fill(f"{live_app}/radius/agent/")
    page.get_by_label("NAS shared secret").fill("nas-secret-123")
    shoot(page, name, "1-form")
    page.get_by_role("button", name="Save").click()

    server = RadiusServer.objects.get(organization=acme, name="main")
    expect(page.locator("#agent-token")).to_have_text(server.agent_token)
    page.get_by_role("link", name="Done: back to where you were").click()
    expect(page).to_have_url(re.compile(rf"/routers/{router.pk}/services/"))
    expect(page.locator(".stages [aria-current=step]")).to_have_text("3 Services")
    expect(page.get_by_label("RADIUS server")).to_contain_text("main (127.0.0.1)")
    shoot(page, name, "2-back-in-the-wizard")
