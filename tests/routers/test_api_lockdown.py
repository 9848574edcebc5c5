"""The router's API accepts only the management server, and api-ssl's certificate is pinned.

The initial script limits api/api-ssl to MANAGEMENT_ADDRESSES and, with TLS, makes a
certificate for api-ssl; the first successful probe pins its SHA-256; a changed
certificate is refused before the login until the operator re-trusts it.
"""

import os
import subprocess
import sys

import pytest

from conftest import drain_until
from fleet.services.health import check_one
from routers.choices import ProbeOutcome, RouterStatus
from routers.models import Router, RouterEvent
from routers.routeros import RouterCertificateChanged, RouterClosedEarly, RouterOSClient
from routers.routeros.quoting import check_script
from routers.services.connect import Reach, client_for
from routers.services.onboarding import (
    CERTIFICATE_NAME,
    create_router,
    initial_script,
    issue_new_token,
)
from routers.services.probing import start_probing
from tests.browser.conftest import ROOT

pytestmark = pytest.mark.timeout(120)
db = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_probing(settings):
    settings.PROBE_INTERVAL_SECONDS = 0.3
    settings.PROBE_MAX_ATTEMPTS = 3
    settings.ROUTER_CONNECT_TIMEOUT = 2.0


def status_of(router):
    return Router.objects.get(pk=router.pk).status


def fresh(router):
    return Router.objects.get(pk=router.pk)


# --- the initial script --------------------------------------------------------------------

@db
@pytest.mark.parametrize("use_tls", [False, True])
def test_the_initial_script_limits_the_api_to_the_management_addresses(acme, settings, use_tls):
    settings.MANAGEMENT_ADDRESSES = ("192.0.2.7/32", "10.20.0.0/16")
    router, config = create_router(acme, name="hq", host="10.9.0.1", use_tls=use_tls)
    limit = 'address="192.0.2.7/32,10.20.0.0/16"'
    assert f"/ip service set api disabled=no {limit}" in config.script
    assert (f'/ip service set api-ssl disabled=no certificate="{CERTIFICATE_NAME}" {limit}'
            in config.script) is use_tls
    assert config.plan["api_addresses"] == ["192.0.2.7/32", "10.20.0.0/16"]
    assert "not limited" not in config.script
    assert check_script(config.operator_script) == []


@db
def test_without_management_addresses_the_script_says_so_and_the_wizard_warns(
        alice_client, settings):
    settings.MANAGEMENT_ADDRESSES = ()
    alice_client.post("/routers/add/", {"name": "open-1", "host": "10.9.0.1"})
    router = Router.objects.get(name="open-1")
    script = router.configs.get().script
    assert "address=" not in script
    assert "# MANAGEMENT_ADDRESSES is not set on the server: the API is not limited" in script
    assert check_script(script) == []
    page = alice_client.get(f"/routers/{router.pk}/wizard/").content.decode()
    assert 'id="api-open-warning"' in page
    assert "stays open to every address" in page
    assert "/ip service set api address=&lt;this server's address&gt;" in page

    settings.MANAGEMENT_ADDRESSES = ("192.0.2.7/32",)
    alice_client.post(f"/routers/{router.pk}/new-token/")
    page = alice_client.get(f"/routers/{router.pk}/wizard/").content.decode()
    assert 'id="api-open-warning"' not in page
    assert 'id="api-limited"' in page and "<code>192.0.2.7/32</code>" in page


def test_addresses_are_escaped_in_the_script_so_the_router_stores_exactly_them(routersim):
    hostile = ['1.2.3.4" ; /system reset-configuration', "$[/user remove admin]"]
    script = initial_script("esc", "api-esc", "T" * 43, use_tls=True, api_addresses=hostile)
    assert check_script(script) == []
    sim = routersim()
    sim.import_script(script)
    assert sim.item("/ip/service", name="api")["address"] == ",".join(hostile)
    assert sim.identity() == "esc"
    assert sim.item("/user", name="admin") is not None


@pytest.mark.parametrize("value", ['1.2.3.4" ; /system reset-configuration', "10.0.0.1/8",
                                   "mgmt.example.net", "10.0.0.0/8\n/system reset"])
def test_hostile_management_addresses_stop_the_server_at_startup(value):
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT,
                            env={**os.environ, "MANAGEMENT_ADDRESSES": value},
                            capture_output=True, text=True, timeout=100)
    assert result.returncode != 0
    assert "ImproperlyConfigured: MANAGEMENT_ADDRESSES:" in result.stderr
    assert "is not an address or network like 192.0.2.7" in result.stderr


def test_management_addresses_are_read_as_prefixes():
    code = "from django.conf import settings; print(','.join(settings.MANAGEMENT_ADDRESSES))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
        env={**os.environ, "MANAGEMENT_ADDRESSES": " 203.0.113.10, ,10.0.0.0/8,2001:db8::/32,"
                                                   "203.0.113.10"},
        capture_output=True, text=True, timeout=100)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "203.0.113.10/32,10.0.0.0/8,2001:db8::/32"


# --- address= on the router ---------------------------------------------------------------

@db
def test_a_probe_from_outside_the_management_list_is_refused_and_explained(
        acme, routersim, settings, alice_client):
    settings.MANAGEMENT_ADDRESSES = ("192.0.2.10/32",)
    sim = routersim()
    router, config = create_router(acme, name="far", host=sim.host, api_port=sim.port)
    sim.import_script(config.operator_script)
    assert sim.item("/ip/service", name="api")["address"] == "192.0.2.10/32"
    with pytest.raises(RouterClosedEarly) as refused:  # the router closed it, before a word
        client_for(fresh(router)).connect()
    assert refused.value.source == "127.0.0.1"

    assert drain_until(lambda: status_of(router) == RouterStatus.CONNECTION_FAILED, timeout=30)
    attempt = router.probe_log.first()
    assert attempt.outcome == ProbeOutcome.CLOSED
    assert "does not accept this server's address" in attempt.error
    assert "This server connected from 127.0.0.1" in attempt.error
    assert "MANAGEMENT_ADDRESSES, which new initial scripts allow: 192.0.2.10/32" in attempt.hint
    assert '/ip service print detail where name="api"' in attempt.hint
    panel = alice_client.get(f"/routers/{router.pk}/probe-panel/").content.decode()
    assert "Closed by the router" in panel
    assert "does not accept this server&#x27;s address" in panel

    sim.set_service("api", address="192.0.2.10/32,127.0.0.1/32")  # the operator's fix
    start_probing(fresh(router), "probe again")
    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)


@db
def test_the_router_answers_when_the_list_holds_this_server(acme, routersim, settings):
    settings.MANAGEMENT_ADDRESSES = ("127.0.0.1/32", "192.0.2.0/24")
    sim = routersim()
    router, config = create_router(acme, name="near", host=sim.host, api_port=sim.port)
    sim.import_script(config.operator_script)
    assert sim.item("/ip/service", name="api")["address"] == "127.0.0.1/32,192.0.2.0/24"
    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)
    assert fresh(router).tls_fingerprint == ""  # no TLS, nothing to pin


# --- TLS: the certificate, its pin, a change and re-trusting -------------------------------

def tls_router(acme, sim):
    return create_router(acme, name="tls-hq", host=sim.host, api_port=sim.tls_port,
                         use_tls=True)


@db
def test_the_initial_script_with_tls_yields_a_working_api_ssl_with_a_pinned_certificate(
        acme, routersim, settings, alice_client):
    settings.MANAGEMENT_ADDRESSES = ("127.0.0.1/32",)
    sim = routersim(tls=True)
    assert sim.api_ssl_fingerprint() is None  # a new router: api-ssl has no certificate
    router, config = tls_router(acme, sim)
    sim.import_script(config.operator_script)

    certificate = sim.item("/certificate", name=CERTIFICATE_NAME)
    assert certificate["private-key"] == "true" and certificate["common-name"] == "tls-hq"
    served = sim.api_ssl_fingerprint()
    assert served == certificate["fingerprint"]
    service = sim.item("/ip/service", name="api-ssl")
    assert (service["certificate"], service["address"], service["disabled"]) == \
        (CERTIFICATE_NAME, "127.0.0.1/32", "false")

    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)
    router = fresh(router)
    assert router.tls_fingerprint == served
    assert router.tls_pinned_at is not None
    assert router.events.filter(kind=RouterEvent.Kind.CERTIFICATE,
                                message__contains=f"trusted on first use: SHA-256 {served}")
    page = alice_client.get(f"/routers/{router.pk}/").content.decode()
    assert f"SHA-256 <code>{served}</code>" in page
    assert 'id="trust-certificate"' in page


@db
def test_a_tls_router_whose_certificate_changed_is_refused_until_re_trusted(
        acme, routersim, settings, alice_client):
    settings.MANAGEMENT_ADDRESSES = ("127.0.0.1/32",)
    sim = routersim(tls=True)
    router, config = tls_router(acme, sim)
    sim.import_script(config.operator_script)
    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)
    pinned = fresh(router).tls_fingerprint

    with client_for(fresh(router)) as api:  # the pinned certificate: normal work goes on
        assert api.print("/system/identity")[0]["name"] == "tls-hq"
    seen = sim.faults.commands_seen
    assert seen > 0

    changed = sim.install_certificate("someone-elses", "tls-hq")
    assert changed != pinned
    with pytest.raises(RouterCertificateChanged) as refused:
        client_for(fresh(router)).connect()
    assert (refused.value.pinned, refused.value.served) == (pinned, changed)
    assert sim.faults.commands_seen == seen  # refused before the login: no password sent
    assert "certificate changed" in check_one(Reach.of(fresh(router)), 2.0)[1]

    start_probing(fresh(router), "probe again")
    assert drain_until(lambda: status_of(router) == RouterStatus.CONNECTION_FAILED, timeout=30)
    attempt = router.probe_log.first()
    assert attempt.outcome == ProbeOutcome.CERTIFICATE_CHANGED
    assert f"SHA-256 now {changed}, trusted {pinned}" in attempt.error
    assert f'/certificate print detail where name="{CERTIFICATE_NAME}"' in attempt.hint
    assert fresh(router).tls_fingerprint == pinned  # a refusal never moves the pin
    panel = alice_client.get(f"/routers/{router.pk}/probe-panel/").content.decode()
    assert f"/routers/{router.pk}/trust-certificate/" in panel

    confirm = alice_client.get(f"/routers/{router.pk}/trust-certificate/").content.decode()
    assert f'<code id="pinned-fingerprint">{pinned}</code>' in confirm
    assert changed in confirm  # the last refusal, to compare with the router's own print
    assert fresh(router).tls_fingerprint == pinned  # looking at the page changes nothing

    response = alice_client.post(f"/routers/{router.pk}/trust-certificate/")
    assert response.status_code == 302
    cleared = fresh(router)
    assert cleared.tls_fingerprint == "" and cleared.status == RouterStatus.PROBING
    assert cleared.events.filter(kind=RouterEvent.Kind.CERTIFICATE,
                                 message__contains="pin cleared by alice").filter(
        message__contains=pinned).exists()
    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)
    assert fresh(router).tls_fingerprint == changed
    with client_for(fresh(router)) as api:
        assert api.print("/system/identity")[0]["name"] == "tls-hq"


@db
def test_another_organization_cannot_re_trust(acme, bob_client, make_router):
    router = make_router("hq", use_tls=True, tls_fingerprint="a" * 64,
                         status=RouterStatus.ONLINE)
    assert bob_client.get(f"/routers/{router.pk}/trust-certificate/").status_code == 404
    assert bob_client.post(f"/routers/{router.pk}/trust-certificate/").status_code == 404
    assert fresh(router).tls_fingerprint == "a" * 64


@db
def test_re_trust_is_refused_during_a_deployment_and_without_tls(alice_client, make_router):
    busy = make_router("busy", use_tls=True, tls_fingerprint="a" * 64,
                       status=RouterStatus.PROVISIONING)
    plain = make_router("plain", status=RouterStatus.ONLINE)
    for router in (busy, plain):
        response = alice_client.post(f"/routers/{router.pk}/trust-certificate/", follow=True)
        assert "error" in response.content.decode()
    assert fresh(busy).tls_fingerprint == "a" * 64
    assert not RouterEvent.objects.filter(kind=RouterEvent.Kind.CERTIFICATE).exists()


@db
def test_a_new_token_clears_the_pin_because_the_new_script_makes_a_new_certificate(
        acme, routersim, settings):
    settings.MANAGEMENT_ADDRESSES = ("127.0.0.1/32",)
    sim = routersim(tls=True)
    router, config = tls_router(acme, sim)
    sim.import_script(config.operator_script)
    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)
    first = fresh(router).tls_fingerprint

    new_config = issue_new_token(fresh(router))
    assert fresh(router).tls_fingerprint == ""
    sim.import_script(new_config.operator_script)
    assert sim.api_ssl_fingerprint() != first
    start_probing(fresh(router), "new token")
    assert drain_until(lambda: status_of(router) == RouterStatus.ONLINE, timeout=30)
    assert fresh(router).tls_fingerprint == sim.api_ssl_fingerprint()


@db
def test_api_ssl_outside_the_management_list_fails_the_handshake_and_says_why(
        acme, routersim, settings):
    settings.MANAGEMENT_ADDRESSES = ("192.0.2.10/32",)
    sim = routersim(tls=True)
    router, config = tls_router(acme, sim)
    sim.import_script(config.operator_script)
    assert sim.api_ssl_fingerprint()  # the certificate is there; the address is not allowed
    assert drain_until(lambda: status_of(router) == RouterStatus.CONNECTION_FAILED, timeout=30)
    attempt = router.probe_log.first()
    assert attempt.outcome == ProbeOutcome.TLS
    assert "not in api-ssl's allowed addresses" in attempt.hint
    assert "192.0.2.10/32" in attempt.hint
    assert fresh(router).tls_fingerprint == ""


def test_the_client_pins_by_sha256_in_any_spelling(routersim):
    sim = routersim(tls=True, certificate=True)
    served = sim.api_ssl_fingerprint()
    colons = ":".join(served[i:i + 2] for i in range(0, 64, 2)).upper()
    with RouterOSClient(sim.host, sim.tls_port, "admin", "", use_tls=True, timeout=5,
                        outbound_policy=False, tls_fingerprint=colons) as api:
        assert api.peer_fingerprint == served
        assert api.print("/system/identity")
    with pytest.raises(RouterCertificateChanged):
        RouterOSClient(sim.host, sim.tls_port, "admin", "", use_tls=True, timeout=5,
                       outbound_policy=False, tls_fingerprint="0" * 64).connect()
