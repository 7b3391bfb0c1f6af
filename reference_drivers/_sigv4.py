"""AWS Signature Version 4: sign an HTTP request with an access key and its secret.

The steps are AWS's own ("Create a signed AWS API request"): a canonical request, the string to
sign over its hash, a signing key derived from the secret, the date, the region and the service,
and the ``Authorization`` header built from them. Headers signed: ``host``, ``x-amz-date``, and
``content-type`` and ``x-amz-*`` when the request has them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlsplit

__all__ = ["ALGORITHM", "SigningRequest", "amz_date", "sign", "signing_key"]

ALGORITHM = "AWS4-HMAC-SHA256"
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class SigningRequest:
    """What is signed of a request: method, full URL, headers and body bytes."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes = b""

    def canonical(self) -> tuple[str, str]:
        """The canonical request and its signed-header list (``host;x-amz-date``)."""
        parts = urlsplit(self.url)
        headers = {"host": _host(parts.scheme, parts.hostname or "", parts.port)}
        for name, value in self.headers.items():
            lower = name.lower()
            if lower == "content-type" or lower.startswith("x-amz-"):
                headers[lower] = " ".join(str(value).split())
        names = sorted(headers)
        signed = ";".join(names)
        lines = [
            self.method.upper(),
            quote(parts.path or "/", safe="/~"),
            _canonical_query(parts.query),
            *(f"{name}:{headers[name]}" for name in names),
            "",
            signed,
            hashlib.sha256(self.body).hexdigest(),
        ]
        return "\n".join(lines), signed


def amz_date(when: float) -> str:
    """``when`` (epoch seconds) in the ``X-Amz-Date`` form: ``20150830T123600Z``."""
    return datetime.fromtimestamp(when, UTC).strftime("%Y%m%dT%H%M%SZ")


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """The key of one day, region and service, derived from the secret key."""
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign(
    request: SigningRequest,
    *,
    access_key: str,
    secret_key: str,
    region: str,
    service: str,
    when: float,
    session_token: str | None = None,
) -> dict[str, str]:
    """The headers that sign ``request`` at ``when``: ``X-Amz-Date`` and ``Authorization``.

    With a session token, ``X-Amz-Security-Token`` too (and it is signed).
    """
    stamp = amz_date(when)
    added = {"X-Amz-Date": stamp}
    if session_token is not None:
        added["X-Amz-Security-Token"] = session_token
    dated = SigningRequest(
        request.method,
        request.url,
        {**_without(request.headers, added), **added},
        request.body,
    )
    canonical, signed = dated.canonical()
    scope = f"{stamp[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = signing_key(secret_key, stamp[:8], region, service)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    added["Authorization"] = (
        f"{ALGORITHM} Credential={access_key}/{scope}, SignedHeaders={signed},"
        f" Signature={signature}"
    )
    return added


def _host(scheme: str, hostname: str, port: int | None) -> str:
    if ":" in hostname:  # an IPv6 literal
        hostname = f"[{hostname}]"
    if port is None or _DEFAULT_PORTS.get(scheme) == port:
        return hostname
    return f"{hostname}:{port}"


def _canonical_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    encoded = sorted((_encode(name), _encode(value)) for name, value in pairs)
    return "&".join(f"{name}={value}" for name, value in encoded)


def _encode(text: str) -> str:
    """RFC 3986 encoding as SigV4 wants it: only ``A-Za-z0-9-_.~`` left as they are."""
    return quote(text, safe="-_.~")


def _without(headers: Mapping[str, str], replaced: Mapping[str, str]) -> dict[str, str]:
    lower = {name.lower() for name in replaced}
    return {name: value for name, value in headers.items() if name.lower() not in lower}
