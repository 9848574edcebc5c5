"""The job dashboard where docs/operations.md says: /admin/rq/, and its failed-jobs page
works in Chromium (no script errors)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]


def test_the_rq_dashboard_and_its_failed_jobs(page, acme, request):
    import time

    from django_rq import get_queue
    from django_rq.settings import get_queues_list
    from rq.registry import FailedJobRegistry

    from accounts.services import create_operator
    from hotspot import queues

    name = request.node.name
    create_operator("root", acme, password=PASSWORD, superuser=True)
    queue = get_queue(queues.DEFAULT)
    job = queue.enqueue(len, 5)  # TypeError: the running worker fails it
    registry = FailedJobRegistry(queue=queue)
    deadline = time.monotonic() + 30
    while job.id not in registry.get_job_ids():
        assert time.monotonic() < deadline, "the worker did not fail the job"
        time.sleep(0.2)  # the worker is another process
    index = next(i for i, q in enumerate(get_queues_list()) if q["name"] == queues.DEFAULT)

    missing = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    response = page.goto("/admin/rq/")
    assert response.status == 200
    expect(page.get_by_text(queues.DEFAULT, exact=True).first).to_be_visible()
    shoot(page, name, "1-dashboard")
    response = page.goto(f"/admin/rq/queues/{index}/failed/")
    assert response.status == 200
    expect(page.get_by_text(job.id)).to_be_visible()
    shoot(page, name, "2-failed-jobs")
    page.get_by_text(job.id).click()
    expect(page.get_by_role("heading", name=f"Job {job.id}")).to_be_visible()
    expect(page.get_by_text("builtins.len")).to_be_visible()
    shoot(page, name, "3-failed-job")
    assert not page.console_errors, (page.console_errors, missing)
