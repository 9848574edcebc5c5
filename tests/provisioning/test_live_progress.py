"""A browser's websocket sees each deployment stage; a late page replays from the database."""

import re

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from hotspot.asgi import application
from tests.provisioning.helpers import HOTSPOT, deploy, generate, online_router

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


async def connect_as(user, path):
    def cookie():
        c = Client()
        c.force_login(user)
        return c.cookies["sessionid"].value

    headers = [(b"origin", b"http://localhost"),
               (b"cookie", f"sessionid={await sync_to_async(cookie)()}".encode())]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_it_pushes_every_stage_of_a_deployment(alice, acme, routersim):
    sim = await sync_to_async(routersim)()
    router = await sync_to_async(online_router)(acme, sim)
    await sync_to_async(generate)(router, HOTSPOT)
    communicator = await connect_as(alice, f"/ws/routers/{router.pk}/")
    dep = await sync_to_async(deploy)(router)
    frames = []
    while not await communicator.receive_nothing(timeout=1):
        frames.append(await communicator.receive_from())
    await communicator.disconnect()
    progress = [f for f in frames if 'id="deploy-progress"' in f]
    percents = [int(re.search(r'class="pct">(\d+) %', f).group(1)) for f in progress]
    assert percents[:3] == [10, 20, 40]
    assert percents[-1] == 100
    assert percents == sorted(percents)
    assert {70, 85} <= set(percents)
    assert 'hx-swap-oob="true"' in progress[-1]
    events = await sync_to_async(dep.events.count)()
    assert len(progress) == events


def test_the_polling_fallback_serves_the_same_partial_and_stops_when_done(alice_client, acme,
                                                                         routersim):
    sim = routersim()
    router = online_router(acme, sim)
    generate(router, HOTSPOT)
    deploy(router)
    response = alice_client.get(f"/routers/{router.pk}/services/progress/")
    assert response.status_code == 286  # htmx stops polling
    page = response.content.decode()
    assert 'id="deploy-progress"' in page and "100 %" in page
    assert "Router provisioned successfully!" in page
    wizard = alice_client.get(f"/routers/{router.pk}/services/").content.decode()
    assert "Verifying router connectivity..." in wizard  # a late page replays the log
