"""Refuse URLs that point into the server's own network (server-side request forgery).

A job makes the server fetch a URL the user chose (the video, the webhook). Without a check,
``http://169.254.169.254/`` (cloud metadata), ``http://127.0.0.1:6379/`` or a LAN address would
be fetched from inside. So every destination is resolved and *every* address it resolves to must
be public; redirects are checked hop by hop, and the address actually connected to is checked
again (a DNS answer can change between the check and the connect).

``CUTUPS_ALLOW_PRIVATE_URLS=true`` turns the check off (tests reaching 127.0.0.1, a LAN setup).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from cutups.errors import SourceError

__all__ = [
    "PrivateAddressError",
    "Resolver",
    "address_refusal",
    "check_address",
    "check_url",
    "resolve",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> addresses`` as text."""


class PrivateAddressError(SourceError):
    """A URL whose host is (or resolves to) a non-public address."""


def address_refusal(address: str | IPAddress) -> str | None:
    """Why a fetch to ``address`` is refused, or None when it is a public address."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:  # ::ffff:127.0.0.1 is 127.0.0.1
            reason = address_refusal(mapped)
            return f"{reason} (via {ip})" if reason else None
        if ip.teredo is not None:
            return "a Teredo tunnel address"
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "a non-public address"),
    )
    for refused, reason in checks:
        if refused:
            return reason
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]).split("%")[0] for info in infos})


def check_address(address: str, *, what: str = "URL") -> None:
    """Raise :class:`PrivateAddressError` unless ``address`` is public."""
    reason = address_refusal(address)
    if reason:
        raise PrivateAddressError(
            f"the {what} points to {address}, {reason}; the server does not fetch from its own "
            "network (set CUTUPS_ALLOW_PRIVATE_URLS=true to allow it)"
        )


def check_url(
    url: str,
    *,
    allow_private: bool,
    what: str = "URL",
    resolver: Resolver = resolve,
    require_resolution: bool = True,
) -> None:
    """Refuse ``url`` unless it is http(s) and every address of its host is public.

    Arguments:
        url: the URL.
        allow_private: skip the address check (the scheme and host are still checked).
        what: how messages name the URL ("video URL", "webhook URL").
        resolver: name resolution (tests pass a table).
        require_resolution: when False, a host that does not resolve passes (the fetch will
            fail later with its own message); used when accepting a request, not when fetching.

    Raises:
        SourceError: not http(s), no host, or the host does not resolve.
        PrivateAddressError: an address of the host is not public.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise SourceError(f"the {what} must start with http:// or https://, not {url[:80]!r}")
    host = parts.hostname
    if not host:
        raise SourceError(f"the {what} has no host: {url[:80]!r}")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise SourceError(f"the {what} has a bad port: {url[:80]!r}") from None
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = list(resolver(host, port))
        except (OSError, UnicodeError) as exc:
            if not require_resolution:
                return
            raise SourceError(f"the {what}'s host {host!r} does not resolve ({exc})") from None
    if not addresses and require_resolution:
        raise SourceError(f"the {what}'s host {host!r} has no address")
    for address in addresses:
        check_address(address, what=what)


def peer_address(extensions: dict[str, Any]) -> str | None:
    """The IP an httpx response came from, when the transport says (else None)."""
    stream = extensions.get("network_stream")
    if stream is None:
        return None
    try:
        peer = stream.get_extra_info("server_addr")
    except (AttributeError, OSError):
        return None
    if isinstance(peer, tuple) and peer:
        return str(peer[0]).split("%")[0]
    return None
