"""Steps the browser tests share: a router ready for services, reading the live page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.provisioning.helpers import online_router, radius_server

# Records websocket opens and pushed messages, so a test can tell live from polled updates.
WS_PROBE = """
window.__ws = {opens: 0, messages: 0};
document.addEventListener('htmx:wsOpen', () => { window.__ws.opens += 1; });
document.addEventListener('htmx:wsAfterMessage', () => { window.__ws.messages += 1; });
"""


def ready_router(org, sim, name="cafe-1", with_radius=False):
    """A router that answered its probe (stage 3), and optionally a RADIUS server."""
    router = online_router(org, sim, name=name)
    server = radius_server(org) if with_radius else None
    return router, server


def wait_for_socket(page: Page) -> None:
    page.wait_for_function("window.__ws && window.__ws.opens > 0")


def progress_bar(page: Page):
    return page.get_by_role("progressbar", name="Deployment progress")


def expect_completed(page: Page) -> None:
    expect(page.locator("#deploy-progress")).to_have_attribute("data-status", "completed")
    expect(progress_bar(page)).to_have_attribute("aria-valuenow", "100")
