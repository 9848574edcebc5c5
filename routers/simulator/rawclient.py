"""A minimal RouterOS API client over a plain socket, for tests that look at the wire:
exact reply sentences, several traps, tags, pipelined commands.

    raw = RawClient.connect(host, port)
    raw.login("admin", "")
    raw.ask("/ip/pool/print")  # -> [["!re", "=.id=*1", ...], ["!done"]]
"""

from __future__ import annotations

import socket
import ssl

from .protocol import SentenceReader, encode_sentence

Sentence = list[str]


class RawClient:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader = SentenceReader()
        self.pending: list[Sentence] = []

    @classmethod
    def connect(cls, host: str, port: int, timeout: float = 10.0,
                tls: ssl.SSLContext | None = None) -> RawClient:
        sock = socket.create_connection((host, port), timeout=timeout)
        if tls is not None:
            sock = tls.wrap_socket(sock, server_hostname=host)
        return cls(sock)

    def close(self) -> None:
        self.sock.close()

    def send(self, *words: str) -> None:
        self.sock.sendall(encode_sentence(list(words)))

    def sentence(self) -> Sentence:
        """The next reply sentence (EOFError when the router closed the connection)."""
        while not self.pending:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("connection closed by the router")
            self.pending += self.reader.feed(data)
        return self.pending.pop(0)

    def ask(self, *words: str) -> list[Sentence]:
        """All reply sentences up to and including !done (or a !fatal)."""
        self.send(*words)
        replies = []
        while True:
            replies.append(self.sentence())
            if replies[-1][0] in ("!done", "!fatal"):
                return replies

    def login(self, user: str = "admin", password: str = "") -> None:
        reply = self.ask("/login", f"=name={user}", f"=password={password}")
        if reply != [["!done"]]:
            raise RuntimeError(f"login refused: {reply}")

    def pipeline(self, *commands: tuple[str, ...]) -> tuple[dict[str, list[Sentence]], list[str]]:
        """Send every command at once, tagged 1..N; read until each has its !done.

        Returns the replies per tag and the order in which the commands finished.
        """
        for n, words in enumerate(commands, 1):
            self.send(*words, f".tag={n}")
        replies: dict[str, list[Sentence]] = {str(n): [] for n in range(1, len(commands) + 1)}
        finished: list[str] = []
        while len(finished) < len(commands):
            sentence = self.sentence()
            tag = next((w[5:] for w in sentence[1:] if w.startswith(".tag=")), None)
            if tag is None or tag not in replies:
                raise RuntimeError(f"reply without a known tag: {sentence}")
            replies[tag].append([w for w in sentence if not w.startswith(".tag=")])
            if sentence[0] == "!done":
                finished.append(tag)
        return replies, finished
