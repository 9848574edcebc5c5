"""A websocket lives as long as the session it was opened in."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from hotspot import events
from hotspot.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]
PASSWORD = "alice-pass-123"


def logged_in_client() -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    return client


async def open_socket(client: Client) -> WebsocketCommunicator:
    cookie = client.cookies["sessionid"].value
    communicator = WebsocketCommunicator(application, "/ws/routers/", headers=[
        (b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def push(org_id: int, html: str) -> None:
    await get_channel_layer().group_send(events.routers_group(org_id),
                                         {"type": "html.push", "html": html})


async def test_an_open_websocket_closes_at_logout_and_receives_no_more_pushes(alice, acme):
    client = await sync_to_async(logged_in_client)()
    socket = await open_socket(client)
    await push(acme.pk, "<p>before</p>")
    assert await socket.receive_from() == "<p>before</p>"

    await sync_to_async(client.post)("/accounts/logout/")

    assert await socket.receive_output(5) == {"type": "websocket.close", "code": 4401}
    await push(acme.pk, "<p>after</p>")
    assert await socket.receive_nothing(0.5)


async def test_a_password_change_closes_the_other_sessions_sockets_only(alice, acme):
    here = await sync_to_async(logged_in_client)()
    elsewhere = await sync_to_async(logged_in_client)()
    mine, theirs = await open_socket(here), await open_socket(elsewhere)

    response = await sync_to_async(here.post)("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "quiet-harbour-lantern",
        "new_password2": "quiet-harbour-lantern"})
    assert response.status_code == 302

    assert await theirs.receive_output(5) == {"type": "websocket.close", "code": 4401}
    await push(acme.pk, "<p>still here</p>")
    assert await mine.receive_from() == "<p>still here</p>"
    assert await theirs.receive_nothing(0.5)
    await mine.disconnect()
