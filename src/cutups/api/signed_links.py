"""Links to a job's files that work without the API key, for a limited time: the local
counterpart of a presigned S3 URL.

The seed's client fetched ``s3_url`` from a CDN with no header. With ``CUTUPS_API_KEYS`` set,
``/jobs/{id}/clips/...`` needs one, so the ``/ai-clipping`` answers give links signed with
HMAC-SHA256 over the job, the file and the expiry time, keyed by the server's API keys (changing
the keys revokes every link). They last ``CUTUPS_S3_PRESIGN_SECONDS``, as presigned URLs do.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote

__all__ = ["link_signature", "signed_query", "valid_signature"]

_DOMAIN = b"cutups-signed-link\0"


def _key(api_keys: tuple[str, ...]) -> bytes:
    return hashlib.sha256(_DOMAIN + "\0".join(sorted(api_keys)).encode()).digest()


def link_signature(api_keys: tuple[str, ...], job_id: str, name: str, expires: int) -> str:
    """The signature of a link to ``name`` of job ``job_id`` valid until ``expires``."""
    message = f"{job_id}\0{name}\0{expires}".encode()
    return hmac.new(_key(api_keys), message, hashlib.sha256).hexdigest()


def signed_query(
    api_keys: tuple[str, ...], job_id: str, name: str, lifetime: int, *, now: float | None = None
) -> str:
    """``?expires=...&signature=...`` for a link to ``name`` of ``job_id``."""
    expires = int(now if now is not None else time.time()) + lifetime
    signature = link_signature(api_keys, job_id, name, expires)
    return f"?expires={expires}&signature={quote(signature)}"


def valid_signature(
    api_keys: tuple[str, ...],
    job_id: str,
    name: str,
    expires: int,
    signature: str,
    *,
    now: float | None = None,
) -> bool:
    """True when ``signature`` signs this link and it has not expired."""
    if expires < (now if now is not None else time.time()):
        return False
    expected = link_signature(api_keys, job_id, name, expires)
    return hmac.compare_digest(expected, signature)
