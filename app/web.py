"""Middleware of the web face: trusted hosts, rate limiting, compression.

Each `install_*` function adds one layer; `app.main` calls them in a fixed order.
"""

from fastapi import FastAPI


def install_trusted_hosts(app: FastAPI) -> None:
    """Answer only the configured Host names."""


def install_rate_limit(app: FastAPI) -> None:
    """Per-client request limits on the public endpoints."""


def install_compression(app: FastAPI) -> None:
    """gzip for clients that accept it, when the body is large enough to gain."""
