"""/ip/service address lists, api-ssl certificates, reboot, and link state."""

import hashlib
import socket
import ssl

import pytest

from routers.routeros import (
    RouterConnectionLost,
    RouterOSClient,
    RouterTLSError,
    RouterUnreachable,
)
from routers.simulator.rawclient import RawClient

pytestmark = pytest.mark.timeout(60)


def served_fingerprint(router):
    """SHA-256 of the certificate the api-ssl port presents (what a client would pin)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((router.host, router.tls_port), timeout=5) as sock:
        with context.wrap_socket(sock, server_hostname=router.host) as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def test_it_drops_api_connections_from_outside_the_service_address_list(routersim):
    router = routersim()
    with RouterOSClient(router.host, router.port, timeout=5) as ros:
        ros.set("/ip/service", "api", address="192.0.2.0/24,10.9.9.9")
    with pytest.raises(RouterConnectionLost):
        RouterOSClient(router.host, router.port, timeout=5).connect()
    raw = socket.create_connection((router.host, router.port), timeout=5)
    assert raw.recv(10) == b""  # accepted, then closed before a word
    raw.close()
    router.set_service("api", address="10.9.9.9,127.0.0.0/8")
    with RouterOSClient(router.host, router.port, timeout=5) as ros:
        assert ros.print("/system/identity") == [{"name": "MikroTik"}]


def test_it_closes_the_port_of_a_disabled_service(routersim):
    router = routersim()
    router.set_service("api", disabled="yes")
    with pytest.raises(RouterUnreachable) as err:
        RouterOSClient(router.host, router.port, timeout=5).connect()
    assert err.value.reason == "refused"
    router.set_service("api", disabled="no")
    RouterOSClient(router.host, router.port, timeout=5).connect().close()


def test_it_serves_api_ssl_only_with_a_certificate_made_on_the_router(routersim):
    router = routersim(tls=True)
    with pytest.raises(RouterTLSError):
        RouterOSClient(router.host, router.tls_port, use_tls=True, timeout=5).connect()
    with RouterOSClient(router.host, router.port, timeout=5) as ros:
        ros.add("/certificate", name="api", common_name="router", key_size="prime256v1")
        assert "fingerprint" not in ros.print("/certificate", name="api")[0]  # a template
        ros.run("/certificate/sign", {".id": "api"})
        fingerprint = ros.print("/certificate", name="api")[0]["fingerprint"]
        ros.set("/ip/service", "api-ssl", certificate="api")
    assert len(fingerprint) == 64 and served_fingerprint(router) == fingerprint
    with RouterOSClient(router.host, router.tls_port, use_tls=True, timeout=5) as ros:
        assert ros.print("/ip/service", name="api-ssl")[0]["certificate"] == "api"
        ros.add("/certificate", name="api2", common_name="router", key_size="prime256v1")
        ros.run("/certificate/sign", {".id": "api2"})
        ros.set("/ip/service", "api-ssl", certificate="api2")
    assert served_fingerprint(router) not in (fingerprint, None)
    assert served_fingerprint(router) == router.api_ssl_fingerprint()


def test_it_applies_the_address_list_to_api_ssl_before_tls(routersim):
    router = routersim(tls=True, certificate=True)
    router.set_service("api-ssl", address="198.51.100.0/24")
    with pytest.raises((RouterTLSError, RouterConnectionLost)):
        RouterOSClient(router.host, router.tls_port, use_tls=True, timeout=5).connect()


def test_it_reboots_without_a_word_and_comes_back(routersim):
    router = routersim(version="7.16")
    router.add("/ip/pool", name="kept", ranges="10.0.0.1")
    raw = RawClient.connect(router.host, router.port)
    raw.login()
    other = RawClient.connect(router.host, router.port)
    other.login()
    raw.send("/system/reboot")
    with pytest.raises((EOFError, ConnectionError)):
        raw.sentence()
    with pytest.raises((EOFError, ConnectionError)):
        other.ask("/system/identity/print")
    router.wait_online()
    assert router.boots == 1
    with RouterOSClient(router.host, router.port, timeout=5) as ros:
        assert [p["name"] for p in ros.print("/ip/pool")] == ["kept"]
        assert ros.print("/system/resource")[0]["uptime"].endswith("s")


def test_it_loses_files_outside_flash_at_reboot_on_flash_boards(routersim):
    router = routersim(flash=True, version="7.16")
    with RouterOSClient(router.host, router.port, timeout=5) as ros:
        ros.add("/file", name="hs/login.html", contents="<html>")
        ros.add("/file", name="flash/hs/login.html", contents="<html>")
    router.reboot(delay=0.1)
    assert [f["name"] for f in router.items("/file")] == ["flash", "flash/hs/login.html"]
    plain = routersim(version="7.16")
    plain.add("/file", name="hs/login.html", contents="<html>")
    plain.reboot(delay=0.1)
    assert [f["name"] for f in plain.items("/file")] == ["hs/login.html"]


def test_it_prints_running_false_for_interfaces_without_link(routersim):
    router = routersim(profile="defconf")
    router.set_link("ether1", False)
    with RouterOSClient(router.host, router.port, timeout=5) as ros:
        running = {i["name"]: i["running"] for i in ros.print("/interface")}
        assert running["ether1"] == "false" and running["ether2"] == "true"
        for port in ("ether2", "ether3", "ether4", "ether5"):
            router.set_link(port, False)
        assert ros.print("/interface", name="bridge")[0]["running"] == "false"
        router.set_link("ether4", True)
        assert ros.print("/interface", name="bridge")[0]["running"] == "true"
