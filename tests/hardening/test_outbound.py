"""Router hosts and agent URLs: loopback, link-local and the installation's own services
are refused at the form and at connect time, unless OUTBOUND_ALLOW_NETWORKS allows them."""

import http.server
import threading

import pytest
from django.db import connection

from radius.client import AgentClient, AgentError
from radius.models import RadiusServer
from routers.models import Router
from routers.services.connect import Reach
from routers.services.probing import probe

AGENT_FORM = {"name": "main", "host": "10.0.0.5", "auth_port": 1812, "acct_port": 1813,
              "nas_secret": "s", "agent_token": "t"}


@pytest.fixture
def strict(settings):
    settings.OUTBOUND_ALLOW_NETWORKS = []
    return settings


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "169.254.169.254",
                                  "0.0.0.0", "fe80::1", "224.0.0.1"])
def test_it_refuses_a_router_host_outside_the_policy(alice_client, strict, host):
    response = alice_client.post("/routers/add/", {"name": "edge-1", "host": host})
    assert response.status_code == 200
    assert "OUTBOUND_ALLOW_NETWORKS" in str(response.context["form"].errors["host"])
    response = alice_client.post("/api/routers/create-with-config",
                                 {"name": "edge-1", "host": host},
                                 content_type="application/json")
    assert response.status_code == 400 and "host" in response.json()["errors"]
    assert not Router.objects.exists()


def test_it_accepts_private_network_routers_and_loopback_when_allowed(alice_client, strict):
    assert alice_client.post("/routers/add/", {"name": "edge-1", "host": "10.1.2.3"}
                             ).status_code == 302
    strict.OUTBOUND_ALLOW_NETWORKS = ["127.0.0.0/8"]
    assert alice_client.post("/routers/add/", {"name": "edge-2", "host": "127.0.0.1"}
                             ).status_code == 302


def test_it_refuses_the_installations_own_database_even_on_an_allowed_network(alice_client):
    port = connection.settings_dict["PORT"] or 5432
    if connection.vendor != "postgresql":
        pytest.skip("the database has no port on SQLite")
    response = alice_client.post("/routers/add/", {"name": "edge-1", "host": "127.0.0.1",
                                                   "api_port": port})
    assert "own database or Redis" in str(response.context["form"].errors["host"])
    response = alice_client.post("/radius/new/", {
        **AGENT_FORM, "agent_url": "http://127.0.0.1:6379/radius/agent/"})
    assert "own database or Redis" in str(response.context["form"].errors["agent_url"])


def test_it_refuses_at_connect_time_a_name_that_resolves_to_loopback(strict, routersim):
    sim = routersim()
    target = Reach(1, "localhost", sim.port, "admin", "", False)
    result = probe(target, timeout=3)
    assert not result.ok
    assert "resolves to an address the product does not connect to" in result.diagnosis.error
    assert "is a loopback address (this server itself)" in result.diagnosis.error
    assert sim.faults.commands_seen == 0

    strict.OUTBOUND_ALLOW_NETWORKS = ["127.0.0.0/8", "::1/128"]
    assert probe(target, timeout=3).ok


def test_it_refuses_an_agent_url_outside_the_policy_at_the_form(alice_client, strict):
    for url in ("http://127.0.0.1:8000/radius/agent/", "http://localhost/radius/agent/",
                "http://169.254.169.254/latest/"):
        response = alice_client.post("/radius/new/", {**AGENT_FORM, "agent_url": url})
        assert "OUTBOUND_ALLOW_NETWORKS" in str(response.context["form"].errors["agent_url"])
    assert not RadiusServer.objects.exists()


class ForbiddenPage(http.server.BaseHTTPRequestHandler):
    """An internal web server that is not an agent: a 403 page with internal details."""

    def do_GET(self):
        body = b"<html><h1>403</h1><p>internal-admin-panel SECRET-BUILD-4711</p></html>"
        self.send_response(403)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def forbidden_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ForbiddenPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_it_names_the_cause_of_an_agent_error_without_the_remote_body(forbidden_server):
    client = AgentClient(f"http://127.0.0.1:{forbidden_server}/radius/agent/", "t", timeout=5)
    with pytest.raises(AgentError) as error:
        client.read_users(["V1"])
    message = str(error.value)
    assert "SECRET" not in message and "internal" not in message
    assert message == ("agent answered 403: Forbidden (text/html, not an answer of the "
                       "agent API)")


def test_it_refuses_an_agent_connection_to_loopback_at_connect_time(strict, forbidden_server):
    client = AgentClient(f"http://localhost:{forbidden_server}/radius/agent/", "t", timeout=5)
    with pytest.raises(AgentError) as error:
        client.read_users(["V1"])
    assert "agent URL refused: localhost resolves to" in str(error.value)
    assert error.value.transient is False
