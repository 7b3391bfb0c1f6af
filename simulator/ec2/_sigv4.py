"""AWS Signature Version 4, verified: which access key signed a request, and with the right secret.

Only the `Authorization` header form is accepted (what SDKs send); a presigned query string
counts as a missing signature. The access key id is an account name and the secret the
account's secret. The request time (`X-Amz-Date`) must be within 15 minutes of one of the
clocks the caller names: the app names the wall clock (what SDKs such as boto3 sign with) and
the simulator's clock (what a client living on the simulator's virtual time signs with).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote

from simulator._errors import AuthFailure
from simulator.ec2._errors import RequestError

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
NOT_VALIDATED = "AWS was not able to validate the provided access credentials"

_STAMP = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z")


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What a signature covers; `header(name)` looks a header up by its lower-case name."""

    method: str
    path: str
    query: str
    header: Callable[[str], str | None]
    body: bytes


class Verifier:
    """Checks SigV4 signatures for one region and service against account secrets."""

    def __init__(
        self, secret_of: Callable[[str], str | None], region: str, service: str = "ec2"
    ) -> None:
        self._secret_of = secret_of
        self._region = region
        self._service = service
        self._keys: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def verify(self, request: SignedRequest, nows: tuple[float, ...]) -> str:
        """The access key id that signed `request`, if signed within 15 minutes of one of `nows`.

        Raises `RequestError` (MissingAuthenticationToken, IncompleteSignature, RequestExpired)
        or `AuthFailure` (unknown key, wrong scope, wrong signature).
        """
        authorization = request.header("authorization")
        if authorization is None:
            raise RequestError(
                "MissingAuthenticationToken",
                "The request must contain either a valid (registered) AWS access key ID or "
                "X.509 certificate.",
            )
        fields = _fields(authorization)
        scope = fields["Credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request" or not all(scope):
            raise _incomplete(
                f"Credential must be KEY/DATE/REGION/SERVICE/aws4_request, got "
                f"'{fields['Credential']}'"
            )
        key_id, day, region, service, _ = scope
        stamp = request.header("x-amz-date")
        if stamp is None:
            raise _incomplete("Authorization header requires the 'X-Amz-Date' header")
        signed_at = _parse_stamp(stamp)
        if all(abs(now - signed_at) > MAX_SKEW_SECONDS for now in nows):
            raise RequestError("RequestExpired", "Request has expired.")
        if day != stamp[:8]:
            raise AuthFailure(f"Date in Credential scope does not match {stamp[:8]} of X-Amz-Date")
        if region != self._region:
            raise AuthFailure(f"Credential should be scoped to a valid region, not '{region}'")
        if service != self._service:
            raise AuthFailure(
                f"Credential should be scoped to correct service: '{self._service}', "
                f"not '{service}'"
            )
        signed_headers = fields["SignedHeaders"]
        names = signed_headers.split(";")
        if "host" not in names:
            raise _incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization")
        secret = self._secret_of(key_id)
        if secret is None:
            raise AuthFailure(NOT_VALIDATED)
        payload = _payload_hash(request)
        key = self._signing_key(secret, day)
        given = fields["Signature"]
        for query in _canonical_queries(request.query):
            canonical = "\n".join(
                (
                    request.method,
                    _canonical_path(request.path),
                    query,
                    "".join(f"{name}:{_trim(request.header(name))}\n" for name in names),
                    signed_headers,
                    payload,
                )
            )
            to_sign = "\n".join(
                (
                    ALGORITHM,
                    stamp,
                    f"{day}/{region}/{service}/aws4_request",
                    hashlib.sha256(canonical.encode()).hexdigest(),
                )
            )
            expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected, given):
                return key_id
        raise AuthFailure(NOT_VALIDATED)

    def _signing_key(self, secret: str, day: str) -> bytes:
        with self._lock:
            key = self._keys.get((secret, day))
            if key is None:
                key = _hmac(f"AWS4{secret}".encode(), day)
                for part in (self._region, self._service, "aws4_request"):
                    key = _hmac(key, part)
                if len(self._keys) > 64:
                    self._keys.clear()
                self._keys[(secret, day)] = key
            return key


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _incomplete(message: str) -> RequestError:
    return RequestError("IncompleteSignature", message)


def _fields(authorization: str) -> dict[str, str]:
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise _incomplete(f"Unsupported AWS 'algorithm': '{algorithm}'")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, equals, value = part.strip().partition("=")
        if not equals:
            raise _incomplete(f"Authorization header component '{part.strip()}' is not NAME=VALUE")
        fields[name] = value
    for name in ("Credential", "SignedHeaders", "Signature"):
        if not fields.get(name):
            raise _incomplete(f"Authorization header requires the '{name}' parameter")
    return fields


def _parse_stamp(stamp: str) -> float:
    match = _STAMP.fullmatch(stamp)
    try:
        if match is None:
            raise ValueError(stamp)
        year, month, day, hour, minute, second = map(int, match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()
    except ValueError:
        raise _incomplete(f"X-Amz-Date must be YYYYMMDD'T'HHMMSS'Z', got '{stamp}'") from None


def _payload_hash(request: SignedRequest) -> str:
    actual = hashlib.sha256(request.body).hexdigest()
    declared = request.header("x-amz-content-sha256")
    if declared is None or declared == UNSIGNED_PAYLOAD:
        return declared or actual
    if declared != actual:
        raise AuthFailure("The x-amz-content-sha256 header does not match the body's SHA-256")
    return declared


def _trim(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


def _canonical_path(path: str) -> str:
    return quote(path or "/", safe="/~")


def _canonical_queries(query: str) -> list[str]:
    """The canonical query string as the spec writes it, then as SDKs writing raw pairs do."""
    if not query:
        return [""]
    pairs = [(name, value) for name, _, value in (p.partition("=") for p in query.split("&") if p)]
    encoded = [
        (quote(unquote(name), safe="-_.~"), quote(unquote(value), safe="-_.~"))
        for name, value in pairs
    ]
    spec = "&".join(f"{name}={value}" for name, value in sorted(encoded))
    raw = "&".join(f"{name}={value}" for name, value in sorted(pairs))
    return [spec] if raw == spec else [spec, raw]
