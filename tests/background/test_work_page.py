"""The Background work page lists the organization's running and failed work, and only
theirs; a crash and an expected failure read differently."""

import pytest

from background.lifecycle import JobFailed
from conftest import run_jobs
from hotspot import jobs, queues

pytestmark = pytest.mark.django_db(transaction=True)


@jobs.job(queues.DEFAULT)
def refuse_politely(router_name):
    """Check of the lobby printer."""
    raise JobFailed(f"{router_name} did not answer: connection refused")


@jobs.job(queues.DEFAULT)
def crash(value):
    """Count of the lobby guests."""
    return 1 / value


def failed_work(acme, make_router):
    router = make_router("lobby")
    polite = jobs.enqueue(refuse_politely, "lobby", router=router)
    crashed = jobs.enqueue(crash, 0, organization=acme)
    run_jobs(queues.DEFAULT)
    return polite, crashed


def test_another_organization_sees_none_of_it(bob_client, acme, make_router):
    failed_work(acme, make_router)
    assert "lobby" not in bob_client.get("/work/?show=all").content.decode()


def test_it_lists_failed_and_crashed_work_with_their_causes(alice_client, acme, make_router):
    polite, crashed = failed_work(acme, make_router)
    polite.refresh_from_db()
    crashed.refresh_from_db()
    assert (polite.status, crashed.status) == ("failed", "errored")
    assert "ZeroDivisionError" in crashed.error

    page = alice_client.get("/work/?show=failed").content.decode()
    assert "Check of the lobby printer" in page and "lobby did not answer" in page
    assert "Count of the lobby guests" in page and "Crashed" in page
    assert "ZeroDivisionError" in page
    assert "Nothing is queued" in alice_client.get("/work/").content.decode()


def test_it_lists_queued_work_and_refreshes_itself(alice_client, make_router):
    router = make_router("lobby")
    jobs.enqueue(refuse_politely, "lobby", router=router)  # no worker yet: queued
    response = alice_client.get("/work/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Check of the lobby printer" in body and "Queued" in body
    assert 'hx-trigger="every 5s"' in body and "<html" not in body
