"""`python -m bench.serve module:app`: serve any ASGI app exactly as `insights serve` serves the
API (granian, every HTTP_* limit of the edge), on HOST, PORT and WORKERS, so that a benchmark's
ceiling and peers run on the same server and edge settings as the API they are compared with."""

import sys

from app.config import get_settings
from app.server import run_server

if __name__ == "__main__":
    settings = get_settings()
    run_server(
        settings,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        target=sys.argv[1],
    )
