"""The router a contract test talks to: simulated routers by default, a real one when
ROUTEROS_CONTRACT_HOST names it.

    ROUTEROS_CONTRACT_HOST=10.0.0.9 ROUTEROS_CONTRACT_USER=admin \\
    ROUTEROS_CONTRACT_PASSWORD=... [ROUTEROS_CONTRACT_PORT=8728] [ROUTEROS_CONTRACT_TLS=1] \\
    .venv/bin/python -m pytest tests/contract -p no:django --confcutdir=tests/contract \\
        -p routers.simulator.testing

Against the simulator each test runs on the profiles and versions its ``contract``
mark names (default: every profile, RouterOS 7.16). Against a real router it runs
once; everything it creates carries ``TAG`` in its name or comment and is removed
afterwards, and tests that would disturb a live router (reboot, locking the API to
another address, changing api-ssl's certificate) run only on the simulator.
"""

from __future__ import annotations

import os
import ssl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import librouteros
import pytest

from routers.routeros import RouterCommandError, RouterOSClient
from routers.simulator.rawclient import RawClient
from routers.simulator.state import parse_version

REAL_HOST = os.environ.get("ROUTEROS_CONTRACT_HOST", "")
PROFILES = ("bare", "defconf", "chr")
TAG = f"hs-contract-{uuid.uuid4().hex[:8]}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "contract(profiles=..., versions=...): where the contract is checked "
                   "on the simulator")
    config.addinivalue_line("markers", "simulator_only: would disturb a live router")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "router" not in metafunc.fixturenames:
        return
    if REAL_HOST:
        metafunc.parametrize("router", ["real"], indirect=True)
        return
    mark = metafunc.definition.get_closest_marker("contract")
    options = mark.kwargs if mark else {}
    profiles = options.get("profiles", PROFILES)
    versions = options.get("versions", ("7.16",))
    metafunc.parametrize("router", [f"{p}-{v}" for p in profiles for v in versions],
                         indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not REAL_HOST:
        return
    for item in items:
        if item.get_closest_marker("simulator_only"):
            item.add_marker(pytest.mark.skip(reason="would disturb a live router"))


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass
class Target:
    """One router under test, and how to reach it."""

    host: str
    port: int
    user: str
    password: str
    use_tls: bool = False
    sim: Any = None  # the simulator's RouterHandle, None on a real router
    profile: str = ""  # the simulator profile, or "chr"/"routerboard" as detected
    version: tuple[int, ...] = ()
    created: list[tuple[str, str]] = field(default_factory=list)

    @property
    def real(self) -> bool:
        return self.sim is None

    def client(self, **kw: Any) -> RouterOSClient:
        return RouterOSClient(self.host, self.port, kw.pop("user", self.user),
                              kw.pop("password", self.password), use_tls=self.use_tls,
                              timeout=kw.pop("timeout", 10), **kw)

    def librouteros(self) -> librouteros.Api:
        wrapper = tls_context().wrap_socket if self.use_tls else None
        kwargs: dict[str, Any] = {"ssl_wrapper": wrapper} if wrapper else {}
        return librouteros.connect(self.host, self.user, self.password, port=self.port,
                                   timeout=10, **kwargs)

    def raw(self) -> RawClient:
        raw = RawClient.connect(self.host, self.port, tls=tls_context() if self.use_tls else None)
        raw.login(self.user, self.password)
        return raw

    def at_least(self, *version: int) -> bool:
        return self.version >= version

    def made(self, path: str, item_id: str) -> str:
        """Remember an item this test created, to remove it afterwards."""
        self.created.append((path, item_id))
        return item_id

    def clean_up(self) -> None:
        if not self.created:
            return
        with self.client() as ros:
            for path, item_id in reversed(self.created):
                try:
                    ros.remove(path, item_id)
                except RouterCommandError:
                    pass  # already gone (removed by the test, or with its owner)
        self.created.clear()


@pytest.fixture
def router(request: pytest.FixtureRequest, routersim: Any) -> Iterator[Target]:
    if request.param == "real":
        use_tls = os.environ.get("ROUTEROS_CONTRACT_TLS", "") not in ("", "0", "no")
        target = Target(REAL_HOST,
                        int(os.environ.get("ROUTEROS_CONTRACT_PORT") or (8729 if use_tls else
                                                                        8728)),
                        os.environ.get("ROUTEROS_CONTRACT_USER", "admin"),
                        os.environ.get("ROUTEROS_CONTRACT_PASSWORD", ""), use_tls)
    else:
        profile, version = request.param.rsplit("-", 1)
        sim = routersim(profile=profile, version=version, tls=True)
        target = Target(sim.host, sim.port, "admin", "", sim=sim, profile=profile)
    with target.client() as ros:
        resource = ros.print("/system/resource")[0]
    target.version = parse_version(resource["version"])
    if target.real:
        chr_like = resource.get("architecture-name") == "x86_64" or \
            resource.get("board-name", "").startswith("CHR")
        target.profile = "chr" if chr_like else "routerboard"
    try:
        yield target
    finally:
        target.clean_up()
