"""The operator's day in Chromium: onboarding a router and deploying its services."""

import re

import pytest
from playwright.sync_api import expect

from routers.models import Router
from tests.browser.conftest import shoot
from tests.browser.flows import WS_PROBE, expect_completed, ready_router

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]


def test_it_onboards_a_router_from_its_initial_script(logged_in, routersim, request):
    page, name = logged_in, request.node.name
    sim = routersim(identity="MikroTik")
    page.get_by_role("link", name="Add router").click()
    page.get_by_label("Name", exact=True).fill("cafe-1")
    page.get_by_label("Management host").fill(sim.host)
    page.get_by_label("API port").fill(str(sim.port))
    shoot(page, name, "1-add-router")
    page.get_by_role("button", name="Create router").click()

    router = Router.objects.get(name="cafe-1")
    expect(page).to_have_url(re.compile(rf"/routers/{router.pk}/wizard/$"))
    expect(page.locator(".stages [aria-current=step]")).to_have_text("2 Connect")
    panel = page.locator("#probe-panel")
    expect(panel).to_have_attribute("data-status", "probing")
    # Before the script is applied the router refuses the login, and the page says why.
    expect(panel.locator(".hint")).to_contain_text("Why it does not connect")
    page.get_by_role("button", name="Copy script").click()
    expect(page.locator("#copy-result")).to_have_text(re.compile("Copied|Selected"))
    script = page.locator("#initial-script").text_content()
    assert script.startswith("# Initial configuration") and "/user add" in script
    assert router.config_token in script  # the one place the token is shown
    shoot(page, name, "2-initial-script-probing")

    sim.import_script(script)
    expect(page).to_have_url(re.compile(rf"/routers/{router.pk}/services/"))
    expect(page.locator(".stages [aria-current=step]")).to_have_text("3 Services")
    expect(page.get_by_role("heading", name="3. Choose services")).to_be_visible()
    expect(page.locator("#services-form")).to_contain_text("ether2")
    shoot(page, name, "3-services")


def test_it_deploys_hotspot_pppoe_and_radius_and_the_list_shows_active(
        logged_in, routersim, acme, live_app, request):
    page, name = logged_in, request.node.name
    page.context.add_init_script(WS_PROBE)
    router, server = ready_router(acme, routersim(), with_radius=True)
    # A second tab on the routers list: its badge must change live, without a reload.
    # Its own window (a background tab renders no frames, so it could not be screenshot).
    listing = page.context.browser.new_context(
        base_url=live_app,
        storage_state=page.context.storage_state()).new_page()
    listing.add_init_script(WS_PROBE)
    listing.goto("/routers/")
    listing.wait_for_function("window.__ws.opens > 0")
    listing.evaluate("window.__not_reloaded = true")
    badge = listing.locator(f"#router-{router.pk}-status")
    expect(badge).to_have_text("Online")

    page.goto(f"/routers/{router.pk}/wizard/")
    expect(page).to_have_url(re.compile(rf"/routers/{router.pk}/services/"))
    page.get_by_label("Hotspot", exact=True).check()
    page.locator("#hs-ether2").check()
    page.get_by_label("Gateway for ether2").fill("10.5.50.1/24")
    page.get_by_label("Pool for ether2").fill("10.5.50.10-10.5.50.254")
    page.get_by_label("Portal title").fill("Cafe WiFi")
    page.get_by_label("PPPoE", exact=True).check()
    page.locator("#pp-ether3").check()
    page.get_by_label("Local (server) address").fill("10.6.0.1")
    page.get_by_label("Client IP pool range").fill("10.6.0.10-10.6.0.250")
    page.get_by_label("RADIUS", exact=True).check()
    page.get_by_label("RADIUS server").select_option(str(server.pk))
    shoot(page, name, "1-services-chosen")
    page.get_by_role("button", name="Generate configuration").click()

    expect(page.locator(".stages [aria-current=step]")).to_have_text("4 Review")
    script = page.locator("#service-script")
    for words in ("/ip hotspot", "/interface pppoe-server server", "/radius"):
        expect(script).to_contain_text(words)
    page.locator("#review").scroll_into_view_if_needed()
    shoot(page, name, "2-review-script")

    page.get_by_role("button", name="Deploy", exact=True).click()
    expect(page.locator(".stages [aria-current=step]")).to_have_text("5 Deploy")
    expect_completed(page)
    expect(page.locator("#deploy-progress")).to_contain_text("Router provisioned successfully")
    page.locator("#deploy").scroll_into_view_if_needed()
    shoot(page, name, "3-deployed-100")

    expect(badge).to_have_text("Active")
    assert listing.evaluate("window.__not_reloaded") is True
    listing.reload()
    row = listing.get_by_role("row").filter(has_text=router.name)
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("Hotspot, PPPoE, RADIUS")
    shoot(listing, name, "4-list-active")

    page.goto(f"/routers/{router.pk}/")
    expect(page.get_by_role("heading", name="Deployments")).to_be_visible()
    expect(page.locator("#h-deployments + table")).to_contain_text("Completed")
    shoot(page, name, "5-router-page")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, name, "6-router-page-phone")
    listing.context.close()
