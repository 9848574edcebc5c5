"""A batch page follows the sync live, and a failed batch looks failed, says why once and
offers Retry. The agent is the product's own (daphne serves /radius/agent/)."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.flows import WS_PROBE, wait_for_socket
from tests.radius.fixtures import free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]
TOKEN = "browser-agent-token-0123456789abcdef"


def make_server(org, url):
    from radius.models import RadiusServer

    return RadiusServer.objects.create(organization=org, name="main", host="127.0.0.1",
                                       nas_secret="nas-secret", agent_url=url,
                                       agent_token=TOKEN)


def wait_settled(batch, timeout=60):
    """The worker (another process) has settled every voucher of the batch."""
    deadline = time.monotonic() + timeout
    while batch.vouchers.filter(radius_sync_status="pending").exists():
        assert time.monotonic() < deadline, "the sync did not finish"
        time.sleep(0.2)  # the worker is another process: nothing to wait on but the rows


def test_rows_turn_synced_live(logged_in, live_app, acme, request):
    from vouchers.models import VoucherProfile
    from vouchers.services.generate import generate_batch
    from vouchers.services.lifecycle import request_sync

    page, name = logged_in, request.node.name
    page.context.add_init_script(WS_PROBE)
    server = make_server(acme, f"{live_app}/radius/agent/")
    profile = VoucherProfile.objects.get(organization=acme, name="1 hour")
    batch = generate_batch(acme, profile, 12, radius_server=server)
    wait_settled(batch)
    # Pending again with no job queued: the page opens on pending rows and nothing moves
    # until the sync below runs.
    batch.vouchers.update(radius_sync_status="pending", radius_synced_at=None)

    page.goto(f"/vouchers/batches/{batch.pk}/")
    rows = page.locator("#voucher-table tbody tr")
    expect(rows.locator(".badge-pending")).to_have_count(12)
    wait_for_socket(page)
    shoot(page, name, "1-pending")

    request_sync([batch.pk])
    expect(rows.locator(".badge-synced")).to_have_count(12)
    expect(page.locator(".batch-progress")).to_have_attribute("data-state", "synced")
    assert page.evaluate("window.__ws.messages") > 0  # pushed, not only polled
    shoot(page, name, "2-synced-live")
    assert not page.console_errors


def test_a_failed_batch_says_why_once_and_retry_syncs_it(logged_in, live_app, acme, request):
    from vouchers.models import VoucherProfile
    from vouchers.services.generate import generate_batch

    page, name = logged_in, request.node.name
    server = make_server(acme, f"http://127.0.0.1:{free_port()}/radius/agent/")
    profile = VoucherProfile.objects.get(organization=acme, name="1 hour")
    batch = generate_batch(acme, profile, 10, radius_server=server)

    page.goto(f"/vouchers/batches/{batch.pk}/")
    progress = page.locator(".batch-progress")
    expect(progress).to_have_attribute("data-state", "failed")
    alert = progress.get_by_role("alert")
    expect(alert).to_contain_text("None of these vouchers are in RADIUS")
    expect(alert).to_contain_text("could not be reached: nothing answers on that port")
    expect(page.get_by_text("Errno")).to_have_count(0)
    expect(page.locator("#voucher-table .badge-failed")).to_have_count(10)
    shoot(page, name, "1-failed")

    page.get_by_role("link", name="Print").click()
    expect(page.get_by_role("alert")).to_contain_text("10 of 10 vouchers are not in RADIUS")
    expect(page.locator(".voucher-card")).to_have_count(0)
    shoot(page, name, "2-print-warning")
    page.go_back()

    server.agent_url = f"{live_app}/radius/agent/"  # the agent is back
    server.save(update_fields=["agent_url"])
    page.get_by_role("button", name="Retry 10 failed vouchers").click()
    expect(page.locator(".batch-progress")).to_have_attribute("data-state", "synced")
    expect(page.locator("#voucher-table .badge-synced")).to_have_count(10)
    shoot(page, name, "3-retried-synced")
