"""Every page with a table, at 390 px (a phone) and 1280 px: at phone width rows stack and
every cell says which column it is (data-label, printed by site.css), and nothing is wider
than the screen. Screenshots of both widths go to test-artifacts/browser/<test>/."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.flows import ready_router
from tests.fleet.conftest import pool_fields, secret_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(300)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Cells whose column has a header but that carry no data-label (none may remain).
UNLABELLED = """() => {
  const missing = [];
  document.querySelectorAll('table.table').forEach(table => {
    const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    table.querySelectorAll('tbody tr').forEach(row => {
      [...row.children].forEach((cell, i) => {
        if (cell.tagName === 'TD' && !cell.hasAttribute('colspan') && heads[i]
            && !cell.getAttribute('data-label')) missing.push(heads[i] + ': ' + cell.textContent.trim().slice(0, 40));
      });
    });
  });
  return missing;
}"""
# What the phone shows before the first labelled cell's value.
FIRST_LABEL = """() => {
  const cell = document.querySelector('table.table tbody td[data-label]');
  return cell ? getComputedStyle(cell, '::before').content : null;
}"""


def wait_until(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)  # another process (the worker) does the work: nothing to wait on


def test_every_table_is_labelled_at_phone_width(logged_in, routersim, acme, live_app,
                                                request):
    from accounts.models import Organization
    from background.models import Job
    from fleet.models import ImportRun
    from fleet.services.imports import request_import
    from radius.models import RadiusServer
    from vouchers.models import VoucherProfile
    from vouchers.services.generate import generate_batch

    page, name = logged_in, request.node.name
    sim = routersim()
    for i in range(3):
        sim.add_item("/ip/pool", **pool_fields(i + 20))
        sim.add_item("/ppp/secret", **secret_fields(i))
    sim.add_item("/ip/hotspot/user/profile", name="1h", **{"rate-limit": "2M/2M",
                                                           "shared-users": "1"})
    sim.add_item("/ip/hotspot/user", name="guest", password="g-pass", profile="1h",
                 server="all", disabled="false")
    router, _ = ready_router(acme, sim)
    server = RadiusServer.objects.create(
        organization=acme, name="main", host="127.0.0.1", nas_secret="nas-secret",
        agent_url=f"{live_app}/radius/agent/", agent_token="phone-agent-token-0123456789abc")
    batch = generate_batch(acme, VoucherProfile.objects.get(organization=acme, name="1 hour"),
                           5, radius_server=server)
    run = request_import(router)
    Job.objects.create(kind="vouchers.jobs.sync_batch", args=[0], status="failed",
                       organization=Organization.objects.get(pk=acme.pk),
                       error="agent unreachable at http://10.0.0.9:8000: timed out")
    wait_until(lambda: ImportRun.objects.get(pk=run.pk).finished)
    wait_until(lambda: not batch.vouchers.filter(radius_sync_status="pending").exists())

    pages = {
        "routers": "/routers/",
        "router": f"/routers/{router.pk}/",
        "services": f"/routers/{router.pk}/services/",
        "imports": f"/routers/{router.pk}/imports/",
        "pools": f"/routers/{router.pk}/pools/",
        "secrets": f"/routers/{router.pk}/secrets/",
        "hotspot-users": f"/routers/{router.pk}/hotspot-users/",
        "vouchers": "/vouchers/",
        "batch": f"/vouchers/batches/{batch.pk}/",
        "voucher": f"/vouchers/v/{batch.vouchers.first().pk}/",
        "online": "/sessions/",
        "radius": "/radius/",
        "radius-server": f"/radius/{server.pk}/",
        "background-work": "/work/?show=failed",
        # Pages without tables: the screenshot set covers them, and nothing may be wider
        # than the phone.
        "add-router": "/routers/add/",
        "import-run": f"/routers/{router.pk}/imports/{run.pk}/",
        "generate-vouchers": "/vouchers/batches/new/",
        "profile-form": "/vouchers/profiles/new/",
        "print-warning": f"/vouchers/batches/{batch.pk}/print/",
        "radius-form": "/radius/new/",
        "password": "/accounts/password/",
    }
    tables_seen = 0
    for step, url in pages.items():
        page.set_viewport_size(PHONE)
        page.goto(url)
        page.wait_for_load_state("load")
        if step == "radius-server":
            page.get_by_role("button", name="Test").click()
            expect(page.locator(".test-summary")).to_be_visible()
        if step == "background-work":
            expect(page.locator("#work-table")).to_contain_text("could not be reached")
        if step == "router":  # the live data panel fills in from the router
            expect(page.get_by_role("table", name="Interface traffic")).to_be_visible()
        # Cells pushed or polled in are labelled as they settle.
        page.wait_for_function(f"({UNLABELLED})().length === 0", timeout=5000) \
            if page.evaluate(UNLABELLED) else None
        tables = page.locator("table.table").count()
        tables_seen += tables
        assert page.evaluate(UNLABELLED) == [], step
        if tables and page.locator("table.table tbody td[data-label]").count():
            label = page.evaluate(FIRST_LABEL)
            assert label and label not in ("none", "normal"), (step, label)
        width = page.evaluate("document.documentElement.scrollWidth")
        shoot(page, name, f"{step}-390")
        assert width <= PHONE["width"], f"{step} is {width} px wide at 390 px"
        page.set_viewport_size(DESKTOP)
        shoot(page, name, f"{step}-1280")
    assert tables_seen >= 12
