"""DNS that rebinds, and a network that records every connection and reaches nothing outside.

:class:`RebindingResolver` answers a public address to a name's first ``public_answers``
lookups and an inside address (loopback by default) after: the URL is checked with a public
answer and, if the client resolves the name again to connect, it reaches the inside address.
:func:`rebinding_dns` installs it as the process's resolver (``socket.getaddrinfo``) for the
names it covers, so the code under test meets it exactly as it would meet a hostile DNS server;
other names (``localhost``, IP literals) resolve as usual.

:func:`recorded_network` logs every ``socket.connect`` of the process (an audit hook) and
refuses connections to anything but loopback, so a test never reaches the internet: a client
that connects to the public answer fails at once, as a network without a route would.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

__all__ = ["PUBLIC", "Connections", "RebindingResolver", "rebinding_dns", "recorded_network"]

PUBLIC = "93.184.216.34"


class RebindingResolver:
    """``(host, port) -> [address]``: ``first`` for a name's first ``public_answers`` lookups,
    ``then`` after; with ``alternate``, ``first`` and ``then`` by turns on every lookup (so no
    two lookups in a row agree, whichever of them a check happens to see)."""

    def __init__(
        self,
        first: str = PUBLIC,
        then: str = "127.0.0.1",
        *,
        public_answers: int = 1,
        alternate: bool = False,
    ) -> None:
        self.first = first
        self.then = then
        self.public_answers = public_answers
        self.alternate = alternate
        self.lookups: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, host: str, port: int) -> list[str]:
        with self._lock:
            seen = self.lookups[host]
            self.lookups[host] += 1
        if self.alternate:
            return [self.first if seen % 2 == 0 else self.then]
        return [self.first if seen < self.public_answers else self.then]


def _is_name(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host != "localhost"
    return False


@contextmanager
def rebinding_dns(
    monkeypatch: pytest.MonkeyPatch,
    covers: Callable[[str], bool] = lambda host: host.endswith(".rebind.test"),
    resolver: RebindingResolver | None = None,
) -> Iterator[RebindingResolver]:
    """Answer ``socket.getaddrinfo`` for the names ``covers`` accepts with a rebinding resolver."""
    dns = resolver or RebindingResolver()
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if not (isinstance(name, str) and _is_name(name) and covers(name)):
            return real(host, port, *args, **kwargs)
        number = int(port or 0)
        address = dns(name, number)[0]
        if ":" in address:
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, number, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, number))]

    with monkeypatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield dns


@dataclass
class Connections:
    """Every address the process connected (or tried to connect) to while recording."""

    addresses: list[tuple[str, int]] = field(default_factory=list)

    def inside(self) -> list[tuple[str, int]]:
        """The connections to addresses that are not globally routable (loopback...)."""
        return [a for a in self.addresses if not ipaddress.ip_address(a[0]).is_global]


_RECORDING: list[Connections] = []
_HOOKED = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "socket.connect" or not _RECORDING:
        return
    address = args[1]
    if not (isinstance(address, tuple) and isinstance(address[0], str)):
        return  # a unix socket
    try:
        ip = ipaddress.ip_address(address[0].split("%")[0])
    except ValueError:
        return
    for log in _RECORDING:
        log.addresses.append((str(ip), int(address[1])))
    if not ip.is_loopback:
        raise ConnectionRefusedError(f"test network: no route to {ip}")


@contextmanager
def recorded_network() -> Iterator[Connections]:
    """Record every connection; refuse all but loopback (audit hooks cannot be removed, so one
    hook is installed for the process and only acts while a recording is open)."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED = True
    log = Connections()
    _RECORDING.append(log)
    try:
        yield log
    finally:
        _RECORDING.remove(log)
