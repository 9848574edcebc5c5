"""asyncio TCP servers: one listening socket (plus optional TLS) per simulated router."""

from __future__ import annotations

import asyncio
import logging
import resource
import ssl

from .faults import DROP, Faults
from .protocol import ProtocolError, SentenceReader, encode_sentence
from .session import Session
from .state import RouterState

log = logging.getLogger(__name__)


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
        self._servers: list[asyncio.AbstractServer] = []
        self._writers: set[asyncio.StreamWriter] = set()
        self._online_timer: asyncio.TimerHandle | None = None

    @property
    def name(self) -> str:
        return self.state.identity

    async def start(self) -> None:
        server = await asyncio.start_server(self._serve, self.host, self.port,
                                            reuse_address=True, backlog=64)
        self.port = server.sockets[0].getsockname()[1]
        self._servers = [server]
        if self.tls_port is not None:
            from .tls import server_context

            tls = await asyncio.start_server(self._serve, self.host, self.tls_port,
                                             ssl=server_context(), reuse_address=True)
            self.tls_port = tls.sockets[0].getsockname()[1]
            self._servers.append(tls)
        self.offline = False

    async def stop(self) -> None:
        if self._online_timer is not None:
            self._online_timer.cancel()
            self._online_timer = None
        for server in self._servers:
            server.close()
        self._servers = []
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

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

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.offline:
            writer.close()
            return
        self._writers.add(writer)
        session = Session(self.state)
        parser = SentenceReader()
        answered = 0
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                faults = self.faults
                if faults.hang:
                    continue  # read and swallow: the peer waits forever
                for words in parser.feed(data):
                    if faults.drop_after is not None and answered >= faults.drop_after:
                        return
                    if faults.latency:
                        await asyncio.sleep(faults.latency)
                    session.refuse_login = faults.refuse_login
                    injected = faults.injected(words[0])
                    if injected is DROP:
                        return  # the link dies with the command unanswered
                    replies, close = session.handle(words, injected)
                    answered += 1
                    writer.write(b"".join(encode_sentence(r) for r in replies))
                    if close:
                        await writer.drain()
                        return
                await writer.drain()
        except ProtocolError as exc:
            log.debug("router %s: protocol error: %s", self.name, exc)
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()


class Simulator:
    """Many routers served by one event loop."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routers: list[SimRouter] = []

    async def add_router(self, port: int = 0, tls_port: int | None = None,
                         faults: Faults | None = None, **state: object) -> SimRouter:
        router = SimRouter(RouterState(**state), self.host, port, tls_port, faults)  # type: ignore[arg-type]
        await router.start()
        self.routers.append(router)
        return router

    async def add_many(self, count: int, base_port: int, identity: str = "MikroTik",
                       version: str = "7.16", tls_base_port: int | None = None,
                       users: dict[str, str] | None = None) -> list[SimRouter]:
        """``count`` routers on consecutive ports from base_port (0: any free ports)."""
        created = []
        for i in range(count):
            name = identity if count == 1 else f"{identity}-{i + 1}"
            port = base_port + i if base_port else 0
            tls = None if tls_base_port is None else (tls_base_port + i if tls_base_port else 0)
            created.append(await self.add_router(port, tls, identity=name, version=version,
                                                 users=users))
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
