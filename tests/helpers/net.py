"""Addresses for the tests: a free local port, a client address no other test counts against."""

import socket
import uuid


def free_port() -> int:
    """A loopback TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unique_address() -> str:
    """A client address no other test (or earlier run sharing the Redis) counts against."""
    octets = uuid.uuid4().bytes[:3]
    return f"10.{octets[0]}.{octets[1]}.{octets[2]}"
