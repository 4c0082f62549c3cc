"""Per-client rate limiting: a fixed one-minute window per client, counted in Redis or in memory.

A client's window opens with its first request and lasts a minute; every request in it counts,
and once the count passes the limit the client gets a 429 until the window closes. Redis counts
with one atomic script (INCR, then PEXPIRE on a new key), so all API processes share one budget
and the window's end comes from Redis's clock, not from each process's. Without Redis each
process counts alone, in a dict. When Redis fails, requests go through unlimited (fail open)
rather than fail: a rate limiter must never take the API down with it.
"""

import asyncio
import ipaddress
import logging
import math
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import RateLimited
from app.http.asgi import send_problem

logger = logging.getLogger("insights.ratelimit")

KEY_PREFIX = "insights:ratelimit:"
WINDOW_S = 60
UNLIMITED_PATHS = frozenset({"/healthz", "/readyz"})
REDIS_TIMEOUT_S = 0.25
# After a Redis failure, requests go unlimited this long before Redis is tried again, so an
# outage costs one timeout (and one log line) per interval, not one per request.
REDIS_RETRY_AFTER_S = 5.0

# Count the hit; a key without an expiry (new, or left by an interrupted writer) gets the window.
HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


@dataclass(frozen=True)
class Hit:
    """A counted request: the client's requests so far in its window, and when the window ends."""

    count: int
    reset_s: int


def _reset_s(seconds: float) -> int:
    # Rounded first: `(now + 60) - now` can come out as 60.00000000000001, which is not 61 s.
    return max(1, math.ceil(round(seconds, 3)))


class HitStore(Protocol):
    """Where the counts live."""

    async def hit(self, key: str) -> Hit | None:
        """Count one request of `key`; None when the store cannot count (fail open)."""

    async def aclose(self) -> None:
        """Release connections."""


class MemoryStore:
    """Counts in this process only. A lock makes each hit atomic across threads and loops."""

    def __init__(
        self, *, window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window_s = window_s
        self.clock = clock
        self._windows: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    async def hit(self, key: str) -> Hit:
        now = self.clock()
        with self._lock:
            if now >= self._next_sweep:
                self._windows = {k: w for k, w in self._windows.items() if w[1] > now}
                self._next_sweep = now + self.window_s
            count, ends = self._windows.get(key, (0, 0.0))
            if ends <= now:
                count, ends = 0, now + self.window_s
            self._windows[key] = (count + 1, ends)
        return Hit(count + 1, _reset_s(ends - now))

    async def aclose(self) -> None:
        """Nothing to release."""


class RedisStore:
    """Counts in Redis, shared by every process that uses the same Redis and key prefix."""

    def __init__(self, url: str, *, prefix: str = KEY_PREFIX, window_s: int = WINDOW_S) -> None:
        self.url = url
        self.prefix = prefix
        self.window_ms = window_s * 1000
        # A redis.asyncio connection belongs to the event loop that opened it.
        self._clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[Redis, AsyncScript]
        ] = weakref.WeakKeyDictionary()
        self._retry_at = 0.0

    def _script(self) -> AsyncScript:
        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            client = Redis.from_url(
                self.url,
                socket_connect_timeout=REDIS_TIMEOUT_S,
                socket_timeout=REDIS_TIMEOUT_S,
                retry=Retry(NoBackoff(), 0),
            )
            self._clients[loop] = (client, client.register_script(HIT_SCRIPT))
        return self._clients[loop][1]

    async def hit(self, key: str) -> Hit | None:
        now = time.monotonic()
        if now < self._retry_at:
            return None
        try:
            script = self._script()
            count, ttl_ms = await script(keys=[self.prefix + key], args=[self.window_ms])
        except Exception as exc:  # any failure of the store: serve the request, unlimited
            self._retry_at = now + REDIS_RETRY_AFTER_S
            logger.warning(
                "rate limiting is off for %.0f s: Redis failed (%s: %s)",
                REDIS_RETRY_AFTER_S,
                exc.__class__.__name__,
                exc,
            )
            return None
        return Hit(int(count), _reset_s(int(ttl_ms) / 1000))

    async def aclose(self) -> None:
        entry = self._clients.pop(asyncio.get_running_loop(), None)
        if entry is not None:
            await entry[0].aclose()


class TrustedProxies:
    """Proxy addresses and networks (`10.0.0.0/8`); entries that are not IPs match literally."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        self.names: set[str] = set()
        for entry in entries:
            try:
                self.networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                self.names.add(entry.strip())

    def __contains__(self, address: str) -> bool:
        if address in self.names:
            return True
        ip = _ip(address)
        return ip is not None and any(ip in network for network in self.networks)


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(address.strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def client_address(scope: Scope, trusted: TrustedProxies) -> str:
    """The peer; behind a trusted proxy, the right-most untrusted X-Forwarded-For address.

    Only addresses a trusted proxy appended can be believed: anything further left may be the
    client's own invention, and an untrusted peer's X-Forwarded-For is ignored entirely.
    """
    peer = scope.get("client")
    address = str(peer[0]) if peer else "unknown"
    if address not in trusted:
        return address
    forwarded = [
        hop.strip()
        for value in Headers(scope=scope).getlist("x-forwarded-for")
        for hop in value.split(",")
        if hop.strip()
    ]
    for hop in reversed(forwarded):
        if hop not in trusted:
            return hop
    return forwarded[0] if forwarded else address


def client_key(address: str) -> str:
    """The budget an address counts against: the IP itself, or its /64 for IPv6.

    One IPv6 subscriber usually holds a whole /64; per-address budgets would let it rotate.
    """
    ip = _ip(address)
    if ip is None:
        return address[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class RateLimitMiddleware:
    """Limit each client to `limit` requests a window on every path but the health probes.

    Counted responses carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds,
    IETF draft); a refusal is a 429 problem with Retry-After. OPTIONS is never counted.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        store: HitStore,
        trusted_proxies: Iterable[str] = (),
        unlimited_paths: frozenset[str] = UNLIMITED_PATHS,
    ) -> None:
        self.app = app
        self.limit = limit
        self.store = store
        self.trusted = TrustedProxies(trusted_proxies)
        self.unlimited_paths = unlimited_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing_store(send))
            return
        if not self._counted(scope):
            await self.app(scope, receive, send)
            return
        hit = await self.store.hit(client_key(client_address(scope, self.trusted)))
        if hit is None:
            await self.app(scope, receive, send)
            return
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(max(0, self.limit - hit.count)),
            "RateLimit-Reset": str(hit.reset_s),
        }
        if hit.count > self.limit:
            refusal = RateLimited(
                f"This client may make {self.limit} requests a minute; retry in {hit.reset_s} s.",
                headers={**headers, "Retry-After": str(hit.reset_s)},
            )
            await send_problem(scope, receive, send, refusal)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in headers.items():
                    response_headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _counted(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            return False
        path: str = scope["path"]
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]
        return path not in self.unlimited_paths

    def _closing_store(self, send: Send) -> Send:
        async def send_closing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await self.store.aclose()
            await send(message)

        return send_closing
