"""Per-client rate limiting: a sliding one-minute window per client, counted by the `limits`
package in Redis or in memory.

The sliding window counter weighs the previous minute's count by how much of it still overlaps
the last 60 s, so a client that spends its budget just before a minute turns cannot spend it
again just after (a fixed window allows twice the budget across the boundary). With Redis, all
API processes share one budget; without it each process counts alone. When Redis fails,
requests go through unlimited (fail open) rather than fail: a rate limiter must never take the
API down with it.
"""

import asyncio
import logging
import math
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import BadRequest, RateLimited
from app.http.asgi import send_problem
from app.http.client_ip import NotAnAddress, TrustedProxies, budget_keys, client_address

logger = logging.getLogger("insights.ratelimit")

KEY_PREFIX = "insights:ratelimit"
UNLIMITED_PATHS = frozenset({"/healthz", "/readyz"})
# Whole-collection downloads: each costs `export_cost` requests of the budget.
EXPORT_PATHS = frozenset(
    {
        "/v1/quotes.csv",
        "/v1/quotes.ndjson",
        "/v1/quotes.xlsx",
        "/v1/exports/refi-qda.qdpx",
        "/v1/exports/refi-qda.qdc",
        "/v1/exports/case-code-matrix.csv",
        "/v1/stats/crosstab.csv",
        "/v1/stats/crosstab.xlsx",
        "/v1/stats/cooccurrence.csv",
    }
)
REDIS_TIMEOUT_S = 0.25
# After a Redis failure, requests go unlimited this long before Redis is tried again, so an
# outage costs one timeout (and one log line) per interval, not one per request.
REDIS_RETRY_AFTER_S = 5.0


@dataclass(frozen=True)
class Verdict:
    """Whether a request may go on, what is left of the client's budget, and when more frees."""

    allowed: bool
    remaining: int
    reset_s: int


class Counter:
    """A sliding-window counter over one storage: `limits` does the counting.

    A Redis connection belongs to the event loop that opened it, so each loop (each
    TestClient, in tests) gets its own pool; `redis_url` None counts in this process's memory.
    """

    def __init__(self, redis_url: str | None, *, prefix: str = KEY_PREFIX) -> None:
        self.redis_url = redis_url
        self.prefix = prefix
        self._memory = SlidingWindowCounterRateLimiter(MemoryStorage())
        self._by_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[Redis, SlidingWindowCounterRateLimiter]
        ] = weakref.WeakKeyDictionary()
        self._retry_at = 0.0

    def _limiter(self) -> SlidingWindowCounterRateLimiter:
        if self.redis_url is None:
            return self._memory
        loop = asyncio.get_running_loop()
        if loop not in self._by_loop:
            client = Redis.from_url(
                self.redis_url,
                socket_connect_timeout=REDIS_TIMEOUT_S,
                socket_timeout=REDIS_TIMEOUT_S,
                retry=Retry(NoBackoff(), 0),
            )
            storage = RedisStorage(
                "async+" + self.redis_url,
                implementation="redispy",
                key_prefix=self.prefix,
                connection_pool=client.connection_pool,  # type: ignore[arg-type]
            )
            self._by_loop[loop] = (client, SlidingWindowCounterRateLimiter(storage))
        return self._by_loop[loop][1]

    async def hit(self, item: RateLimitItem, key: str, *, cost: int) -> Verdict | None:
        """Charge `cost` to `key`'s budget; None when the store cannot count (fail open)."""
        now = time.monotonic()
        if now < self._retry_at:
            return None
        try:
            limiter = self._limiter()
            allowed = await limiter.hit(item, key, cost=cost)
            stats = await limiter.get_window_stats(item, key)
        except Exception as exc:  # any failure of the store: serve the request, unlimited
            self._retry_at = now + REDIS_RETRY_AFTER_S
            logger.warning(
                "rate limiting is off for %.0f s: Redis failed (%s: %s)",
                REDIS_RETRY_AFTER_S,
                exc.__class__.__name__,
                exc,
            )
            return None
        # Rounded first: a float just over a whole second must not become one more second.
        reset_s = max(1, math.ceil(round(stats.reset_time - time.time(), 3)))
        return Verdict(allowed, stats.remaining, min(reset_s, item.get_expiry()))

    async def aclose(self) -> None:
        """Release this loop's Redis connections."""
        entry = self._by_loop.pop(asyncio.get_running_loop(), None)
        if entry is not None:
            await entry[0].aclose()


@dataclass(frozen=True)
class Budget:
    """What a client may spend a minute, and what a request costs."""

    per_minute: int
    ipv6_site_per_minute: int
    export_cost: int


class RateLimitMiddleware:
    """Limit each client to its budget a minute on every path but the health probes.

    An IPv4 client is one address; an IPv6 client is its /64, and every /64 of one /48 also
    draws on the /48's larger budget. Exports cost `export_cost` each. Counted responses carry
    RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds, IETF draft); a refusal
    is a 429 problem with Retry-After. OPTIONS is never counted. A forwarded address that is
    not an IP is a 400 problem: it would otherwise be a budget of its own.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        budget: Budget,
        counter: Counter,
        trusted_proxies: Iterable[str] = (),
        unlimited_paths: frozenset[str] = UNLIMITED_PATHS,
    ) -> None:
        self.app = app
        self.budget = budget
        self.client = RateLimitItemPerMinute(budget.per_minute)
        self.site = RateLimitItemPerMinute(budget.ipv6_site_per_minute)
        self.counter = counter
        self.trusted = TrustedProxies(trusted_proxies)
        self.unlimited_paths = unlimited_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing_counter(send))
            return
        path = self._counted_path(scope)
        if path is None:
            await self.app(scope, receive, send)
            return
        try:
            address = client_address(scope, self.trusted)
        except NotAnAddress:
            bad = BadRequest("The forwarded client address is not an IP address.")
            await send_problem(scope, receive, send, bad)
            return
        verdict = await self._charge(
            address, self.budget.export_cost if path in EXPORT_PATHS else 1
        )
        if verdict is None:
            await self.app(scope, receive, send)
            return
        headers = {
            "RateLimit-Limit": str(self.budget.per_minute),
            "RateLimit-Remaining": str(verdict.remaining),
            "RateLimit-Reset": str(verdict.reset_s),
        }
        if verdict.allowed:
            await self.app(scope, receive, _adding(headers, send))
            return
        refusal = RateLimited(
            f"This client may make {self.budget.per_minute} requests a minute; "
            f"retry in {verdict.reset_s} s.",
            headers={**headers, "Retry-After": str(verdict.reset_s)},
        )
        await send_problem(scope, receive, send, refusal)

    async def _charge(self, address: str, cost: int) -> Verdict | None:
        """Charge the client's budget, then its IPv6 site's; the first that refuses decides."""
        own, site = budget_keys(address)
        verdict = await self.counter.hit(self.client, own, cost=cost)
        if verdict is None or not verdict.allowed or site is None:
            return verdict
        site_verdict = await self.counter.hit(self.site, site, cost=cost)
        if site_verdict is None or site_verdict.allowed:
            return verdict
        return Verdict(False, 0, site_verdict.reset_s)

    def _counted_path(self, scope: Scope) -> str | None:
        """The path within the app of a request that counts; None for one that does not."""
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            return None
        path: str = scope["path"]
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]
        return None if path in self.unlimited_paths else path

    def _closing_counter(self, send: Send) -> Send:
        async def send_closing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await self.counter.aclose()
            await send(message)

        return send_closing


def _adding(headers: dict[str, str], send: Send) -> Send:
    """`send`, with `headers` added to the response."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            response_headers = MutableHeaders(scope=message)
            for name, value in headers.items():
                response_headers[name] = value
        await send(message)

    return send_with_headers
