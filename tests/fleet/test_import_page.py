"""An import run's page: its times and per-type results arrive with the run's end (pushed
to the router's group with the progress), headings in words."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from conftest import run_jobs
from fleet.models import ImportKind, ImportRun
from fleet.services.imports import request_import
from hotspot.asgi import application
from tests.fleet.conftest import fill, pool_fields, secret_fields


def test_a_running_run_polls_and_a_finished_one_shows_times_and_results(
        alice_client, routersim, sim_router, django_capture_on_commit_callbacks):
    sim = routersim()
    fill(sim, "/ppp/secret", 3, secret_fields)
    fill(sim, "/ip/pool", 2, pool_fields)
    router = sim_router(sim)
    with django_capture_on_commit_callbacks(execute=True):
        run = request_import(router, ImportKind.ALL)
    url = f"/routers/{router.pk}/imports/{run.pk}/"

    page = alice_client.get(url).content.decode()
    assert f'id="import-result-{run.pk}"' in page and 'hx-trigger="every 3s"' in page

    run_jobs("imports")
    run = ImportRun.objects.get(pk=run.pk)
    page = alice_client.get(url).content.decode()
    assert run.started_at and run.finished_at
    started = run.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert '<dd class="run-started"><time' in page and started in page
    assert "PPP secrets: added 3" in page and "IP pools: added 2" in page
    assert "Ppp" not in page and "Hotspotprofiles" not in page


@pytest.mark.django_db(transaction=True)
async def test_the_runs_end_is_pushed_to_its_page(alice, routersim, sim_router):
    from django.test import Client

    sim = routersim()
    fill(sim, "/ppp/secret", 2, secret_fields)
    router = await sync_to_async(sim_router)(sim)
    client = Client()
    await sync_to_async(client.force_login)(alice)
    cookie = client.cookies["sessionid"].value
    socket = WebsocketCommunicator(application, f"/ws/routers/{router.pk}/",
                                   headers=[(b"cookie", f"sessionid={cookie}".encode()),
                                            (b"origin", b"http://localhost")])
    connected, _ = await socket.connect()
    assert connected
    run = await sync_to_async(request_import)(router, ImportKind.PPP_SECRETS)
    await sync_to_async(run_jobs)("imports")
    pushed = []
    while not any(f'id="import-result-{run.pk}"' in p and "PPP secrets: added 2" in p
                  for p in pushed):
        pushed.append(await socket.receive_from(timeout=10))
    await socket.disconnect()
