"""A run's progress is pushed to the organization's operators over the websocket, and only
to them; the page polls the same partial as a fallback."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from hotspot.asgi import application
from subscribers.models import Run, Subscriber
from subscribers.services import runs
from tests.subscribers.helpers import plan


async def _connect(user):
    def session_cookie():
        c = Client()
        c.force_login(user)
        return c.cookies["sessionid"].value

    cookie = await sync_to_async(session_cookie)()
    communicator = WebsocketCommunicator(application, "/ws/subscribers/", headers=[
        (b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())])
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.mark.django_db(transaction=True)
async def test_run_progress_is_pushed_to_the_organization_only(alice, bob, acme):
    def start():
        p = plan(acme)
        sub = Subscriber.objects.create(organization=acme, username="a", password="pw", plan=p)
        return runs.start_bulk(acme, Run.Kind.SUSPEND, [sub.pk])

    alice_ws, connected = await _connect(alice)
    assert connected
    bob_ws, connected = await _connect(bob)
    assert connected
    run = await sync_to_async(start)()
    await sync_to_async(runs.publish)(run)
    html = await alice_ws.receive_from(timeout=3)
    assert f'id="subscriber-run-{run.pk}"' in html and 'hx-swap-oob="true"' in html
    assert await bob_ws.receive_nothing(timeout=0.5)
    await alice_ws.disconnect()
    await bob_ws.disconnect()
