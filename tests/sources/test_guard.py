"""Outbound connections go only to checked addresses: DNS rebinding, redirects, TLS, proxies.

The servers are real (loopback); what changes between the check and the connection is the
name's DNS answer (:mod:`tests.sources.rebinding`), as a hostile DNS server would change it.
"""

from __future__ import annotations

import datetime
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cutups.errors import SourceError
from cutups.jobs.models import JobStatus
from cutups.jobs.store import MemoryJobStore
from cutups.jobs.webhooks import WebhookSender
from cutups.settings import Settings
from cutups.sources import FetchContext, HttpSource, YtDlpSource
from cutups.sources.guard import Guard
from cutups.sources.ssrf import PrivateAddressError, check_url
from tests.sources.fileserver import FileServer, QuietServer, Route, serve_files
from tests.sources.rebinding import PUBLIC, RebindingResolver, rebinding_dns, recorded_network

PAYLOAD = b"\x00video" * 1000


@pytest.fixture
def files() -> Iterator[FileServer]:
    with serve_files() as server:
        yield server


def strict(**kw: object) -> Settings:
    values: dict[str, object] = {"allow_private_urls": False, "min_free_bytes": 0}
    return Settings(**{**values, "download_retries": 1, **kw})  # type: ignore[arg-type]


def test_a_download_never_reaches_the_address_a_rebinding_name_turns_to(
    files: FileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS answers public twice (the API's check, and one more), loopback after: a client that
    # checks and then resolves again to connect ends up at the file server on 127.0.0.1.
    files.add("/game.mp4", Route(PAYLOAD))
    url = f"http://cdn.rebind.test:{files.port}/game.mp4"
    dns = RebindingResolver(public_answers=2)
    with rebinding_dns(monkeypatch, resolver=dns), recorded_network() as network:
        check_url(url, allow_private=False, what="video URL")  # accepted: the name is public
        with pytest.raises(PrivateAddressError, match=r"cdn\.rebind\.test, which resolves to 127"):
            HttpSource(FetchContext(strict(download_retries=2))).fetch(url, tmp_path / "s.mp4")
    assert files.hits == []  # refused before connecting, not after the request went out
    assert network.inside() == []  # not even a TCP connection
    assert [a for a, _ in network.addresses] == [PUBLIC]  # the one public answer it was given


def test_the_connection_goes_to_the_checked_address_with_the_url_host(
    files: FileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Private addresses allowed: the name resolves once, to loopback, and that is where the
    # request goes, with the URL's host in the Host header.
    files.add("/game.mp4", Route(PAYLOAD))
    url = f"http://video.rebind.test:{files.port}/game.mp4"
    resolver = RebindingResolver(first="127.0.0.1", then="10.255.255.1")
    with rebinding_dns(monkeypatch, resolver=resolver):
        got = HttpSource(FetchContext(strict(allow_private_urls=True))).fetch(url, tmp_path / "s")
    assert got.path.read_bytes() == PAYLOAD
    assert files.hits[0].headers["Host"] == f"video.rebind.test:{files.port}"
    assert resolver.lookups["video.rebind.test"] == 1  # resolved once: nothing asks again


def test_every_redirect_hop_is_checked_when_connecting(
    files: FileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first hop stands for a public server (a mock mounted for that origin only); the host
    # it redirects to resolves inside, and the guarded transport refuses to connect there.
    target = f"http://inside.rebind.test:{files.port}/inside.mp4"
    files.add("/inside.mp4", Route(PAYLOAD))
    public = httpx.MockTransport(lambda request: httpx.Response(302, headers={"Location": target}))
    with rebinding_dns(monkeypatch, resolver=RebindingResolver(first="127.0.0.1")):
        client = Guard(what="video URL").client(
            mounts={"http://public.test": public}, follow_redirects=True
        )
        with client, pytest.raises(PrivateAddressError, match=r"inside\.rebind\.test"):
            client.get("http://public.test/start.mp4")
    assert files.hits == []


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_tls_keeps_the_host_name_while_connecting_to_the_pinned_address(
    tmp_path: Path,
) -> None:
    name = "media.pinned.test"
    cert, key = _certificate(tmp_path, name)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    sni: list[str | None] = []
    server_ctx.sni_callback = lambda sock, server_name, ctx: sni.append(server_name)  # type: ignore[assignment,misc]
    client_ctx = ssl.create_default_context(cafile=str(cert))
    guard = Guard(allow_private=True, resolver=lambda host, port: ["127.0.0.1"])
    with serve_files(tls=server_ctx) as files:
        files.add("/game.mp4", Route(PAYLOAD))
        with httpx.Client(transport=guard.transport(verify=client_ctx), trust_env=False) as c:
            response = c.get(f"https://{name}:{files.port}/game.mp4")
        assert response.content == PAYLOAD
        assert files.hits[0].headers["Host"] == f"{name}:{files.port}"
    assert sni == [name]  # the certificate was checked against the name, not 127.0.0.1


def test_a_public_looking_name_resolving_inside_is_refused_by_the_guard() -> None:
    for answers in (["10.0.0.1"], [PUBLIC, "169.254.169.254"], ["::ffff:127.0.0.1"]):
        guard = Guard(resolver=lambda host, port, a=answers: a)  # type: ignore[misc]
        with pytest.raises(PrivateAddressError), guard.client() as client:
            client.get("http://example.test/")


def test_proxy_variables_are_ignored(
    files: FileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy resolves the name itself, unchecked: the guarded clients never use one.
    with serve_files() as proxy:
        for variable in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(variable, proxy.base)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        files.add("/game.mp4", Route(PAYLOAD))
        ctx = FetchContext(strict(allow_private_urls=True))
        got = HttpSource(ctx).fetch(files.url("/game.mp4"), tmp_path / "s.mp4")
        assert got.path.read_bytes() == PAYLOAD
        assert proxy.hits == []


class _Receiver(BaseHTTPRequestHandler):
    calls: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        return None

    def do_POST(self) -> None:
        type(self).calls.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_webhook_is_never_delivered_to_the_address_a_rebinding_name_turns_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _Receiver.calls = []
    server = QuietServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    url = f"http://hooks.rebind.test:{server.server_address[1]}/hook"
    store = MemoryJobStore()
    dns = RebindingResolver(public_answers=2)  # public for the API's check and one more
    try:
        with rebinding_dns(monkeypatch, resolver=dns), recorded_network() as network:
            check_url(url, allow_private=False, what="webhook URL")  # what the API checked
            job, _ = store.create({"video_url": "https://x.test/v.mp4", "webhook_url": url})
            store.request_cancel(job.id)
            settings = strict(webhook_backoff_seconds=0.05)
            sender = WebhookSender(store, settings, lambda: "http://cutups.test")
            sender.start()
            deadline = time.time() + 10
            while store.get(job.id).webhook_state == "pending" and time.time() < deadline:  # type: ignore[union-attr]
                time.sleep(0.02)
            sender.stop()
    finally:
        server.shutdown()
        server.server_close()
    got = store.get(job.id)
    assert got is not None and got.webhook_state == "failed"
    assert _Receiver.calls == []
    assert "resolves to 127.0.0.1" in got.webhooks[-1]["error"]
    assert all("status_code" not in entry for entry in got.webhooks)
    assert network.inside() == []
    assert got.status is JobStatus.CANCELED


@pytest.mark.parametrize("public_answers", [1, 2, 3])
def test_ytdlp_requests_go_through_the_guard(
    files: FileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, public_answers: int
) -> None:
    # yt-dlp resolves and connects by itself unless its requests go through the guard: after
    # the checks saw public answers, it would fetch from the file server on 127.0.0.1. Through
    # the guard it connects to the public answer it checked (no route in the test network) or
    # is refused; it never reaches inside, whatever the order of the answers.
    files.add("/clip.mp4", Route(PAYLOAD))
    url = f"http://clips.rebind.test:{files.port}/clip.mp4"
    dns = RebindingResolver(public_answers=public_answers)
    with rebinding_dns(monkeypatch, resolver=dns), recorded_network() as network:
        check_url(url, allow_private=False, what="video URL")  # the API's check
        with pytest.raises(SourceError) as failure:
            YtDlpSource(FetchContext(strict(download_retries=1))).fetch(url, tmp_path / "s.mp4")
    assert files.hits == [] and network.inside() == []
    if public_answers == 1:
        assert isinstance(failure.value, PrivateAddressError)
        assert "clips.rebind.test, which resolves to 127.0.0.1" in failure.value.message


def test_ytdlp_follows_redirects_through_the_guard(
    files: FileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Private addresses allowed here (the only servers are on loopback): the redirect is
    # followed by the guarded handler, which resolves each connection's name itself.
    files.add("/final.mp4", Route(PAYLOAD))
    files.add("/start.mp4", Route(location=f"http://b.rebind.test:{files.port}/final.mp4"))
    dns = RebindingResolver(first="127.0.0.1", then="127.0.0.1")
    with rebinding_dns(monkeypatch, resolver=dns), recorded_network() as network:
        ctx = FetchContext(strict(allow_private_urls=True))
        got = YtDlpSource(ctx).fetch(f"http://a.rebind.test:{files.port}/start.mp4", tmp_path / "s")
    assert got.path.read_bytes() == PAYLOAD
    assert {a for a, _ in network.addresses} == {"127.0.0.1"}
    assert [h.headers["Host"].split(":")[0] for h in files.hits][-1] == "b.rebind.test"
    assert dns.lookups["a.rebind.test"] >= 1 and dns.lookups["b.rebind.test"] >= 1
