"""The drill's attack mix (bench/drill.py): one request kind per finding of issue 13, each bounded
in connections and rate, run from threads beside the normal traffic.

Every kind records (status, seconds to the status line, seconds to the last byte); status 0 is a
connection that failed or was closed without an answer (or a client timeout, 30 s), and -1 a
request still unfinished when the drill ended, with the seconds it had run.
"""

import http.client
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote as urlquote

import yaml

from app.config import PROJECT_ROOT
from app.params import Dimension

JUNK = "junk parameters (/openapi.json?junk=N)"
SLOW = "slow headers (one line a second)"
BIG = "oversized headers (just over the limit)"
EXPORT = "CSV export, whole corpus (/v1/quotes.csv)"
PREFIXES = " ".join(f"{letter}*" for letter in "abcdefghijklmnop")


@dataclass(frozen=True)
class Sample:
    """One attacking request."""

    kind: str
    status: int
    first_byte_s: float
    total_s: float


def costly_paths() -> dict[str, str]:
    """The costly requests the issue found, by kind."""
    document = yaml.safe_load((PROJECT_ROOT / "seeds" / "tags.yaml").read_text("utf-8"))
    tags = [tag["id"] for tag in document["tags"]]
    every_facet = "&".join(f"facet={d.value}" for d in Dimension)
    six_facets = "&".join(f"facet={d.value}" for d in list(Dimension)[:6])

    def tag_filter(n: int) -> str:
        return "&".join(f"tag={tag}" for tag in tags[:n])

    return {
        "layer page (/layers/tip-of-the-iceberg)": "/layers/tip-of-the-iceberg",
        "31 tag ids, 7 facets, limit 100": f"/v1/quotes?{tag_filter(31)}&{every_facet}&limit=100",
        "30 tag ids, 7 facets, limit 100": f"/v1/quotes?{tag_filter(30)}&{every_facet}&limit=100",
        "crosstab rows=tag cols=interview": "/v1/stats/crosstab?rows=tag&cols=interview",
        "crosstab rows=interview cols=tag": "/v1/stats/crosstab?rows=interview&cols=tag",
        "q=a* b* ... p*, 6 facets": f"/v1/quotes?q={urlquote(PREFIXES)}&{six_facets}",
        EXPORT: "/v1/quotes.csv",
    }


class Attack:
    """The attacking threads; `samples` fills while they run, until `stop` is set."""

    def __init__(self, host: str, port: int, *, max_header_bytes: int) -> None:
        self.host, self.port = host, port
        self.max_header_bytes = max_header_bytes
        self.stop = threading.Event()
        self.samples: list[Sample] = []
        self.threads: list[threading.Thread] = []
        self.junk = itertools.count()
        self.in_flight: dict[int, tuple[str, float, float | None]] = {}

    def start(
        self,
        *,
        costly: int,
        junk: int,
        junk_per_s: float,
        slow: int,
        big_per_s: float,
        skip: tuple[str, ...] = (),
    ) -> None:
        """`costly` connections cycling through the costly kinds (less those whose name holds a
        word of `skip`), `junk` connections flooding the cache at `junk_per_s` each, `slow`
        slow-header connections, one oversized-header sender."""
        paths = [
            (kind, path)
            for kind, path in costly_paths().items()
            if not any(word in kind for word in skip)
        ]
        for n in range(costly):
            rotation = itertools.cycle(paths[n % len(paths) :] + paths[: n % len(paths)])
            self._spawn(self._requests, lambda rotation=rotation: next(rotation), 0.0)
        for _ in range(junk):
            self._spawn(
                self._requests,
                lambda: (JUNK, f"/openapi.json?junk={next(self.junk)}"),
                1 / junk_per_s,
            )
        for _ in range(slow):
            self._spawn(self._slow_headers)
        self._spawn(self._oversized, 1 / big_per_s)

    def finish(self, grace_s: float = 15) -> list[Sample]:
        """Stop, give the requests under way `grace_s` to end, and count the rest unfinished."""
        self.stop.set()
        deadline = time.monotonic() + grace_s
        for thread in self.threads:
            thread.join(timeout=max(0, deadline - time.monotonic()))
        now = time.perf_counter()
        unfinished = [
            Sample(kind, -1, now - start if first is None else first, now - start)
            for kind, start, first in list(self.in_flight.values())
        ]
        return list(self.samples) + unfinished

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _requests(self, next_path: Callable[[], tuple[str, str]], pause: float) -> None:
        """Closed loop on one kept-alive connection (a new one after a failure or a close)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        me = threading.get_ident()
        while not self.stop.is_set():
            kind, path = next_path()
            start = time.perf_counter()
            self.in_flight[me] = (kind, start, None)
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                first = time.perf_counter() - start
                self.in_flight[me] = (kind, start, first)
                response.read()
                self.samples.append(
                    Sample(kind, response.status, first, time.perf_counter() - start)
                )
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                elapsed = time.perf_counter() - start
                self.samples.append(Sample(kind, 0, elapsed, elapsed))
                connection.close()
            del self.in_flight[me]
            self.stop.wait(pause)
        connection.close()

    def _slow_headers(self) -> None:
        """A request whose headers never end: one more header line a second until closed."""
        while not self.stop.is_set():
            start = time.perf_counter()
            status = 0
            with socket.create_connection((self.host, self.port), timeout=1) as sock:
                try:
                    sock.sendall(b"GET /v1/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    for line in itertools.count():
                        try:
                            answer = sock.recv(256)
                        except TimeoutError:
                            sock.sendall(f"X-Slow-{line}: 1\r\n".encode())
                            continue
                        status = _status(answer)
                        break
                except OSError:
                    pass
            elapsed = time.perf_counter() - start
            self.samples.append(Sample(SLOW, status, elapsed, elapsed))

    def _oversized(self, pause: float) -> None:
        """A request whose headers are 100 bytes over HTTP_MAX_HEADER_BYTES."""
        padding = b"a" * (self.max_header_bytes + 100)
        request = b"GET /v1/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + padding + b"\r\n\r\n"
        while not self.stop.is_set():
            start = time.perf_counter()
            status = 0
            try:
                with socket.create_connection((self.host, self.port), timeout=10) as sock:
                    sock.sendall(request)
                    status = _status(sock.recv(256))
            except OSError:
                pass
            elapsed = time.perf_counter() - start
            self.samples.append(Sample(BIG, status, elapsed, elapsed))
            self.stop.wait(pause)


def _status(answer: bytes) -> int:
    """The status code of an HTTP/1.1 answer's first bytes; 0 for none (closed)."""
    parts = answer.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def by_kind(samples: list[Sample]) -> Iterator[tuple[str, list[Sample]]]:
    """The samples grouped by kind, kinds in the order they first appear."""
    kinds = dict.fromkeys(sample.kind for sample in samples)
    for kind in kinds:
        yield kind, [sample for sample in samples if sample.kind == kind]
