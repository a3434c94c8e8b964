"""Refuse URLs that point into the server's own network (server-side request forgery).

A job makes the server fetch a URL the user chose (the video, the webhook). Without a check,
``http://169.254.169.254/`` (cloud metadata), ``http://127.0.0.1:6379/`` or a LAN address would
be fetched from inside. This module is the policy: which URLs parse (:func:`parse_url`), which
addresses are public (:func:`address_refusal`), and the early check of a URL when a request is
accepted (:func:`check_url`). The check that counts is made again when connecting:
:mod:`cutups.sources.guard` resolves the name once, checks every address and connects to the
checked address itself, so a DNS answer that changes between the check and the connection
(rebinding) cannot reach a refused address.

Refused: everything that is not globally routable (loopback, private, link-local, site-local
``fec0::/10``, multicast, reserved, shared ``100.64/10``, documentation...) and every IPv6 form
that carries an IPv4 address (mapped ``::ffff:0:0/96``, compatible ``::/96``, NAT64
``64:ff9b::/96`` and ``64:ff9b:1::/48``, 6to4 ``2002::/16``, Teredo ``2001::/32``): a gateway
would forward those to an IPv4 address the check never saw.

``CUTUPS_ALLOW_PRIVATE_URLS=true`` turns the address check off (tests reaching 127.0.0.1, a LAN
setup); the URL must still parse.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from cutups.errors import SourceError

__all__ = [
    "PrivateAddressError",
    "Resolver",
    "Target",
    "address_refusal",
    "check_address",
    "check_url",
    "ip_literal",
    "parse_url",
    "resolve",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> addresses`` as text."""

_V6 = ipaddress.IPv6Network
_CARRIES_IPV4: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::ffff:0:0/96"), "an IPv4-mapped address"),
    (_V6("::/96"), "an IPv4-compatible address"),
    (_V6("64:ff9b::/96"), "a NAT64 address"),
    (_V6("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (_V6("2002::/16"), "a 6to4 address"),
    (_V6("2001::/32"), "a Teredo tunnel address"),
)
"""IPv6 ranges that reach an IPv4 address through a gateway: refused whatever they carry."""


class PrivateAddressError(SourceError):
    """A URL whose host is (or resolves to) a non-public address."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a URL points: its scheme, host (as in the URL, brackets removed) and port."""

    scheme: str
    host: str
    port: int


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address:
    """The IPv4 address an IPv6 address of a translated range carries (low 32 bits)."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)


def _translated_refusal(ip: ipaddress.IPv6Address) -> str | None:
    for network, name in _CARRIES_IPV4:
        if ip in network:
            inner = _embedded_ipv4(ip)
            reason = address_refusal(inner)
            return f"{name}, standing for {inner}" + (f" ({reason})" if reason else "")
    return None


def address_refusal(address: str | IPAddress) -> str | None:
    """Why a fetch to ``address`` is refused, or None when it is a public address."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "a site-local address"),
        (ip.is_multicast, "a multicast address"),
    )
    for refused, reason in checks:
        if refused:
            return reason
    if isinstance(ip, ipaddress.IPv6Address) and (translated := _translated_refusal(ip)):
        return translated
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "a non-public address"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))


def ip_literal(host: str) -> str | None:
    """``host`` as an IP address when it is one written out (no zone index), else None."""
    try:
        return str(ipaddress.ip_address(host.split("%")[0]))
    except ValueError:
        return None


def check_address(address: str, *, what: str = "URL") -> None:
    """Raise :class:`PrivateAddressError` unless ``address`` is public."""
    reason = address_refusal(address)
    if reason:
        raise PrivateAddressError(
            f"the {what} points to {address}, {reason}; the server does not fetch from its own "
            "network (set CUTUPS_ALLOW_PRIVATE_URLS=true to allow it)"
        )


def parse_url(url: str, *, what: str = "URL") -> Target:
    """Where ``url`` points, when it is an http(s) URL the HTTP client can fetch.

    Raises:
        SourceError: malformed (``http://[::1/x``, a bad port, an impossible host name), not
            http(s), or no host.
    """
    shown = repr(url[:80])
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise SourceError(f"the {what} is not a valid URL ({exc}): {shown}") from None
    if parts.scheme not in ("http", "https"):
        raise SourceError(f"the {what} must start with http:// or https://, not {shown}")
    if not host:
        raise SourceError(f"the {what} has no host: {shown}")
    try:
        if not httpx.URL(url).host:  # what every fetcher parses it with (decodes IDNA)
            raise SourceError(f"the {what} has no host: {shown}")
    except (httpx.InvalidURL, ValueError) as exc:  # idna's errors are ValueErrors too
        raise SourceError(f"the {what} is not a valid URL ({exc}): {shown}") from None
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80))


def check_url(
    url: str,
    *,
    allow_private: bool,
    what: str = "URL",
    resolver: Resolver | None = resolve,
    require_resolution: bool = True,
) -> None:
    """Refuse ``url`` unless it parses, is http(s) and every address of its host is public.

    Arguments:
        url: the URL.
        allow_private: skip the address check (the URL must still parse).
        what: how messages name the URL ("video URL", "webhook URL").
        resolver: name resolution (tests pass a table); None checks IP literals only and
            leaves names to the connection (:class:`cutups.sources.guard.Guard` resolves and
            checks them there, once).
        require_resolution: when False, a host that does not resolve passes (the fetch will
            fail later with its own message); used when accepting a request, not when fetching.

    Raises:
        SourceError: malformed, not http(s), no host, or the host does not resolve.
        PrivateAddressError: an address of the host is not public.
    """
    target = parse_url(url, what=what)
    if allow_private:
        return
    literal = ip_literal(target.host)
    if literal is not None:
        addresses = [literal]
    elif resolver is None:
        return
    else:
        try:
            addresses = list(resolver(target.host, target.port))
        except (OSError, UnicodeError) as exc:
            if not require_resolution:
                return
            raise SourceError(
                f"the {what}'s host {target.host!r} does not resolve ({exc})"
            ) from None
    if not addresses and require_resolution:
        raise SourceError(f"the {what}'s host {target.host!r} has no address")
    for address in addresses:
        check_address(address, what=what)
