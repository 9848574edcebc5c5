import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from hotspot.asgi import application


@pytest.mark.parametrize("url", ["/routers/", "/routers/1/", "/"])
def test_it_redirects_anonymous_requests_to_login(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_serves_the_login_page(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_it_shows_an_operator_their_own_routers_only(alice_client, make_router, other_org):
    make_router("acme-1")
    make_router("other-1", organization=other_org)
    response = alice_client.get("/routers/")
    assert b"acme-1" in response.content
    assert b"other-1" not in response.content


def test_it_gives_404_for_another_organizations_router(bob_client, make_router):
    router = make_router("acme-1")
    assert bob_client.get(f"/routers/{router.pk}/").status_code == 404


def test_it_forbids_a_user_without_organization(db, client, user_model):
    user = user_model.objects.create_user("loner", password="x-pass-123")
    client.force_login(user)
    response = client.get("/routers/")
    assert response.status_code == 403
    assert b"not a member of any organization" in response.content


async def _connect(path, user=None):
    communicator = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://localhost")])
    if user is not None:
        from asgiref.sync import sync_to_async
        from django.test import Client as SyncClient

        def session_cookie():
            c = SyncClient()
            c.force_login(user)
            return c.cookies["sessionid"].value

        cookie = await sync_to_async(session_cookie)()
        communicator = WebsocketCommunicator(
            application, path,
            headers=[(b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())],
        )
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.mark.django_db(transaction=True)
async def test_it_refuses_an_anonymous_websocket():
    communicator, connected, code = await _connect("/ws/routers/")
    assert not connected
    assert code == 4401


@pytest.mark.django_db(transaction=True)
async def test_it_accepts_an_operators_websocket(alice):
    communicator, connected, _ = await _connect("/ws/routers/", alice)
    assert connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_it_refuses_a_websocket_for_another_organizations_router(bob, make_router):
    from asgiref.sync import sync_to_async

    router = await sync_to_async(make_router)("acme-1")
    communicator, connected, code = await _connect(f"/ws/routers/{router.pk}/", bob)
    assert not connected
    assert code == 4404


@pytest.mark.parametrize("path", ["routers/router", "routers/routerconfig", "routers/routerevent",
                                  "routers/probeattempt", "provisioning/deployment",
                                  "radius/radiusserver", "vouchers/voucherprofile",
                                  "vouchers/voucherbatch", "vouchers/voucher",
                                  "accounts/organization", "accounts/operator",
                                  "fleet/importrun", "fleet/importedpool", "background/job"])
def test_the_admin_lists_every_model(db, client, user_model, path):
    admin = user_model.objects.create_superuser("root", password="root-pass-123")
    client.force_login(admin)
    response = client.get(f"/admin/{path}/")
    assert response.status_code == 200
