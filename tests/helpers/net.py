"""Addresses for the tests: a client address no other test counts against.

A free local port comes from `bench.server.free_port`, which the benchmarks use too.
"""

import uuid


def unique_address() -> str:
    """A client address no other test (or earlier run sharing the Redis) counts against."""
    octets = uuid.uuid4().bytes[:3]
    return f"10.{octets[0]}.{octets[1]}.{octets[2]}"
