"""gzip for clients that accept it, when the body is large enough to gain."""

from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Message, Receive, Scope, Send


class VaryingGZipMiddleware(GZipMiddleware):
    """Starlette's GZipMiddleware, adding `Vary: Accept-Encoding` to 304s as to the 200s."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def vary_304(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 304:
                MutableHeaders(scope=message).add_vary_header("Accept-Encoding")
            await send(message)

        await super().__call__(scope, receive, vary_304)
