"""Outbound HTTP that connects only to addresses that passed the SSRF check.

Checking a URL and then letting the HTTP client resolve its host again leaves a gap: a DNS
server can answer a public address to the check and ``127.0.0.1`` to the connection
(rebinding). Here the check happens *inside* the connection: httpx's connection pool is given a
network backend whose ``connect_tcp(host, port)`` resolves ``host`` once, refuses the
connection unless every address is public (:func:`cutups.sources.ssrf.address_refusal`), and
opens the socket to the checked address itself. TLS still gets the host name (httpcore passes
it as SNI and checks the certificate against it) and the ``Host`` header is the URL's: only the
address lookup is taken away from the client.

Every new connection passes through the backend, so each redirect hop to another host is
checked too, and a kept-alive connection is only ever reused for the origin it was opened to.
Clients from :meth:`Guard.client` never read proxy settings from the environment
(``trust_env=False``): a proxy would resolve the name itself, unchecked.

Usage::

    guard = Guard(allow_private=settings.allow_private_urls, what="webhook URL")
    with guard.client(timeout=10) as client:
        client.post(url, content=body)       # PrivateAddressError before any byte is sent
"""

from __future__ import annotations

import ssl
import typing
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from cutups.sources.ssrf import PrivateAddressError, Resolver, address_refusal, ip_literal, resolve

__all__ = ["Guard", "GuardedTransport"]


@dataclass(frozen=True, slots=True)
class Guard:
    """The connection policy: who resolves names and whether private addresses are allowed.

    Arguments:
        allow_private: connect to any address (``CUTUPS_ALLOW_PRIVATE_URLS``); names are still
            resolved once, here.
        resolver: ``(host, port) -> addresses``; tests pass one that changes its answers.
        what: how refusals name the URL ("video URL", "webhook URL").
    """

    allow_private: bool = False
    resolver: Resolver = resolve
    what: str = "URL"

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for ``host``, all checked.

        Raises:
            PrivateAddressError: one of them is not public (the name is refused as a whole:
                a name that also points inside is not trusted for its other addresses).
            OSError: the name does not resolve.
        """
        literal = ip_literal(host)
        addresses = [literal] if literal is not None else list(self.resolver(host, port))
        if not addresses:
            raise OSError(f"{host} has no address")
        if not self.allow_private:
            for address in addresses:
                if reason := address_refusal(address):
                    where = address if literal else f"{host}, which resolves to {address}"
                    raise PrivateAddressError(
                        f"the {self.what} points to {where}, {reason}; the server does not "
                        "connect to its own network (set CUTUPS_ALLOW_PRIVATE_URLS=true to "
                        "allow it)"
                    )
        return addresses

    def transport(self, **kwargs: Any) -> GuardedTransport:
        """An httpx transport connecting through this guard (``verify``, ``limits``...)."""
        return GuardedTransport(self, **kwargs)

    def client(
        self, *, transport: httpx.BaseTransport | None = None, **kwargs: Any
    ) -> httpx.Client:
        """An ``httpx.Client`` that connects only through this guard and ignores proxy
        variables; ``transport`` replaces the guarded one (tests with ``MockTransport``)."""
        return httpx.Client(transport=transport or self.transport(), trust_env=False, **kwargs)


class _Backend(httpcore.NetworkBackend):
    """httpcore's synchronous backend, given checked addresses instead of host names."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._guard.addresses(host, port)
        except (OSError, UnicodeError) as exc:  # PrivateAddressError is neither: it goes through
            raise httpcore.ConnectError(f"{host} does not resolve ({exc})") from exc
        failure: Exception | None = None
        for address in addresses:  # in the resolver's order, like socket.create_connection
            try:
                return self._sockets.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise PrivateAddressError("the server does not connect to unix sockets")


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connection pool connects through a :class:`Guard`.

    httpx 0.28 builds its pool without a way to pass httpcore's ``network_backend``, so the
    pool is rebuilt here with the same TLS context (no proxy: ``trust_env`` is off).
    """

    def __init__(
        self,
        guard: Guard,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=20, max_keepalive_connections=10)
        super().__init__(verify=verify, trust_env=False, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(guard),
        )
