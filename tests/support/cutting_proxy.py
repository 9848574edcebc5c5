"""A TCP proxy between the product and a simulated router that breaks the link on cue.

The tests' own, independent of the simulator's fault hooks: it parses the RouterOS API
sentences the client sends (word lengths as the protocol encodes them) and counts the
commands (sentences whose first word starts with "/", the login included) of an
operation, across all of its connections. Armed with a fault at command k:

    cut       both sockets are closed before command k reaches the router
    swallow   command k is never forwarded and never answered (the client times out)
    withhold  command k reaches the router and runs; its reply never comes back
    cut-reply command k runs, and the answers before its reply come back; then the link
              ends before its reply (its `!done`, the k-th answer of the operation):
              the router's socket closes, the client's is shut for writing (the client
              reads the end of the stream) and whatever the client still sends is read
              and dropped, so a pipelined batch is sent whole and heard only in part.
              Answers are counted in arrival order: the k-th is command k's when the
              router answers in order (as it does with no latency).

A fault fires once; afterwards (a rollback's new connection) everything passes.
Commands and answers are counted by sentence, so a pipelined batch is broken inside.

`proxy.command_timeout(short, healthy)` is a value for ROUTER_COMMAND_TIMEOUT that is
`short` for a client made before the fault fires (a swallowed or withheld reply costs
only that much) and `healthy` for one made after it (the rollback's connection meets a
healthy link, so a busy machine's slow read is not mistaken for a second fault).
"""

from __future__ import annotations

import socket
import threading

MODES = ("cut", "swallow", "withhold")
CUT_REPLY = "cut-reply"


def _word_length(buf: bytes, i: int) -> tuple[int, int] | None:
    """(length, bytes used by the length prefix) of the word at buf[i], or None if short."""
    if i >= len(buf):
        return None
    b = buf[i]
    if b < 0x80:
        return b, 1
    if b < 0xC0:
        need, value = 2, b & 0x3F
    elif b < 0xE0:
        need, value = 3, b & 0x1F
    elif b < 0xF0:
        need, value = 4, b & 0x0F
    else:
        need, value = 5, 0
    if i + need > len(buf):
        return None
    for j in range(1, need):
        value = (value << 8) | buf[i + j]
    return value, need


def split_sentences(buf: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Complete sentences in `buf` as (raw bytes, first word), and the rest."""
    out, start = [], 0
    while True:
        i, first = start, None
        while True:
            parsed = _word_length(buf, i)
            if parsed is None:
                return out, buf[start:]
            length, used = parsed
            if i + used + length > len(buf):
                return out, buf[start:]
            word = buf[i + used:i + used + length]
            i += used + length
            if length == 0:
                break
            if first is None:
                first = word
        out.append((buf[start:i], first or b""))
        start = i


class CuttingProxy:
    """Listens on 127.0.0.1:<port>, forwards to (host, port)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.host = "127.0.0.1"
        self.lock = threading.Lock()
        self.commands = 0  # commands seen since the last arm()
        self.answers = 0  # answers (`!done` sentences) passed back since the last arm()
        self.words: list[bytes] = []  # their first words, for messages
        self.mode: str | None = None
        self.at = 0
        self.fired = False
        self.conns: list[socket.socket] = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    # -- control ------------------------------------------------------------------------
    def arm(self, mode: str | None = None, at: int = 0) -> None:
        """Start counting an operation's commands; fault `mode` at command `at` (1-based)."""
        assert mode is None or mode in (*MODES, CUT_REPLY)
        with self.lock:
            self.commands, self.words, self.mode, self.at, self.fired = 0, [], mode, at, False
            self.answers = 0

    def command_timeout(self, short: float, healthy: float) -> FaultTimeout:
        return FaultTimeout(self, short, healthy)

    def close(self) -> None:
        self.closed = True
        self.listener.close()
        for s in list(self.conns):
            _close(s)

    # -- plumbing -----------------------------------------------------------------------
    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.conns += [client, upstream]
            state = {"mute": False, "sink": False}
            threading.Thread(target=self._client_to_router, args=(client, upstream, state),
                             daemon=True).start()
            threading.Thread(target=self._router_to_client, args=(upstream, client, state),
                             daemon=True).start()

    def _client_to_router(self, client, upstream, state) -> None:
        buf = b""
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                sentences, buf = split_sentences(buf + data)
                for raw, first in sentences:
                    action = self._count(first)
                    if action == "cut":
                        _close(client)
                        _close(upstream)
                        return
                    if action == "swallow":
                        state["mute"] = True  # nothing more goes either way on this link
                        continue
                    if action == "withhold":
                        state["mute"] = True  # before it is sent: its reply must not slip by
                    elif state["mute"] or state["sink"]:
                        continue
                    try:
                        upstream.sendall(raw)
                    except OSError:
                        if not state["sink"]:
                            raise
        except OSError:
            pass
        _close(upstream)
        if state["sink"]:
            _close(client)

    def _router_to_client(self, upstream, client, state) -> None:
        buf = b""
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                sentences, buf = split_sentences(buf + data)
                for raw, first in sentences:
                    if self._answer(first) == CUT_REPLY:
                        state["sink"] = True
                        try:
                            client.shutdown(socket.SHUT_WR)
                        except OSError:
                            pass
                        _close(upstream)
                        return
                    if not state["mute"]:
                        client.sendall(raw)
        except OSError:
            pass
        if not state["mute"]:
            _close(client)

    def _count(self, first: bytes) -> str | None:
        if not first.startswith(b"/"):
            return None
        with self.lock:
            self.commands += 1
            self.words.append(first)
            if self.mode in MODES and not self.fired and self.commands == self.at:
                self.fired = True
                return self.mode
        return None


    def _answer(self, first: bytes) -> str | None:
        if first != b"!done":
            return None
        with self.lock:
            self.answers += 1
            if self.mode == CUT_REPLY and not self.fired and self.answers == self.at:
                self.fired = True
                return CUT_REPLY
        return None


class FaultTimeout:
    """A command timeout read (float()) when a client is made: short until the proxy's
    fault has fired, healthy afterwards."""

    def __init__(self, proxy: CuttingProxy, short: float, healthy: float) -> None:
        self.proxy, self.short, self.healthy = proxy, short, healthy

    def __float__(self) -> float:
        with self.proxy.lock:
            return self.healthy if self.proxy.fired else self.short


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass
