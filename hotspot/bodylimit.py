"""Request bodies larger than REQUEST_BODY_MAX_BYTES are refused (413) before they are read.

Two layers, because the server decides when a body is read:

- `BodyLimit`, an ASGI wrapper (hotspot/asgi.py): refuses a declared Content-Length over
  the limit before the application runs, and stops reading a streamed body at the limit.
  It holds under any ASGI server that streams bodies to the application (uvicorn,
  hypercorn), and before authentication: the RADIUS agent checks its token in the view.
- `install_daphne_guard()`: daphne (Twisted) reads the whole body into a file and then
  queues all of it in memory *before* the application is called; an ASGI wrapper only
  sees it afterwards (a 300 MB POST grew the process by 300 MB). The guard refuses in
  Twisted's request object, as the headers arrive (Content-Length) or as chunks arrive
  (chunked transfer), answers 413 and closes the connection: the rest is never read.
"""

from __future__ import annotations

import json

from django.conf import settings

JSON_PREFIXES = (b"/api/", b"/radius/agent/")


def limit() -> int:
    return settings.REQUEST_BODY_MAX_BYTES


def too_large_body(path: bytes | str) -> tuple[bytes, bytes]:
    """(content type, body) of the 413 answer: JSON for the APIs, text otherwise."""
    path = path.encode("latin-1", "replace") if isinstance(path, str) else path
    message = f"Request body larger than {limit():,} bytes (REQUEST_BODY_MAX_BYTES)."
    if path.startswith(JSON_PREFIXES):
        body = {"success": False, "errors": [message]}
        return b"application/json", json.dumps(body).encode()
    return b"text/plain; charset=utf-8", message.encode()


class BodyLimit:
    """ASGI middleware: 413 for bodies over the limit, declared or streamed."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        maximum = limit()
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > maximum):
            return await self._refuse(scope, send)
        received = 0
        exceeded = False
        started = False

        async def limited_receive():
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > maximum:
                    # The application sees a client that went away (Django stops reading
                    # and answers nothing); the 413 is sent below.
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, tracking_send)
        if exceeded and not started:
            await self._refuse(scope, send)

    @staticmethod
    async def _refuse(scope, send):
        content_type, body = too_large_body(scope.get("path", ""))
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", content_type),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def install_daphne_guard() -> None:
    """Make daphne refuse over-limit bodies as they arrive (idempotent; no-op without it)."""
    try:
        from daphne import http_protocol
    except ImportError:  # another ASGI server: BodyLimit alone holds there
        return
    if getattr(http_protocol.WebRequest, "body_limit_guard", False):
        return

    class GuardedWebRequest(http_protocol.WebRequest):
        body_limit_guard = True
        _refused = False
        _received = 0

        def gotLength(self, length):
            if length is not None and length > limit():
                self._refuse()
                length = 0  # nothing of this body is kept
            super().gotLength(length)

        def handleContentChunk(self, data):
            if self._refused:
                return
            self._received += len(data)
            if self._received > limit():
                self._refuse()
                return
            super().handleContentChunk(data)

        def process(self):
            if self._refused:  # answered already; the application never sees it
                return None
            return super().process()

        def _refuse(self):
            if self._refused:
                return
            self._refused = True
            # The request line is parsed (the channel holds it); self.path is set later.
            content_type, body = too_large_body(getattr(self.channel, "_path", b"") or b"")
            head = (b"HTTP/1.1 413 Content Too Large\r\nContent-Type: " + content_type
                    + b"\r\nContent-Length: " + str(len(body)).encode()
                    + b"\r\nConnection: close\r\n\r\n")
            transport = self.channel.transport
            transport.write(head + body)
            # Stop reading: the rest of the body is never received (TCP closes it).
            transport.loseConnection()

    http_protocol.WebRequest = GuardedWebRequest
