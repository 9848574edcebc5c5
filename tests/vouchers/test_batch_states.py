"""A batch whose agent is unreachable looks failed, with one clear cause and a Retry."""

from conftest import run_jobs
from hotspot import queues
from vouchers.services.failures import describe
from vouchers.services.generate import generate_batch


def test_a_batch_whose_agent_is_down_says_so_once_and_offers_retry(
        alice_client, acme, profile, dead_agent_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = generate_batch(acme, profile, 20, radius_server=dead_agent_server)
    run_jobs(queues.RADIUS_SYNC)
    assert set(batch.vouchers.values_list("radius_sync_status", flat=True)) == {"failed"}

    page = alice_client.get(f"/vouchers/batches/{batch.pk}/").content.decode()
    assert 'data-state="failed"' in page
    assert "None of these vouchers are in RADIUS" in page
    assert page.count("could not be reached: nothing answers on that port") == 1
    assert "Errno" not in page
    assert "Retry 20 failed vouchers" in page
    assert "all in RADIUS" not in page

    response = alice_client.post(f"/vouchers/batches/{batch.pk}/retry/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"]
    assert set(batch.vouchers.values_list("radius_sync_status", flat=True)) == {"pending"}


def test_a_synced_batch_says_all_in_radius(alice_client, acme, profile, radius_server,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = generate_batch(acme, profile, 5, radius_server=radius_server)
    run_jobs(queues.RADIUS_SYNC)

    page = alice_client.get(f"/vouchers/batches/{batch.pk}/").content.decode()
    assert 'data-state="synced"' in page and "all in RADIUS" in page
    assert page.count("badge-synced\">Synced<") == 5


def test_errors_are_told_in_words():
    assert describe("agent unreachable at http://10.0.0.5:8000: timed out") == (
        "The RADIUS agent at http://10.0.0.5:8000 could not be reached: no answer before the "
        "timeout: a firewall, a wrong address or a stopped machine.")
    assert "refused this server's token" in describe("agent answered 401: invalid token")
    assert describe("missing reply Mikrotik-Rate-Limit") == "missing reply Mikrotik-Rate-Limit"
