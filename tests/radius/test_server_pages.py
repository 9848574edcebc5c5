from radius.models import RadiusServer


def test_it_adds_a_server_shows_its_token_once_and_never_its_secret(alice_client, acme):
    response = alice_client.post("/radius/new/", {
        "name": "main", "host": "10.0.0.5", "auth_port": 1812, "acct_port": 1813,
        "agent_url": "http://10.0.0.5:8000/radius/agent/", "is_active": "on",
        "nas_secret": "nas-secret-xyz",
    })
    assert response.status_code == 200
    server = RadiusServer.objects.get(organization=acme)
    assert server.nas_secret == "nas-secret-xyz"
    assert server.agent_token.encode() in response.content  # the one time
    assert server.agent_scope.encode() in response.content
    assert b"nas-secret-xyz" not in response.content

    for url in ("/radius/", f"/radius/{server.pk}/edit/", f"/radius/{server.pk}/token/"):
        page = alice_client.get(url).content
        assert b"nas-secret-xyz" not in page and server.agent_token.encode() not in page


def test_it_keeps_secrets_when_left_blank_on_edit(alice_client, acme):
    server = RadiusServer.objects.create(organization=acme, name="main", host="h",
                                         nas_secret="keep-me", agent_url="http://h.example/radius/agent/",
                                         agent_token="tok")
    response = alice_client.post(f"/radius/{server.pk}/edit/", {
        "name": "renamed", "host": "h", "auth_port": 1812, "acct_port": 1813,
        "agent_url": "http://h.example/radius/agent/", "nas_secret": "",
    })
    assert response.status_code == 302
    server.refresh_from_db()
    assert (server.name, server.nas_secret, server.agent_token) == ("renamed", "keep-me", "tok")


def test_it_gives_404_for_another_organizations_server(bob_client, acme):
    server = RadiusServer.objects.create(organization=acme, name="main", host="h",
                                         nas_secret="s", agent_url="http://h/", agent_token="t")
    assert bob_client.get(f"/radius/{server.pk}/edit/").status_code == 404
    assert bob_client.get(f"/radius/{server.pk}/token/").status_code == 404
