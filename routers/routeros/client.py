"""The product's only RouterOS API client, over routeros-api 0.21.0.

    with RouterOSClient("10.0.0.1", 8728, "api", "secret", timeout=5) as ros:
        pools = ros.print("/ip/pool", name="p1")
        new_id = ros.add("/ip/pool", name="p2", ranges="10.0.0.2-10.0.0.9")
        ros.set("/ip/pool", new_id, comment="x")
        ros.remove("/ip/pool", new_id)

Every wait is bounded: connect + login share one deadline (``timeout``), and each
command gets ``command_timeout`` in total, however the bytes trickle in. One
client per thread (routeros-api has no locking).

With TLS, ``tls_fingerprint`` pins api-ssl's certificate: the SHA-256 of the
certificate it serves must match, checked right after the handshake and before the
login (a changed certificate never sees the password). ``peer_fingerprint`` tells what
was served, for pinning on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from routeros_api import api_communicator, api_socket, base_api, exceptions
from routeros_api.api import RouterOsApi

from hotspot import outbound

from .errors import (
    RouterAddressRefused,
    RouterAuthFailed,
    RouterCertificateChanged,
    RouterClosedEarly,
    RouterCommandError,
    RouterConnectionLost,
    RouterOSError,
    RouterTimeout,
    RouterTLSError,
    RouterUnreachable,
)

AUTH_MESSAGES = ("invalid user name or password", "cannot log in", "not enough permissions")


@dataclass
class Reply:
    rows: list[dict[str, str]] = field(default_factory=list)
    ret: str | None = None


# call_many's per-answer callback: (position of the command, its answer or trap).
ResultCallback = Callable[[int, "Reply | RouterCommandError"], None]


def to_api(value: object) -> str:
    """RouterOS takes strings: yes/no for booleans, decimal for numbers, "" for None."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    return str(value)


class _DeadlineSocket(api_socket.SocketWrapper):
    """Each read waits only for what is left of the current deadline."""

    deadline: float | None = None
    received = 0  # bytes read so far: 0 when the router closed before a word

    def receive(self, length: int) -> bytes:
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("timed out")
            self.socket.settimeout(remaining)
        data = super().receive(length)
        self.received += len(data)
        return data


class _Connection(base_api.Connection):
    """Notes the last !trap's category and any !fatal reason, which routeros-api drops."""

    def __init__(self, sock: _DeadlineSocket) -> None:
        super().__init__(sock)
        self.trap_category: int | None = None
        self.fatal: str | None = None

    def receive_sentence(self) -> list[bytes]:
        words = super().receive_sentence()
        if words and words[0] == b"!trap":
            self.trap_category = None
            for word in words[1:]:
                if word.startswith(b"=category="):
                    try:
                        self.trap_category = int(word[10:])
                    except ValueError:
                        pass
        elif words and words[0] == b"!fatal":
            self.fatal = b" ".join(words[1:]).decode("utf-8", "replace") or "fatal"
        return words


def _unreachable_reason(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return "dns"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timeout"
    return "network"


def fingerprint_text(value: str) -> str:
    """A SHA-256 fingerprint as 64 lowercase hex digits (colons and spaces dropped)."""
    return "".join(ch for ch in (value or "").lower() if ch in "0123456789abcdef")


def _timed_out(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (socket.timeout, TimeoutError)):
            return True
        seen = seen.__context__
    return False


class RouterOSClient:
    """A logged-in API session. Use as a context manager, or connect()/close()."""

    def __init__(self, host: str, port: int | None = None, username: str = "admin",
                 password: str = "", use_tls: bool = False, timeout: float = 10.0,
                 command_timeout: float | None = None, *, outbound_policy: bool = True,
                 tls_fingerprint: str = "", pipelining: bool = True) -> None:
        self.host = host
        self.port = port or (8729 if use_tls else 8728)
        self.username = username
        self._password = password
        self.use_tls = use_tls
        self.timeout = timeout
        self.command_timeout = command_timeout or timeout
        # hotspot.outbound: refuse loopback, link-local and the installation's own services
        # (off only for tools whose user names the address on the command line).
        self.outbound_policy = outbound_policy
        # The pinned SHA-256 of api-ssl's certificate ("" = not pinned yet: accept, note it).
        self.tls_fingerprint = fingerprint_text(tls_fingerprint)
        self.peer_fingerprint = ""  # what api-ssl served at the last connect
        self.local_address = ""  # this end's address of the last connection
        self._sock: _DeadlineSocket | None = None
        self._conn: _Connection | None = None
        self._api: RouterOsApi | None = None
        self.calls = 0  # API round trips (a pipelined batch is one), login excluded
        # False: call_many sends its commands one at a time, each waiting for its answer
        # (the same results, one round trip each; ROUTER_API_PIPELINING, and the reference
        # the tests compare pipelined reads against).
        self.pipelining = pipelining

    def __repr__(self) -> str:  # no password, ever
        return f"<RouterOSClient {self.username}@{self.host}:{self.port} tls={self.use_tls}>"

    # -- session ------------------------------------------------------------------------
    def __enter__(self) -> RouterOSClient:
        return self.connect()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._api is not None

    def connect(self, deadline: float | None = None) -> RouterOSClient:
        """Open TCP (+TLS) and log in, all within ``timeout`` seconds (or by ``deadline``)."""
        if self._api is not None:
            return self
        deadline = deadline or time.monotonic() + self.timeout
        raw = self._open_socket(deadline)
        self._sock = _DeadlineSocket(raw)
        self._conn = _Connection(self._sock)
        api = RouterOsApi(api_communicator.ApiCommunicator(self._conn))
        self._sock.deadline = deadline
        try:
            api.login(self.username, self._password, True)
        except exceptions.RouterOsApiCommunicationError as exc:
            self.close()
            text = exc.original_message.decode("utf-8", "replace")
            if any(m in text for m in AUTH_MESSAGES):
                raise RouterAuthFailed(self.username, text, self.host, self.port) from None
            raise RouterCommandError(text, self._conn.trap_category if self._conn else None,
                                     "/login", self.host, self.port) from None
        except exceptions.RouterOsApiError as exc:
            timed_out = _timed_out(exc)
            silent = self._sock is not None and self._sock.received == 0
            self.close()
            if timed_out:
                raise RouterUnreachable("timeout", self.host, self.port,
                                        "no answer to login") from None
            if silent:  # accepted, then closed before a word: RouterOS's `address=` does this
                raise RouterClosedEarly(self.local_address, self.host, self.port) from None
            raise RouterConnectionLost(f"{self.host}:{self.port}: connection lost during login",
                                       self.host, self.port) from None
        self._api = api
        return self

    def _open_socket(self, deadline: float) -> socket.socket:
        remaining = max(deadline - time.monotonic(), 0.001)
        try:
            if self.outbound_policy:
                sock = outbound.create_connection(self.host, self.port, timeout=remaining)
            else:
                sock = socket.create_connection((self.host, self.port), timeout=remaining)
        except outbound.OutboundRefused as exc:
            raise RouterAddressRefused(f"{self.host}:{self.port} refused: {exc}", self.host,
                                       self.port) from None
        except OSError as exc:
            raise RouterUnreachable(_unreachable_reason(exc), self.host, self.port) from None
        api_socket.set_keepalive(sock, after_idle_sec=10)
        # routeros-api writes a sentence word by word; without NODELAY, Nagle's
        # algorithm and delayed ACKs hold each command back by ~40 ms.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.local_address = str(sock.getsockname()[0])
        except OSError:
            self.local_address = ""
        if not self.use_tls:
            return sock
        # RouterOS's api-ssl has a self-signed certificate (no CA to verify it against):
        # encrypt, and pin the certificate itself instead (trust on first use).
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            tls = context.wrap_socket(sock, server_hostname=self.host)
        except TimeoutError:
            sock.close()
            raise RouterUnreachable("timeout", self.host, self.port, "TLS handshake") from None
        except (ssl.SSLError, ssl.CertificateError, ConnectionError) as exc:
            sock.close()
            raise RouterTLSError(f"{self.host}:{self.port}: TLS handshake failed: "
                                 f"{type(exc).__name__}", self.host, self.port) from None
        self._check_certificate(tls)
        return tls

    def _check_certificate(self, tls: ssl.SSLSocket) -> None:
        """Note the served certificate's SHA-256; refuse it if it is not the pinned one."""
        der = tls.getpeercert(binary_form=True)
        if not der:
            tls.close()
            raise RouterTLSError(f"{self.host}:{self.port}: api-ssl served no certificate",
                                 self.host, self.port)
        self.peer_fingerprint = hashlib.sha256(der).hexdigest()
        if self.tls_fingerprint and not hmac.compare_digest(self.peer_fingerprint,
                                                            self.tls_fingerprint):
            tls.close()
            raise RouterCertificateChanged(self.tls_fingerprint, self.peer_fingerprint,
                                           self.host, self.port)

    def close(self) -> None:
        self._api = None
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
        self._sock = None

    # -- commands -------------------------------------------------------------------------
    def call(self, path: str, params: Mapping[str, Any] | None = None,
             queries: Mapping[str, Any] | None = None) -> Reply:
        """Run any command word, e.g. call("/ip/pool/print") or call("/import", {...})."""
        result = self.call_many([(path, params, queries)])[0]
        if isinstance(result, RouterCommandError):
            raise result
        return result

    def call_many(self, commands: list[tuple[str, Mapping[str, Any] | None,
                                             Mapping[str, Any] | None]],
                  on_result: ResultCallback | None = None
                  ) -> list[Reply | RouterCommandError]:
        """Send several commands at once, each with its own tag, then read the answers as
        they come (RouterOS answers tagged commands independently): one round trip for all.
        A trap answers its own command (returned in its place); a lost connection or the
        deadline (``command_timeout`` for the whole batch) fails them all. ``on_result``,
        if given, is called with (position, result) as each answer is read, in the order
        the commands were sent, before the next answer is read (a caller records what
        each answer says even when the link is lost further on)."""
        if not self.pipelining and len(commands) > 1:
            results: list[Reply | RouterCommandError] = []
            for command in commands:
                result = self._exchange([command])[0]
                if on_result is not None:
                    on_result(len(results), result)
                results.append(result)
            return results
        return self._exchange(commands, on_result)

    def _exchange(self, commands, on_result: ResultCallback | None = None
                  ) -> list[Reply | RouterCommandError]:
        """One round trip: send every command, then read every answer."""
        if self._api is None or self._sock is None or self._conn is None:
            raise RouterConnectionLost("not connected", self.host, self.port)
        self.calls += 1
        self._sock.deadline = time.monotonic() + self.command_timeout
        path = commands[0][0] if commands else ""
        try:
            promises = []
            for path, params, queries in commands:
                menu, _, command = path.rstrip("/").rpartition("/")
                arguments = {k: to_api(v) for k, v in (params or {}).items()}
                where = {k: to_api(v) for k, v in (queries or {}).items()}
                resource = self._api.get_resource(menu or "/")
                promises.append((path, resource.call_async(command, arguments, where)))
            results: list[Reply | RouterCommandError] = []
            for path, promise in promises:
                result: Reply | RouterCommandError
                try:
                    response = promise.get()
                except exceptions.RouterOsApiCommunicationError as exc:
                    text = exc.original_message.decode("utf-8", "replace")
                    result = RouterCommandError(text, self._conn.trap_category, path,
                                                self.host, self.port)
                else:
                    rows = [{(".id" if k == "id" else k): v for k, v in row.items()}
                            for row in response]
                    result = Reply(rows, response.done_message.get("ret"))
                if on_result is not None:
                    on_result(len(results), result)
                results.append(result)
            return results
        except exceptions.RouterOsApiError as exc:
            fatal = self._conn.fatal if self._conn else None
            timed_out = _timed_out(exc)
            self.close()
            if timed_out:
                raise RouterTimeout(path, self.command_timeout, self.host, self.port) from None
            why = f"router said: {fatal}" if fatal else "connection lost"
            raise RouterConnectionLost(f"{self.host}:{self.port}: {path}: {why}",
                                       self.host, self.port) from None
        except BaseException:
            # The caller's on_result failed with answers still unread: this session's
            # next command could meet them, so it ends here.
            self.close()
            raise

    def print_many(self, paths, proplists: Mapping[str, list[str]] | None = None
                   ) -> dict[str, list[dict[str, str]]]:
        """Every menu of `paths` in one pipelined exchange (the same rows as one print each).
        The first trap, if any, is raised once every answer has been read."""
        commands = [(_join(path, "print"),
                     {".proplist": ",".join(proplists[path])}
                     if proplists and proplists.get(path) else None, None) for path in paths]
        results = self.call_many(commands)
        for result in results:
            if isinstance(result, RouterCommandError):
                raise result
        return {path: reply.rows for path, reply in zip(paths, results, strict=True)}

    def print(self, path: str, proplist: list[str] | tuple[str, ...] | None = None,
              where: Mapping[str, Any] | None = None, **equals: Any) -> list[dict[str, str]]:
        """Items of a menu; ``where``/keyword arguments are equality queries."""
        params = {".proplist": ",".join(proplist)} if proplist else {}
        queries = {**(where or {}), **equals}
        return self.call(_join(path, "print"), params, queries).rows

    def add(self, path: str, params: Mapping[str, Any] | None = None, **kw: Any) -> str:
        """Add an item; returns its new .id (e.g. "*1A")."""
        return self.call(_join(path, "add"), {**(params or {}), **kw}).ret or ""

    def set(self, path: str, item_id: str | None = None, params: Mapping[str, Any] | None = None,
            **kw: Any) -> None:
        """Change an item (by .id or name); item_id None for singletons (/system/identity)."""
        values = {**(params or {}), **kw}
        if item_id is not None:
            values[".id"] = item_id
        self.call(_join(path, "set"), values)

    def remove(self, path: str, *item_ids: str) -> None:
        self.call(_join(path, "remove"), {".id": ",".join(item_ids)})

    def run(self, path: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Reply:
        """Any other command, e.g. run("/import", {"file-name": "x.rsc"})."""
        return self.call(path, {**(params or {}), **kw})


def _join(path: str, command: str) -> str:
    return "/" + "/".join(w for w in path.replace(" ", "/").split("/") if w) + "/" + command


def probe(host: str, port: int | None = None, username: str = "admin", password: str = "",
          use_tls: bool = False, timeout: float = 10.0) -> dict[str, Any]:
    """Log in and read identity, resource and interfaces, all within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    client = RouterOSClient(host, port, username, password, use_tls, timeout)
    try:
        client.connect(deadline)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RouterUnreachable("timeout", host, client.port, "probe took too long")
        client.command_timeout = remaining
        paths = {"identity": "/system/identity", "resource": "/system/resource",
                 "interfaces": "/interface"}
        try:  # the three reads in one pipelined exchange: one round trip after the login
            menus = client.print_many(list(paths.values()))
        except RouterTimeout:
            raise RouterUnreachable("timeout", host, client.port,
                                    f"no answer to {', '.join(paths.values())}") from None
        result: dict[str, Any] = {}
        for key, path in paths.items():
            rows = menus[path]
            result[key] = rows if key == "interfaces" else (rows[0] if rows else {})
        return result
    finally:
        client.close()


__all__ = ["RouterOSClient", "RouterOSError", "Reply", "probe", "to_api"]
