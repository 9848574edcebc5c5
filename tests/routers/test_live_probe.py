"""A websocket client subscribed to a router sees each probe attempt and the online event."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from hotspot.asgi import application
from routers.choices import RouterStatus
from routers.models import Router

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


async def connect_as(user, path):
    def cookie():
        c = Client()
        c.force_login(user)
        return c.cookies["sessionid"].value

    communicator = WebsocketCommunicator(application, path, headers=[
        (b"origin", b"http://localhost"), (b"cookie", f"sessionid={await sync_to_async(cookie)()}".encode())])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_it_pushes_each_attempt_and_the_online_event(alice, acme, routersim, settings):
    settings.PROBE_INTERVAL_SECONDS = 0.2
    settings.PROBE_MAX_ATTEMPTS = 20
    settings.ROUTER_CONNECT_TIMEOUT = 1.0
    from conftest import drain_until
    from routers.services.onboarding import create_router

    sim = await sync_to_async(routersim)()
    router, config = await sync_to_async(create_router)(
        acme, name="ws-1", host=sim.host, api_port=sim.port)
    communicator = await connect_as(alice, f"/ws/routers/{router.pk}/")

    # Two failed attempts before the script is applied.
    await sync_to_async(drain_until)(lambda: router.probe_log.count() >= 2, 30)
    script = await sync_to_async(lambda: config.operator_script)()  # reads the token
    await sync_to_async(sim.import_script)(script)
    await sync_to_async(drain_until)(
        lambda: Router.objects.get(pk=router.pk).status == RouterStatus.ONLINE, 30)

    frames = []
    # receive_from() cancels the app on timeout; receive_nothing() peeks safely.
    while not await communicator.receive_nothing(timeout=1):
        frames.append(await communicator.receive_from())
    await communicator.disconnect()
    panels = [f for f in frames if 'id="probe-panel"' in f]
    attempts = await sync_to_async(router.probe_log.count)()
    assert len(panels) == attempts
    assert "attempt 1 of 20" in panels[0]
    assert "Connected:" in panels[-1]
    assert any(f'id="router-{router.pk}-status"' in f and "Online" in f for f in frames)
