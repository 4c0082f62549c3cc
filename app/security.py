"""Security headers on every response class (JSON, HTML, feeds, errors)."""

from fastapi import FastAPI


def install_security_headers(app: FastAPI) -> None:
    """Add the security headers fit for each kind of page; embeds may be framed, nothing else."""
