"""The HTTP server `insights serve` runs: granian, with every limit of the edge set.

granian (Rust, on hyper) was chosen over uvicorn and hypercorn because it alone bounds the
header bytes, the header count and the whole time to send the headers (a client trickling one
header line a second is closed, not kept), with the idle keep-alive time under the same timer;
see docs/security.md for what each limit answers. HTTP/1.1 only: HTTP/2 over cleartext would
bypass the HTTP/1 limits and no client of a public read API needs it without TLS.
"""

from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels

from app.config import Settings

APP = "app.main:app"


def run_server(
    settings: Settings, *, host: str, port: int, workers: int, target: str = APP
) -> None:
    """Serve the app (or another ASGI app, `module:attribute`, for a benchmark's peers) until
    interrupted (SIGINT, SIGTERM)."""
    http1 = HTTP1Settings(
        # hyper applies one timer to reading a request's headers and to waiting, idle, for the
        # next request on a kept-alive connection.
        header_read_timeout=round(settings.http_header_timeout_s * 1000),
        keep_alive=True,
        max_buffer_size=settings.http_max_header_bytes,
    )
    server = Granian(
        target,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        http=HTTPModes.http1,
        websockets=False,
        backpressure=settings.http_max_connections,
        http1_settings=http1,
        log_level=LogLevels.warning,
    )
    server.serve()
