"""Who a request comes from: the peer, or behind a trusted proxy the forwarded address, always
as one canonical IP, and the budgets that address counts against.

A budget keyed on the text of an address lets one client spell itself many ways (`1.2.3.4:80`,
`001.002.003.004`, `::ffff:1.2.3.4`), each with a budget of its own; so every address is parsed
to an IP first, and a forwarded value that is no IP is refused rather than counted.
"""

import ipaddress
import re
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import Scope

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
# `1.2.3.4:80`, `[::1]:80`, `[::1]`; a bare IPv6 (`::1`) has colons but no brackets.
_IPV4_PORT = re.compile(r"(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}")
_BRACKETED = re.compile(r"\[([^\]]+)\](?::\d{1,5})?")
_PADDED_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
IPV6_SUBSCRIBER_PREFIX = 64
IPV6_SITE_PREFIX = 48


def parse_ip(value: str) -> IP | None:
    """The IP a peer or forwarded value names, ports, brackets and zones stripped; None if none.

    Zero-padded IPv4 octets are read as decimal, as browsers and proxies write them; an IPv4
    mapped into IPv6 is the IPv4 it maps.
    """
    text = value.strip()
    if (match := _IPV4_PORT.fullmatch(text)) or (match := _BRACKETED.fullmatch(text)):
        text = match[1]
    text = text.split("%", 1)[0]  # an IPv6 zone names the proxy's interface, not the client
    if _PADDED_IPV4.fullmatch(text):
        octets = [int(octet) for octet in text.split(".")]
        if any(octet > 255 for octet in octets):
            return None
        text = ".".join(map(str, octets))
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


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
        ip = parse_ip(address)
        return ip is not None and any(ip in network for network in self.networks)


class NotAnAddress(ValueError):
    """A trusted proxy forwarded a client address that is not an IP."""


def client_address(scope: Scope, trusted: TrustedProxies) -> str:
    """The client as a canonical IP: the peer, or behind a trusted proxy the right-most
    untrusted X-Forwarded-For hop. A peer that is no IP (a Unix socket, a test client) is
    named as the server gave it; a forwarded hop that is no IP raises NotAnAddress.

    Only addresses a trusted proxy appended can be believed: anything further left may be the
    client's own invention, and an untrusted peer's X-Forwarded-For is ignored entirely.
    """
    peer = scope.get("client")
    address = str(peer[0]) if peer else "unknown"
    if address not in trusted:
        return _canonical(address) or address
    forwarded = [
        hop.strip()
        for value in Headers(scope=scope).getlist("x-forwarded-for")
        for hop in value.split(",")
        if hop.strip()
    ]
    untrusted = [hop for hop in forwarded if hop not in trusted]
    hop = untrusted[-1] if untrusted else (forwarded[0] if forwarded else None)
    if hop is None:
        return _canonical(address) or address
    canonical = _canonical(hop)
    if canonical is None:
        raise NotAnAddress(hop)
    return canonical


def _canonical(address: str) -> str | None:
    ip = parse_ip(address)
    return None if ip is None else str(ip)


def budget_keys(address: str) -> tuple[str, str | None]:
    """The client's own budget, and for IPv6 the site budget (its /48) that caps it.

    One IPv6 subscriber usually holds a whole /64, and a site a /48 of 65,536 of them: a
    per-address budget would let a client rotate addresses, a per-/64 one rotate subnets.
    """
    ip = parse_ip(address)
    if ip is None:
        return address[:100], None
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip), None
    subscriber = ipaddress.IPv6Network((ip, IPV6_SUBSCRIBER_PREFIX), strict=False)
    site = ipaddress.IPv6Network((ip, IPV6_SITE_PREFIX), strict=False)
    return str(subscriber), str(site)
