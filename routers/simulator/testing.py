"""Simulated routers for tests: a background event loop plus handles to poke at state.

    def test_it_probes(routersim):
        router = routersim(identity="hq", version="7.18")
        ... connect to router.host, router.port ...
        router.add_item("/ip/pool", name="p1", ranges="10.0.0.2-10.0.0.9")
        assert router.items("/ip/pool")[0]["name"] == "p1"

Enable with ``pytest_plugins = ["routers.simulator.testing"]`` in a conftest.py.
All handle methods run on the simulator's loop thread, so tests never race it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from . import engine, rsc
from .faults import Faults, TrapRule
from .server import SimRouter, Simulator, raise_fd_limit
from .state import RouterState

T = TypeVar("T")
CALL_TIMEOUT = 60.0


class SimulatorThread:
    """An asyncio loop in a daemon thread, serving any number of simulated routers."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        raise_fd_limit()
        self.loop = asyncio.new_event_loop()
        self.simulator = Simulator(host)
        self._thread = threading.Thread(target=self._run, name="routersim", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a plain function on the loop thread and return its result."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                future.set_exception(exc)

        self.loop.call_soon_threadsafe(run)
        return future.result(CALL_TIMEOUT)

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(CALL_TIMEOUT)

    def start_router(self, port: int = 0, tls: bool = False, faults: Faults | None = None,
                     certificate: bool = False, **state: Any) -> RouterHandle:
        """``tls``: an api-ssl listener (without a certificate, as on a new router, unless
        ``certificate``: one made, signed and set on api-ssl)."""
        router = self.run(self.simulator.add_router(port, 0 if tls else None, faults,
                                                    certificate=certificate, **state))
        return RouterHandle(self, router)

    def stop_router(self, handle: RouterHandle) -> None:
        self.run(handle.router.stop())
        if handle.router in self.simulator.routers:
            self.call(self.simulator.routers.remove, handle.router)

    def close(self) -> None:
        self.run(self.simulator.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


class FaultsHandle:
    """Setters for a router's faults (plain attributes; the loop reads them per command)."""

    def __init__(self, faults: Faults) -> None:
        self._faults = faults

    def refuse_login(self, on: bool = True) -> None:
        self._faults.refuse_login = on

    def drop_after(self, commands: int | None) -> None:
        """Close each connection instead of answering its (commands+1)th sentence."""
        self._faults.drop_after = commands

    def latency(self, seconds: float) -> None:
        """Each command's replies leave ``seconds`` after it arrived (pipelined commands
        wait in parallel, as over a slow link)."""
        self._faults.latency = seconds

    def slow(self, path: str, seconds: float) -> None:
        """Replies to ``path`` (e.g. "/ip/pool/print") take ``seconds`` more."""
        self._faults.slow[path.rstrip("/")] = seconds

    def hang(self, on: bool = True) -> None:
        self._faults.hang = on

    def trap(self, path: str | None, message: str, category: int | None = None,
             nth: int | None = None) -> TrapRule:
        """Answer ``path`` (e.g. "/ip/hotspot/add") with !trap; only its nth call if nth."""
        return self._faults.trap_on(path, message, category, nth)

    def drop_on(self, path: str | None, nth: int | None = None) -> TrapRule:
        """Close the connection when ``path`` (its nth call if nth) arrives, unanswered."""
        return self._faults.trap_on(path, "", nth=nth, drop=True)

    def clear(self) -> None:
        self._faults.clear()

    @property
    def commands_seen(self) -> int:
        return self._faults.commands_seen

    def calls(self, word: str) -> int:
        """How many times this router was sent `word` (e.g. "/ip/pool/print") so far: the
        count a rule's `nth` goes by."""
        return self._faults.calls.get(word, 0)

    @property
    def most_in_flight(self) -> int:
        """The most commands one connection had unanswered at once (pipelining seen)."""
        return self._faults.most_in_flight


class RouterHandle:
    """A test's view of one simulated router."""

    def __init__(self, sim: SimulatorThread, router: SimRouter) -> None:
        self._sim = sim
        self.router = router
        self.faults = FaultsHandle(router.faults)

    @property
    def host(self) -> str:
        return self.router.host

    @property
    def port(self) -> int:
        return self.router.port

    @property
    def tls_port(self) -> int | None:
        return self.router.tls_port

    @property
    def state(self) -> RouterHandle:
        return self  # router.state.items(...) reads naturally; the handle is the accessor

    def identity(self) -> str:  # a method: the value lives on the loop thread
        return self._sim.call(lambda: self.router.state.identity)

    def set_identity(self, name: str) -> None:
        self._sim.call(setattr, self.router.state, "identity", name)

    def items(self, path: str) -> list[dict[str, str]]:
        """Rows of a menu in print order, dynamic rows included (with .id; passwords and
        empty values included; print leaves empty values out)."""
        def read() -> list[dict[str, str]]:
            state = self.router.state
            if path == "/system/identity":
                return [{"name": state.identity}]
            if path == "/system/resource":
                return [state.resource()]
            from . import schema

            if schema.is_singleton(path):
                return [dict(state.singleton(path))]
            return [{".id": i, **row} for i, row in state.table(path).rows.items()]
        return self._sim.call(read)

    def item(self, path: str, **where: str) -> dict[str, str] | None:
        found = [r for r in self.items(path) if all(r.get(k) == v for k, v in where.items())]
        return found[0] if found else None

    def add_item(self, path: str, **fields: Any) -> str:
        """Insert a row directly (no validation): sessions, neighbours, pre-existing config.
        What RouterOS derives from the menu (dynamic rules, bridge flags) follows."""
        values = {k.replace("_", "-"): str(v) for k, v in fields.items()}

        def insert() -> str:
            item_id = self.router.state.table(path).insert(values)
            engine.changed(self.router.state, path)
            return item_id
        return self._sim.call(insert)

    def add(self, path: str, **fields: Any) -> str:
        """Add as the API would (validated, may raise simulator.Trap)."""
        values = {k.replace("_", "-"): str(v) for k, v in fields.items()}
        return self._sim.call(engine.add, self.router.state, path, values)

    def set_item(self, path: str, item_id: str, **fields: Any) -> None:
        """Change a row directly (no validation, dynamic rows too)."""
        values = {k.replace("_", "-"): str(v) for k, v in fields.items()}

        def change() -> None:
            self.router.state.table(path).rows[item_id].update(values)
            engine.changed(self.router.state, path)
        self._sim.call(change)

    def remove_item(self, path: str, item_id: str) -> None:
        """Remove a row directly (no checks)."""
        def drop() -> None:
            self.router.state.table(path).rows.pop(item_id)
            engine.changed(self.router.state, path)
        self._sim.call(drop)

    def set_singleton(self, path: str, **fields: Any) -> None:
        values = {k.replace("_", "-"): str(v) for k, v in fields.items()}
        self._sim.call(lambda: self.router.state.singleton(path).update(values))

    def add_user(self, name: str, password: str = "", group: str = "full") -> str:
        return self._sim.call(lambda: self.router.state.users().insert(
            {"name": name, "group": group, "password": password, "address": "",
             "disabled": "false", "last-logged-in": ""}))

    def import_script(self, text: str) -> str:
        """Apply a .rsc as if pasted into the terminal (raises simulator.Trap on errors)."""
        return self._sim.call(rsc.run_source, self.router.state, text, "admin")

    def file(self, name: str) -> dict[str, str] | None:
        return self.item("/file", name=name)

    def printed(self, path: str, **where: str) -> list[dict[str, str]]:
        """What an API print of ``path`` answers now (empty values left out; counters move)."""
        def read() -> list[dict[str, str]]:
            return engine.execute(self.router.state, path, "print", {}, user=None).rows
        return [r for r in self._sim.call(read) if all(r.get(k) == v for k, v in where.items())]

    def dynamic_items(self, path: str) -> list[dict[str, str]]:
        """Rows RouterOS made itself (dynamic=true) in ``path``."""
        return [r for r in self.items(path) if r.get("dynamic") == "true"]

    # -- the router's own life -------------------------------------------------------------
    @property
    def profile(self) -> str:
        return self.router.state.profile

    @property
    def boots(self) -> int:
        """How many times the router rebooted."""
        return self.router.boots

    def reboot(self, wait: bool = True, delay: float | None = None) -> None:
        """As /system/reboot: sessions drop, files outside flash/ go (flash boards), and
        after the reboot delay (``delay`` or the router's) the API answers again."""
        if delay is not None:
            self._sim.call(setattr, self.router.state, "reboot_delay", delay)
        self._sim.run(self.router.reboot())
        if wait:
            self.wait_online()

    def wait_online(self, timeout: float = 30.0) -> None:
        import time

        deadline = time.monotonic() + timeout
        while self._sim.call(lambda: self.router.offline):
            if time.monotonic() > deadline:
                raise TimeoutError("router did not come back")
            time.sleep(0.02)

    def set_link(self, interface: str, up: bool) -> None:
        """Plug or unplug ``interface``'s cable: it prints running=true/false (and a
        bridge runs while one of its ports does)."""
        self._sim.call(self.router.state.set_link, interface, up)

    def set_service(self, name: str, **fields: Any) -> None:
        """/ip/service set NAME ... as the router's own console would (validated)."""
        values = {k.replace("_", "-"): str(v) for k, v in fields.items()}

        async def change() -> None:
            table = self.router.state.table("/ip/service")
            engine.set_items(self.router.state, "/ip/service", [table.by_key(name) or ""],
                             values)
            await self.router.reconcile()  # ports open or close before this returns
        self._sim.run(change())

    def install_certificate(self, name: str = "api-ssl", common_name: str = "router") -> str:
        """Make, sign and set a certificate on api-ssl; returns its SHA-256 fingerprint."""
        from . import certs

        return self._sim.call(certs.install, self.router.state, name, common_name)

    def api_ssl_fingerprint(self) -> str | None:
        """SHA-256 (hex) of the certificate api-ssl serves now, None without one."""
        from . import certs

        material = self._sim.call(certs.api_ssl_material, self.router.state)
        return material.fingerprint if material else None

    def on_event(self, hook: Callable[..., None]) -> None:
        """Call ``hook(event, **data)`` (on the simulator's thread) for router events:
        reboot, service, certificate, hotspot."""
        self._sim.call(self.router.state.hooks.append, hook)

    def go_offline(self, seconds: float | None = None) -> None:
        self._sim.run(self.router.go_offline(seconds))

    def come_online(self) -> None:
        self._sim.run(self.router.come_online())

    def snapshot(self) -> dict[str, Any]:
        return self._sim.call(self.router.state.snapshot)

    def save_state(self) -> Any:
        """A deep copy of the router's whole state, for `restore_state` (faster than
        building the same router again in every round of a long test)."""
        return self._sim.call(lambda: _copy_state(self.router.state))

    def restore_state(self, saved: Any) -> None:
        """Put back a state from `save_state` (a copy of it: it can be restored again)."""
        self._sim.call(lambda: setattr(self.router, "state", _copy_state(saved)))

    @property
    def nas(self):
        """The router as a RADIUS NAS: clients log in, use, leave (routers.simulator.nas)."""
        from .nas import NasHandle

        return NasHandle(self._sim, self.router)

    def stop(self) -> None:
        self.nas.close()
        self._sim.stop_router(self)


def _copy_state(state: RouterState) -> RouterState:
    """A deep copy sharing what cannot be copied: event hooks (bound to the running
    server) and certificate keys (immutable)."""
    import copy

    memo = {id(state.hooks): state.hooks, id(state.cert_material): state.cert_material}
    if state.nas is not None:  # the NAS's clients and sockets belong to the running router
        memo[id(state.nas)] = state.nas
    return copy.deepcopy(state, memo)


RouterFactory = Callable[..., Any]
_shared: SimulatorThread | None = None


def shared_simulator() -> SimulatorThread:
    """One simulator thread per test process, started on first use."""
    global _shared
    if _shared is None:
        _shared = SimulatorThread()
    return _shared


@pytest.fixture
def routersim() -> Iterator[RouterFactory]:
    """Factory: routersim(count=1, identity=..., version="7.16", users={"admin": ""},
    tls=False, faults=None, profile="bare"|"defconf"|"chr", flash=False,
    certificate=False, **state) -> RouterHandle (or a list when count > 1).
    Routers started by a test are stopped after it."""
    sim = shared_simulator()
    started: list[RouterHandle] = []

    def start(count: int = 1, identity: str = "MikroTik", version: str = "7.16",
              users: dict[str, str] | None = None, tls: bool = False,
              faults: Faults | None = None, profile: str = "bare", flash: bool = False,
              certificate: bool = False, **state: Any) -> Any:
        handles = []
        for i in range(count):
            name = identity if count == 1 else f"{identity}-{i + 1}"
            handle = sim.start_router(tls=tls, faults=faults if count == 1 else None,
                                      certificate=certificate, identity=name, version=version,
                                      users=dict(users) if users is not None else None,
                                      profile=profile, flash=flash, **state)
            started.append(handle)
            handles.append(handle)
        return handles[0] if count == 1 else handles

    yield start
    for handle in started:
        handle.stop()


__all__ = ["FaultsHandle", "RouterHandle", "RouterState", "SimulatorThread", "routersim",
           "shared_simulator"]
