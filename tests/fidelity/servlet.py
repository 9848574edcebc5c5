"""A stand-in for RouterOS's hotspot HTTP servlet, serving a simulated router's files.

It serves the pages of a hotspot profile's `html-directory` as the servlet does
(MikroTik's "Hotspot customisation" manual): `/login`, `/status`, `/logout` answer
login.html, status.html, logout.html with `$(variable)`s and `$(if ...)`/`$(elif ...)`/
`$(else)`/`$(endif)` filled in; other paths are files of the directory, served as they are
(md5.js); a missing page is a 404. A POST to /login is recorded (what a browser sent is
what the router would check) and answered with alogin.html.

Variables as RouterOS fills them: `chap-id` and `chap-challenge` are printed as octal
escapes of raw bytes (`\\311`), so that a JavaScript string literal holds the bytes; with
CHAP off both are empty.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = re.compile(r"\$\((if [^)]*|elif [^)]*|else|endif|[a-z0-9-]+)\)")
CONDITION = re.compile(r"^([a-z0-9-]+)\s*(==|!=)\s*'([^']*)'$")


def octal(data: bytes) -> str:
    return "".join(f"\\{b:03o}" for b in data)


def render(template: str, variables: dict[str, str]) -> str:
    """Fill a servlet page as RouterOS does (the subset the product's pages use)."""
    out: list[str] = []
    # Each open `if`: [any branch taken yet, this branch on, parent on]
    stack: list[list[bool]] = []
    pos = 0

    def on() -> bool:
        return all(frame[1] and frame[2] for frame in stack) if stack else True

    def truth(expr: str) -> bool:
        m = CONDITION.match(expr.strip())
        if m:
            name, op, want = m.groups()
            return (variables.get(name, "") == want) == (op == "==")
        return bool(variables.get(expr.strip(), ""))

    for m in TOKEN.finditer(template):
        if on():
            out.append(template[pos:m.start()])
        pos = m.end()
        word = m.group(1)
        if word.startswith("if "):
            parent = on()
            value = truth(word[3:])
            stack.append([value, value, parent])
        elif word.startswith("elif "):
            frame = stack[-1]
            value = not frame[0] and truth(word[5:])
            frame[1] = value
            frame[0] = frame[0] or value
        elif word == "else":
            frame = stack[-1]
            frame[1] = not frame[0]
            frame[0] = True
        elif word == "endif":
            stack.pop()
        elif on():
            out.append(variables.get(word, ""))
    if on():
        out.append(template[pos:])
    return "".join(out)


class Servlet:
    """Serves `files` (name -> contents, names relative to the html-directory)."""

    PAGES = {"/login": "login.html", "/status": "status.html", "/logout": "logout.html",
             "/": "login.html"}

    def __init__(self, files: dict[str, str], chap: bool, chap_id: bytes = b"\xc9",
                 challenge: bytes = bytes(range(0xA0, 0xB0)), variables: dict | None = None):
        self.files = files
        self.chap = chap
        self.chap_id = chap_id
        self.challenge = challenge
        self.extra = variables or {}
        self.posts: list[dict[str, str]] = []
        self.received = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def variables(self) -> dict[str, str]:
        base = self.url
        return {
            "link-login-only": f"{base}/login", "link-login": f"{base}/login",
            "link-logout": f"{base}/logout", "link-status": f"{base}/status",
            "link-orig": "http://example.com/", "link-redirect": "http://example.com/",
            "chap-id": octal(self.chap_id) if self.chap else "",
            "chap-challenge": octal(self.challenge) if self.chap else "",
            "username": "", "error": "", "ip": "10.5.50.20", "uptime": "1m",
            "bytes-in-nice": "1 KiB", "bytes-out-nice": "2 KiB", **self.extra,
        }

    def _handler(self):
        servlet = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: str, kind: str = "text/html") -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlsplit(self.path).path
                if path in servlet.PAGES:
                    page = servlet.files.get(servlet.PAGES[path])
                    if page is None:
                        return self._send(404, "not found")
                    return self._send(200, render(page, servlet.variables()))
                name = path.lstrip("/")
                if name not in servlet.files:
                    return self._send(404, "not found")
                kind = "application/javascript" if name.endswith(".js") else "text/html"
                return self._send(200, servlet.files[name], kind)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode(),
                                                      keep_blank_values=True).items()}
                servlet.posts.append(form)
                servlet.received.set()
                page = servlet.files.get("alogin.html", "logged in")
                return self._send(200, render(page, {**servlet.variables(),
                                                     "username": form.get("username", "")}))

        return Handler

    def __enter__(self) -> Servlet:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def directory_files(sim, directory: str) -> dict[str, str]:
    """The files under `directory` on a simulated router, by name relative to it."""
    prefix = directory.rstrip("/") + "/"
    return {row["name"][len(prefix):]: row.get("contents", "") for row in sim.items("/file")
            if row.get("name", "").startswith(prefix) and row.get("type") != "directory"}
