"""SSRF: which destinations a job may make the server fetch."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from cutups.errors import SourceError
from cutups.sources.ssrf import PrivateAddressError, address_refusal, check_url

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("::1", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("240.0.0.1", "private"),
    ("255.255.255.255", "private"),
    ("100.64.0.1", "non-public"),
    ("198.18.0.1", "private"),
    ("192.0.2.10", "private"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.1.1.1", "private"),
    ("2002:7f00:1::", "loopback"),
    ("2001::1", "Teredo"),
    ("64:ff9b::7f00:1", "reserved"),
]
ALLOWED = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_refused_addresses(address: str, reason: str) -> None:
    refusal = address_refusal(address)
    assert refusal is not None and reason in refusal


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    assert address_refusal(address) is None


def table(answers: dict[str, Sequence[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in answers:
            raise OSError("Name or service not known")
        return answers[host]

    return resolve


def test_every_resolved_address_must_be_public() -> None:
    resolver = table(
        {
            "good.test": ["93.184.216.34"],
            "mixed.test": ["93.184.216.34", "10.0.0.7"],
            "meta.test": ["169.254.169.254"],
        }
    )
    check_url("https://good.test/v.mp4", allow_private=False, resolver=resolver)
    with pytest.raises(PrivateAddressError, match=r"10\.0\.0\.7"):
        check_url("https://mixed.test/v.mp4", allow_private=False, resolver=resolver)
    with pytest.raises(PrivateAddressError, match="link-local"):
        check_url("http://meta.test/", allow_private=False, resolver=resolver, what="webhook URL")
    # IP literals are checked without resolving
    with pytest.raises(PrivateAddressError, match=r"webhook URL points to 127\.0\.0\.1"):
        check_url("http://127.0.0.1:8000/hook", allow_private=False, what="webhook URL")
    with pytest.raises(PrivateAddressError):
        check_url("http://[::1]:8000/", allow_private=False)


def test_the_setting_allows_private_addresses() -> None:
    check_url("http://127.0.0.1:8000/v.mp4", allow_private=True)
    check_url("http://10.0.0.1/v.mp4", allow_private=True)


def test_scheme_and_host_are_checked_even_when_private_is_allowed() -> None:
    for url in ("ftp://example.com/a", "file:///etc/passwd", "gopher://x/", "http:///nohost"):
        with pytest.raises(SourceError):
            check_url(url, allow_private=True)


def test_unresolvable_hosts() -> None:
    resolver = table({})
    with pytest.raises(SourceError, match="does not resolve"):
        check_url("https://nowhere.test/", allow_private=False, resolver=resolver)
    # When accepting a request, an unresolvable host is left for the fetch to report.
    check_url(
        "https://nowhere.test/", allow_private=False, resolver=resolver, require_resolution=False
    )
