"""asyncio TCP servers: the api (and optional api-ssl) listener of each simulated router.

Commands run in the order they arrive; each command's replies go out after the
fault latency on their own clock, so a client that pipelines tagged commands gets
all answers after about one latency, possibly out of order (each sentence carries
its tag). Untagged replies always leave in request order.
"""

from __future__ import annotations

import asyncio
import heapq
import ipaddress
import itertools
import logging
import resource
import ssl

from . import certs
from .faults import DROP, Faults
from .protocol import ProtocolError, SentenceReader, encode_sentence
from .session import Session
from .state import RouterState

log = logging.getLogger(__name__)
TLS_HANDSHAKE_TIMEOUT = 10.0


def allowed(address_list: str, peer: str) -> bool:
    """/ip/service address=: empty allows everyone; else the peer must be in a prefix."""
    if not address_list:
        return True
    try:
        ip = ipaddress.ip_address(peer.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for prefix in address_list.split(","):
        try:
            if ip in ipaddress.ip_network(prefix.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


class Connection:
    """Replies of one API connection, each sent when its delay has passed.

    Untagged replies are kept in request order (a client cannot tell them apart);
    tagged ones each keep their own clock.
    """

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self._queue: list[tuple[float, int, str | None, list[list[str]], bool]] = []
        self._seq = itertools.count()
        self._last_untagged = 0.0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.closed = False

    def send(self, replies: list[list[str]], delay: float, tag: str | None,
             close: bool) -> None:
        if self.closed:
            return
        loop = asyncio.get_running_loop()
        if delay <= 0 and not self._queue:
            self._write(replies, close)
            return
        due = loop.time() + delay
        if tag is None:
            due = max(due, self._last_untagged)
            self._last_untagged = due
        heapq.heappush(self._queue, (due, next(self._seq), tag, replies, close))
        if self._task is None:
            self._task = loop.create_task(self._run())
        self._wake.set()

    @property
    def pending(self) -> int:
        """Commands whose replies have not left yet."""
        return len(self._queue)

    def cancel(self, tag: str) -> bool:
        """/cancel of a command whose replies have not left: they become "interrupted"."""
        for i, (due, seq, queued_tag, _, close) in enumerate(self._queue):
            if queued_tag == tag:
                interrupted = [["!trap", f".tag={tag}", "=category=2", "=message=interrupted"],
                               ["!done", f".tag={tag}"]]
                self._queue[i] = (due, seq, queued_tag, interrupted, close)
                return True
        return False

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while not self.closed:
                if not self._queue:
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                due = self._queue[0][0]
                wait = due - loop.time()
                if wait > 0:
                    self._wake.clear()
                    try:
                        await asyncio.wait_for(self._wake.wait(), wait)
                    except TimeoutError:
                        pass
                    continue
                _, _, _, replies, close = heapq.heappop(self._queue)
                self._write(replies, close)
                await self.writer.drain()
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass

    def _write(self, replies: list[list[str]], close: bool) -> None:
        if self.closed:
            return
        if replies:
            self.writer.write(b"".join(encode_sentence(r) for r in replies))
        if close:
            self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._queue.clear()
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
        self.writer.close()


class SimRouter:
    """A router on the network: its state, its faults, its listening ports."""

    def __init__(self, state: RouterState, host: str = "127.0.0.1", port: int = 0,
                 tls_port: int | None = None, faults: Faults | None = None) -> None:
        self.state = state
        self.host = host
        self.port = port
        self.tls_port = tls_port  # None: no api-ssl; 0: any free port
        self.faults = faults or Faults()
        self.offline = False
        self.rebooting = False
        self._servers: dict[str, asyncio.AbstractServer] = {}
        self._connections: set[Connection] = set()
        self._online_timer: asyncio.TimerHandle | None = None
        self.boots = 0
        state.hooks.append(self._on_event)

    @property
    def name(self) -> str:
        return self.state.identity

    # -- listeners ---------------------------------------------------------------------
    def _service(self, name: str) -> dict[str, str]:
        table = self.state.table("/ip/service")
        item = table.by_key(name)
        return table.rows[item] if item else {}

    async def _listen(self, service: str) -> None:
        port = self.port if service == "api" else self.tls_port
        if port is None or service in self._servers:
            return

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await self._serve(reader, writer, service)

        server = await asyncio.start_server(serve, self.host, port, reuse_address=True,
                                            backlog=64)
        bound = server.sockets[0].getsockname()[1]
        if service == "api":
            self.port = bound
        else:
            self.tls_port = bound
        self._servers[service] = server

    async def reconcile(self) -> None:
        """Listen on the services that are enabled, and only those."""
        if self.offline:
            return
        for service in ("api", "api-ssl"):
            enabled = self._service(service).get("disabled") != "true"
            if enabled:
                await self._listen(service)
            elif service in self._servers:
                self._servers.pop(service).close()

    async def start(self) -> None:
        self.offline = False
        await self._listen("api")
        if self.tls_port is not None:
            await self._listen("api-ssl")
        if self.state.has_table("/ip/service"):
            await self.reconcile()

    async def stop(self) -> None:
        if self._online_timer is not None:
            self._online_timer.cancel()
            self._online_timer = None
        for server in self._servers.values():
            server.close()
        self._servers = {}
        for connection in list(self._connections):
            connection.close()
        self._connections.clear()

    async def go_offline(self, seconds: float | None = None) -> None:
        """Refuse TCP (listening sockets closed) and drop live sessions."""
        await self.stop()
        self.offline = True
        if seconds is not None:
            loop = asyncio.get_running_loop()
            self._online_timer = loop.call_later(
                seconds, lambda: asyncio.ensure_future(self.come_online()))

    async def come_online(self) -> None:
        if self._online_timer is not None:
            self._online_timer.cancel()
            self._online_timer = None
        if self.offline:
            await self.start()
        self.rebooting = False

    async def reboot(self) -> None:
        """Sessions drop, ports close, and after state.reboot_delay the router is back."""
        self.rebooting = True
        self.boots += 1
        await self.go_offline(self.state.reboot_delay)
        self.state.rebooted()

    def _on_event(self, event: str, **data: object) -> None:
        if event == "reboot":
            asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self.reboot()))
        elif event == "service":
            asyncio.ensure_future(self.reconcile())

    # -- one connection ------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     service: str) -> None:
        if self.offline:
            writer.close()
            return
        peer = (writer.get_extra_info("peername") or ("",))[0]
        if not allowed(self._service(service).get("address", ""), peer):
            # Not from an allowed address: RouterOS drops the connection before a word.
            writer.close()
            return
        if service == "api-ssl":
            context = certs.server_context(certs.api_ssl_material(self.state))
            try:
                await writer.start_tls(context, ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT)
            except (ssl.SSLError, ConnectionError, OSError, TimeoutError):
                writer.close()
                return
        connection = Connection(writer)
        self._connections.add(connection)
        session = Session(self.state, address=peer, via=service)
        parser = SentenceReader()
        answered = 0
        try:
            while not connection.closed:
                data = await reader.read(65536)
                if not data:
                    break
                faults = self.faults
                if faults.hang:
                    continue  # read and swallow: the peer waits forever
                for words in parser.feed(data):
                    if faults.drop_after is not None and answered >= faults.drop_after:
                        return
                    session.refuse_login = faults.refuse_login
                    injected = faults.injected(words[0])
                    if injected is DROP:
                        return  # the link dies with the command unanswered
                    tag = _tag_of(words)
                    if words[0] == "/cancel" and session.user is not None:
                        target = next((w[5:] for w in words if w.startswith("=tag=")), None)
                        if target is not None:
                            connection.cancel(target)
                    replies, close = session.handle(words, injected)
                    answered += 1
                    connection.send(replies, faults.delay_for(words[0]), tag, close)
                    faults.most_in_flight = max(faults.most_in_flight, connection.pending)
                    if connection.closed:
                        return
                await _drain(writer)
        except ProtocolError as exc:
            log.debug("router %s: protocol error: %s", self.name, exc)
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            self._connections.discard(connection)
            connection.close()
            session.close()


def _tag_of(words: list[str]) -> str | None:
    for word in words[1:]:
        if word.startswith(".tag="):
            return word[5:] or None
    return None


async def _drain(writer: asyncio.StreamWriter) -> None:
    try:
        await writer.drain()
    except (ConnectionError, OSError):
        pass


class Simulator:
    """Many routers served by one event loop."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routers: list[SimRouter] = []

    async def add_router(self, port: int = 0, tls_port: int | None = None,
                         faults: Faults | None = None, certificate: bool = False,
                         **state: object) -> SimRouter:
        router_state = RouterState(**state)  # type: ignore[arg-type]
        if certificate:
            certs.install(router_state)
        router = SimRouter(router_state, self.host, port, tls_port, faults)
        await router.start()
        self.routers.append(router)
        return router

    async def add_many(self, count: int, base_port: int, identity: str = "MikroTik",
                       version: str = "7.16", tls_base_port: int | None = None,
                       users: dict[str, str] | None = None, profile: str = "bare",
                       flash: bool = False, certificate: bool = False) -> list[SimRouter]:
        """``count`` routers on consecutive ports from base_port (0: any free ports)."""
        created = []
        for i in range(count):
            name = identity if count == 1 else f"{identity}-{i + 1}"
            port = base_port + i if base_port else 0
            tls = None if tls_base_port is None else (tls_base_port + i if tls_base_port else 0)
            created.append(await self.add_router(port, tls, identity=name, version=version,
                                                 users=users, profile=profile, flash=flash,
                                                 certificate=certificate))
        return created

    async def stop(self) -> None:
        for router in self.routers:
            await router.stop()
        self.routers.clear()


def raise_fd_limit() -> int:
    """Let one process hold thousands of sockets: soft RLIMIT_NOFILE up to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


__all__ = ["Connection", "SimRouter", "Simulator", "allowed", "raise_fd_limit"]
