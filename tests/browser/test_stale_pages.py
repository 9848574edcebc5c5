"""Pages that must not go stale: the wizard's deploy log shows every line the finished
deployment has, and "Checking the router…" goes once the drift check is done."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.flows import expect_completed, ready_router
from tests.provisioning.helpers import HOTSPOT, generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]


def test_deploy_log_is_whole_and_drift_check_ends(logged_in, routersim, acme, request):
    from provisioning.models import DeploymentEvent

    page, name = logged_in, request.node.name
    router, _ = ready_router(acme, routersim())
    generate(router, HOTSPOT)
    page.goto(f"/routers/{router.pk}/services/")
    page.get_by_role("button", name="Deploy", exact=True).click()
    expect_completed(page)
    log = page.get_by_role("list", name="Deployment log")
    count = DeploymentEvent.objects.filter(deployment__router=router).count()
    expect(log.locator("li")).to_have_count(count)
    # Every line is on the page, none hidden in a scroll box.
    assert log.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    log.scroll_into_view_if_needed()
    shoot(page, name, "1-deploy-log-whole")

    page.goto(f"/routers/{router.pk}/")
    drift = page.get_by_role("region", name="Drift")
    drift.get_by_role("button", name="Check now").click()
    expect(drift).to_contain_text(re.compile(r"No drift: the router holds what was deployed"))
    expect(drift.get_by_text("Checking the router…")).to_have_count(0)
    expect(drift.get_by_role("button", name="Check now")).to_be_visible()
    drift.scroll_into_view_if_needed()
    shoot(page, name, "2-drift-checked")
