"""SSRF: which destinations a job may make the server fetch."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from cutups.errors import SourceError
from cutups.sources.ssrf import PrivateAddressError, address_refusal, check_url, parse_url

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
    ("fec0::1", "site-local"),
    ("feff:ffff::1", "site-local"),
    ("2001:db8::1", "private"),
    ("::ffff:127.0.0.1", "IPv4-mapped address, standing for 127.0.0.1"),
    ("::ffff:10.1.1.1", "IPv4-mapped"),
    ("::ffff:8.8.8.8", "IPv4-mapped"),  # even a public one: the check refuses the whole range
    ("::7f00:1", "IPv4-compatible address, standing for 127.0.0.1"),
    ("64:ff9b::7f00:1", "NAT64 address, standing for 127.0.0.1"),
    ("64:ff9b::808:808", "NAT64"),
    ("64:ff9b:1::a00:1", "local-use NAT64"),
    ("2002:7f00:1::", "6to4 address, standing for 127.0.0.1"),
    ("2002:808:808::1", "6to4"),
    ("2001::1", "Teredo"),
]
ALLOWED = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001::200e"]


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


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1/x",
        "http://[fe80::1%25eth0",
        "https://[v1.x]/",
        "http://[::1]]/",
        "http://\u2100.com/",
        "http://xn--/",
        "http://example.com:99999/",
        "http://example.com:port/",
    ],
)
@pytest.mark.parametrize("allow_private", [False, True])
def test_malformed_urls_are_a_source_error(url: str, allow_private: bool) -> None:
    # urlsplit and httpx raise ValueError/InvalidURL/IDNAError on these: each must become the
    # one readable error (a 422 at the API), never escape as a crash.
    with pytest.raises(SourceError, match="not a valid URL"):
        check_url(url, allow_private=allow_private, what="video URL", require_resolution=False)
    with pytest.raises(SourceError, match="not a valid URL"):
        parse_url(url)


def test_a_scoped_link_local_literal_is_refused() -> None:
    with pytest.raises(PrivateAddressError, match="link-local"):
        check_url("http://[fe80::1%25eth0]/", allow_private=False, require_resolution=False)


def test_names_can_be_left_to_the_connection() -> None:
    def never(host: str, port: int) -> Sequence[str]:
        raise AssertionError("resolved")

    check_url("https://example.test/v.mp4", allow_private=False, resolver=None)
    with pytest.raises(PrivateAddressError):  # literals are still checked
        check_url("http://10.0.0.1/", allow_private=False, resolver=None)
    assert parse_url("https://example.test/v.mp4").port == 443
