"""Contract: /ip/service address lists, api-ssl certificates and their fingerprints,
and what a reboot does to sessions and files."""

import hashlib
import socket

import pytest

from routers.routeros import RouterConnectionLost, RouterOSClient, RouterTLSError

from .conftest import TAG, tls_context

pytestmark = pytest.mark.timeout(120)


def served_fingerprint(host, port):
    with socket.create_connection((host, port), timeout=10) as sock:
        with tls_context().wrap_socket(sock, server_hostname=host) as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def test_a_service_address_list_that_includes_us_keeps_the_api_open(router):
    service = "api-ssl" if router.use_tls else "api"
    with router.client() as ros:
        ours = next(s["address"] for s in ros.print("/user/active")
                    if s.get("via") == service or s.get("via") == "api")
        original = ros.print("/ip/service", name=service)[0].get("address", "")
        try:
            ros.set("/ip/service", service, address=f"{ours}/32,203.0.113.0/24")
            with router.client() as again:
                printed = again.print("/ip/service", name=service)[0]["address"]
            assert set(printed.split(",")) == {f"{ours}/32", "203.0.113.0/24"}
        finally:
            with router.client() as restore:
                restore.set("/ip/service", service, address=original)


@pytest.mark.simulator_only
def test_a_connection_from_outside_the_address_list_is_dropped(router):
    router.sim.set_service("api", address="203.0.113.0/24")
    with pytest.raises(RouterConnectionLost):
        router.client().connect()
    router.sim.set_service("api", address="")
    router.client().connect().close()


def test_a_signed_certificate_prints_its_sha256_fingerprint(router):
    with router.client() as ros:
        cert = router.made("/certificate", ros.add("/certificate", name=f"{TAG}-c",
                                                   common_name=TAG, key_size="prime256v1",
                                                   days_valid=2))
        assert "fingerprint" not in ros.print("/certificate", **{".id": cert})[0]
        ros.run("/certificate/sign", {".id": cert})
        fingerprint = ros.print("/certificate", **{".id": cert})[0]["fingerprint"]
        in_use = ros.print("/ip/service", name="api-ssl")[0].get("certificate", "none")
        current = ros.print("/certificate", name=in_use) if in_use != "none" else []
    assert len(fingerprint) == 64 and int(fingerprint, 16) >= 0
    if router.real and current and router.use_tls:
        # Read-only on a live router: what api-ssl serves is the certificate it names.
        assert served_fingerprint(router.host, router.port) == current[0]["fingerprint"]


@pytest.mark.simulator_only
def test_api_ssl_serves_the_certificate_it_is_given_and_nothing_without_one(router):
    sim = router.sim
    with pytest.raises(RouterTLSError):
        RouterOSClient(sim.host, sim.tls_port, use_tls=True, timeout=5).connect()
    with router.client() as ros:
        ros.add("/certificate", name="api", common_name="router", key_size="prime256v1")
        ros.run("/certificate/sign", {".id": "api"})
        ros.set("/ip/service", "api-ssl", certificate="api")
        first = ros.print("/certificate", name="api")[0]["fingerprint"]
        assert served_fingerprint(sim.host, sim.tls_port) == first
        ros.add("/certificate", name="api2", common_name="router", key_size="prime256v1")
        ros.run("/certificate/sign", {".id": "api2"})
        ros.set("/ip/service", "api-ssl", certificate="api2")
        second = ros.print("/certificate", name="api2")[0]["fingerprint"]
    assert second != first and served_fingerprint(sim.host, sim.tls_port) == second
    with RouterOSClient(sim.host, sim.tls_port, use_tls=True, timeout=5) as ros:
        assert ros.print("/system/identity")


@pytest.mark.simulator_only
@pytest.mark.contract(profiles=("bare",))
def test_a_reboot_drops_sessions_and_keeps_only_flash_files_on_flash_boards(router, routersim):
    flash = routersim(flash=True, version="7.16")
    with RouterOSClient(flash.host, flash.port, timeout=5) as ros:
        ros.add("/file", name="ram.txt", contents="x")
        ros.add("/file", name="flash/kept.txt", contents="x")
        with pytest.raises(RouterConnectionLost):
            ros.run("/system/reboot")
            ros.print("/system/identity")
    flash.wait_online()
    with RouterOSClient(flash.host, flash.port, timeout=5) as ros:
        assert [f["name"] for f in ros.print("/file")] == ["flash", "flash/kept.txt"]
