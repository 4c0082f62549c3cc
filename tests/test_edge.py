"""The HTTP edge of the real server (`insights serve`, as `make serve` runs it): bounded header
bytes and count, a header-read timeout that a trickling client cannot reset, idle keep-alive
closed, a connection cap that makes a new client wait a bounded time, no server name out.

Each flood is kept just over its limit; the server is started once for the module.
"""

import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import anyio
import pytest
from starlette.types import Message, Receive, Scope, Send

from app.http.edge import EdgeLimitMiddleware
from bench.server import process_tree_rss_mb
from tests.helpers.servers import make_serve

HEADER_TIMEOUT_S = 2.0
MAX_HEADER_BYTES = 8192
MAX_CONNECTIONS = 6
SLACK_S = 1.5


class Served:
    def __init__(self, port: int, process: subprocess.Popen[bytes]) -> None:
        self.port, self.process = port, process

    def connect(self, timeout: float = 15) -> socket.socket:
        connection = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        connection.settimeout(timeout)
        return connection


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`make serve`'s commands (migrate, seed, serve) with tight edge limits."""
    with make_serve(
        tmp_path_factory.mktemp("edge"),
        HTTP_HEADER_TIMEOUT_S=str(HEADER_TIMEOUT_S),
        HTTP_MAX_HEADER_BYTES=str(MAX_HEADER_BYTES),
        HTTP_MAX_CONNECTIONS=str(MAX_CONNECTIONS),
    ) as (port, process):
        yield Served(port, process)


def read_until_closed(connection: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := connection.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


def meta_seconds(served: Served) -> float:
    """How long `GET /v1/meta` takes on a connection of its own, answered 200."""
    started = time.monotonic()
    with served.connect() as connection:
        connection.sendall(b"GET /v1/meta HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert read_until_closed(connection).startswith(b"HTTP/1.1 200 ")
    return time.monotonic() - started


def test_responses_do_not_name_the_server_software(served: Served) -> None:
    with served.connect() as connection:
        connection.sendall(b"GET /v1/meta HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head = read_until_closed(connection).split(b"\r\n\r\n", 1)[0].lower()
    assert b"\r\nserver: insights\r\n" in head
    assert b"uvicorn" not in head
    assert b"granian" not in head


def test_headers_over_the_byte_limit_are_refused_at_once(served: Served) -> None:
    before = process_tree_rss_mb(served.process.pid)
    started = time.monotonic()
    with served.connect() as connection:
        try:
            connection.sendall(b"GET /v1/meta HTTP/1.1\r\nHost: x\r\nX-Big: ")
            connection.sendall(b"a" * (4 * MAX_HEADER_BYTES) + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before it was all sent
        answer = read_until_closed(connection)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 431 ")
    assert time.monotonic() - started < SLACK_S
    assert process_tree_rss_mb(served.process.pid) - before < 5


def test_too_many_header_fields_get_a_431_problem(served: Served) -> None:
    fields = b"".join(b"X-%d: v\r\n" % n for n in range(70))  # over HTTP_MAX_HEADERS' 64
    with served.connect() as connection:
        connection.sendall(b"GET /v1/meta HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + fields)
        connection.sendall(b"\r\n")
        answer = read_until_closed(connection).lower()
    assert answer.startswith(b"http/1.1 431 ")
    assert b"content-type: application/problem+json" in answer
    assert b"x-content-type-options: nosniff" in answer
    assert b'"type":"/problems/headers-too-large"' in answer


def test_trickled_headers_are_cut_off_while_others_are_served(served: Served) -> None:
    timings: list[float] = []
    helper = threading.Timer(0.8, lambda: timings.append(meta_seconds(served)))
    started = time.monotonic()
    with served.connect() as connection:
        connection.sendall(b"GET /v1/meta HTTP/1.1\r\nHost: x\r\n")
        helper.start()
        closed_at = None
        for n in range(int(4 * HEADER_TIMEOUT_S)):
            try:
                connection.sendall(b"X-%d: v\r\n" % n)  # a line each half second
            except (BrokenPipeError, ConnectionResetError):
                closed_at = time.monotonic() - started
                break
            time.sleep(0.5)
    helper.join()
    assert closed_at is not None
    assert closed_at < HEADER_TIMEOUT_S + SLACK_S
    assert timings
    assert timings[0] < 0.5


def test_a_partial_request_is_closed_within_the_header_timeout(served: Served) -> None:
    started = time.monotonic()
    with served.connect() as connection:
        connection.sendall(b"GET /v1/meta HTTP/1.1\r\nHost: x\r\n")
        assert read_until_closed(connection) == b""
    assert time.monotonic() - started < HEADER_TIMEOUT_S + SLACK_S


def test_an_idle_kept_alive_connection_is_closed(served: Served) -> None:
    with served.connect() as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert connection.recv(65536).startswith(b"HTTP/1.1 200 ")
        idle_from = time.monotonic()
        assert read_until_closed(connection) == b""
    assert time.monotonic() - idle_from < HEADER_TIMEOUT_S + SLACK_S


def test_a_connection_over_the_cap_waits_a_bounded_time(served: Served) -> None:
    held = [served.connect() for _ in range(MAX_CONNECTIONS)]
    try:
        for connection in held:
            connection.sendall(b"GET /v1/meta HTTP/1.1\r\nHost: x\r\n")  # never finished
        time.sleep(0.3)
        # Every slot is held; the new client is served once the header timeout frees one.
        elapsed = meta_seconds(served)
    finally:
        for connection in held:
            connection.close()
    assert elapsed < HEADER_TIMEOUT_S + SLACK_S


def test_requests_over_the_in_flight_cap_get_a_503_problem_at_once() -> None:
    released: list[anyio.Event] = []

    async def slow(_scope: Scope, _receive: Receive, send: Send) -> None:
        await released[0].wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    guard = EdgeLimitMiddleware(slow, max_headers=64, max_requests=2)
    statuses: list[int] = []

    async def request() -> None:
        scope: Scope = {"type": "http", "path": "/v1/meta", "headers": [], "method": "GET"}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        await guard(scope, receive, send)

    async def main() -> None:
        released.append(anyio.Event())
        async with anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(request)
            await anyio.sleep(0.1)
            assert statuses == [503]  # the third, without waiting for the others
            released[0].set()

    anyio.run(main)
    assert sorted(statuses) == [200, 200, 503]
    assert guard.in_flight == 0
