"""The RADIUS server page's Test button and health: against the live agent (live_server),
a dead one, a wrong token, and a real FreeRADIUS answering Status-Server."""

import pytest

from background.models import Job
from conftest import run_jobs
from hotspot import queues
from radius import health
from radius.models import RadiusServer
from tests.radius.fixtures import NAS_SECRET


def results(checks):
    return {c.name: c.result for c in checks}


def test_a_working_agent_passes_its_checks(alice_client, radius_server, make_router):
    make_router("gw", host="127.0.0.1", radius_server=radius_server)
    run_jobs(queues.RADIUS_SYNC)  # the NAS sync the router's link enqueued

    response = alice_client.post(f"/radius/{radius_server.pk}/test/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    checks = response.context["checks"]
    assert results(checks) | {"FreeRADIUS answers": "-"} == {
        "Agent reachable": "ok", "Token accepted": "ok", "NAS rows": "ok",
        "FreeRADIUS answers": "-"}
    assert 'data-result="ok"' in html and "All 1 router listed as NAS." in html


def test_missing_nas_rows_fail_the_test(radius_server, make_router):
    router = make_router("gw", host="127.0.0.1")
    # Linked with update(): no signal, so no NAS sync ran.
    type(router).objects.filter(pk=router.pk).update(radius_server=radius_server)

    checks = health.test_server(radius_server)
    nas = next(c for c in checks if c.name == "NAS rows")
    assert nas.result == "failed" and "1 of 1 routers are not in the agent's NAS list" in \
        nas.detail


def test_a_dead_agent_is_named_and_the_rest_skipped(alice_client, dead_agent_server):
    response = alice_client.post(f"/radius/{dead_agent_server.pk}/test/")
    html = response.content.decode()
    assert results(response.context["checks"]) == {
        "Agent reachable": "failed", "Token accepted": "skipped", "NAS rows": "skipped",
        "FreeRADIUS answers": "warning"}
    assert "could not be reached: nothing answers on that port" in html
    assert 'data-result="failed"' in html


def test_a_wrong_token_is_told_apart_from_a_dead_agent(radius_server):
    # The agent never learnt this token (set with update(): no signal tells the agent).
    RadiusServer.objects.filter(pk=radius_server.pk).update(
        agent_token="not-the-token-the-agent-knows-000")
    radius_server.refresh_from_db()
    checks = health.test_server(radius_server)
    assert results(checks)["Agent reachable"] == "ok"
    assert results(checks)["Token accepted"] == "failed"


def test_the_page_shows_a_failed_nas_sync(alice_client, dead_agent_server, make_router):
    make_router("gw", host="127.0.0.1", radius_server=dead_agent_server)
    Job.objects.filter(kind="radius.jobs.sync_nas").update(status="failed", error=(
        f"agent unreachable at {dead_agent_server.agent_url.rsplit('/radius', 1)[0]}: "
        "[Errno 111] Connection refused"))

    html = alice_client.get(f"/radius/{dead_agent_server.pk}/").content.decode()
    assert "Last NAS sync" in html and "badge-failed" in html
    assert "could not be reached: nothing answers on that port" in html


def test_the_form_says_the_product_serves_the_agent(alice_client):
    html = alice_client.get("/radius/new/").content.decode()
    assert "this product serves the agent API itself" in html
    assert "http://testserver/radius/agent/" in html
    assert "manage.py radius_agent_scope" in html


@pytest.mark.radius
@pytest.mark.django_db(transaction=True)
def test_freeradius_answers_status_server(acme, radius_server, make_router, freeradius):
    make_router("gw", host="127.0.0.1", radius_server=radius_server)  # a NAS row: a client
    run_jobs(queues.RADIUS_SYNC)
    freeradius.start()

    check = health.status_server("127.0.0.1", freeradius.auth_port, NAS_SECRET)
    assert check.result == "ok", (check.detail, freeradius.output()[-3000:])
    wrong = health.status_server("127.0.0.1", freeradius.auth_port, "not-the-secret")
    assert wrong.result == "warning"
