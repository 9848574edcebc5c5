"""Request bodies over REQUEST_BODY_MAX_BYTES are refused (413) before they are read."""

import select
import socket
import subprocess
import sys
import time

import pytest
from asgiref.testing import ApplicationCommunicator
from django.test import override_settings

from hotspot.asgi import application
from tests.browser.conftest import ROOT, free_port, server_env, stop, wait_for_port

pytestmark = pytest.mark.timeout(180)
MiB = 2**20


def scope(path, headers=()):
    return {"type": "http", "http_version": "1.1", "method": "POST", "path": path,
            "raw_path": path.encode(), "root_path": "", "scheme": "http", "query_string": b"",
            "headers": [(b"host", b"localhost"), *headers], "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8000)}


async def answer(communicator):
    start = await communicator.receive_output(5)
    body = await communicator.receive_output(5)
    return start["status"], body["body"]


async def test_it_refuses_a_declared_length_over_the_limit_before_the_application_runs():
    communicator = ApplicationCommunicator(application, scope(
        "/radius/agent/users/", [(b"content-length", str(300 * MiB).encode())]))
    status, body = await answer(communicator)  # no body was sent at all
    assert status == 413
    assert b"larger than 1,048,576 bytes" in body


@pytest.mark.django_db
async def test_it_stops_reading_a_streamed_body_at_the_limit_before_authentication():
    communicator = ApplicationCommunicator(application, scope("/radius/agent/users/"))
    chunk = b"x" * 65536
    for _ in range(17):  # 1 MiB + 64 KiB, no Content-Length: streamed
        await communicator.send_input({"type": "http.request", "body": chunk,
                                       "more_body": True})
    status, body = await answer(communicator)
    assert status == 413  # not the agent's 401: the view never ran
    assert b'"success": false' in body


@override_settings(REQUEST_BODY_MAX_BYTES=2 * MiB)
async def test_it_lets_a_body_under_the_limit_through():
    communicator = ApplicationCommunicator(application, scope(
        "/radius/agent/users/", [(b"content-length", b"2")]))
    await communicator.send_input({"type": "http.request", "body": b"{}", "more_body": False})
    status, _ = await answer(communicator)
    assert status == 401  # the agent's own answer to a request without its token


def rss_kib(pid: int, field: str) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


def stream(port: int, head: bytes, chunk: bytes, total: int) -> tuple[bytes, int, float]:
    """Send `head`, then `chunk` repeatedly up to `total` bytes, until the server answers.

    Returns (what the server answered, bytes of body sent, seconds). The 300 MB are
    never allocated: the same 64 KiB chunk is sent again and again.
    """
    started = time.monotonic()
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        while sent < total:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sent += sock.send(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except ConnectionResetError:
            pass
    return answer, sent, time.monotonic() - started


@pytest.fixture
def daphne():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "hotspot.asgi:application"], cwd=ROOT, env=server_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc)
        yield proc, port
    finally:
        stop(proc)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_daphne_refuses_an_unauthenticated_300_mb_post_without_reading_it(daphne, chunked):
    proc, port = daphne
    total = 300 * 10**6
    if chunked:
        head = (b"POST /radius/agent/users/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        payload = b"x" * 65536
        chunk = b"%x\r\n" % len(payload) + payload + b"\r\n"
    else:
        head = (b"POST /radius/agent/users/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % total)
        chunk = b"x" * 65536
    stream(port, b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Connection: close\r\n\r\n", b"", 0)  # warm up: Django loaded
    before_peak = rss_kib(proc.pid, "VmHWM")

    answer, sent, seconds = stream(port, head, chunk, total)

    growth_mib = (rss_kib(proc.pid, "VmHWM") - before_peak) / 1024
    print(f"\n{'chunked' if chunked else 'declared'} 300 MB POST: 413 after {sent / MiB:.1f} MiB "
          f"sent in {seconds:.2f} s; daphne's peak memory grew {growth_mib:.1f} MiB")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"REQUEST_BODY_MAX_BYTES" in answer
    assert sent < 64 * MiB  # the rest was never read (socket buffers hold a few MiB)
    assert growth_mib < 20
    assert proc.poll() is None
