"""AWS Signature Version 2 of the Query API, verified: the signature in the parameters.

EC2 still takes it in its older regions, us-east-1 among them, and Apache Libcloud signs EC2
requests there with it by default. The parameters `AWSAccessKeyId`, `SignatureVersion` (2),
`SignatureMethod` (HmacSHA256 or HmacSHA1), `Timestamp` (or `Expires`) and `Signature` travel
with the request's own, in the query string (GET) or the form body (POST). The signature is the
base64 HMAC of::

    METHOD \\n host (lower case, with a port that is not the scheme's default) \\n path \\n
    the other parameters, sorted by name, names and values percent-encoded (RFC 3986)

The request time must be within 15 minutes of one of the clocks the caller names, as for SigV4;
an `Expires` time must not have passed on all of them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Sequence
from datetime import datetime
from urllib.parse import quote

from simulator._errors import AuthFailure
from simulator.ec2._errors import RequestError, missing
from simulator.ec2._sigv4 import MAX_SKEW_SECONDS, NOT_VALIDATED

SIGNATURE_PARAMETERS = frozenset(
    {"AWSAccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp", "Expires"}
)
"""The parameters that carry the signature, not the request: dropped once verified."""

_DIGESTS = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}


def signed_with_v2(pairs: Sequence[tuple[str, str]]) -> bool:
    """Whether the request's parameters carry a Signature Version 2 signature."""
    return any(name == "Signature" for name, _ in pairs)


def verify_v2(
    pairs: Sequence[tuple[str, str]],
    method: str,
    host: str,
    path: str,
    secret_of: Callable[[str], str | None],
    nows: tuple[float, ...],
) -> str:
    """The access key id that signed the parameters `pairs` of this request.

    Raises `RequestError` (MissingParameter, InvalidParameterValue, RequestExpired) or
    `AuthFailure` (unknown key, wrong signature).
    """
    given = dict(pairs)
    for name in ("AWSAccessKeyId", "SignatureVersion", "SignatureMethod"):
        if not given.get(name):
            raise missing(name)
    if given["SignatureVersion"] != "2":
        raise RequestError(
            "InvalidParameterValue",
            f"Value ({given['SignatureVersion']}) for parameter SignatureVersion is invalid: "
            "sign with version 2 in the parameters or version 4 in the Authorization header",
        )
    digest = _DIGESTS.get(given["SignatureMethod"])
    if digest is None:
        raise RequestError(
            "InvalidParameterValue",
            f"Value ({given['SignatureMethod']}) for parameter SignatureMethod is invalid: "
            f"expected one of {', '.join(_DIGESTS)}",
        )
    _check_time(given, nows)
    secret = secret_of(given["AWSAccessKeyId"])
    if secret is None:
        raise AuthFailure(NOT_VALIDATED)
    canonical = "&".join(
        f"{_encode(name)}={_encode(value)}" for name, value in sorted(pairs) if name != "Signature"
    )
    to_sign = "\n".join((method.upper(), host.lower(), path or "/", canonical))
    expected = base64.b64encode(hmac.new(secret.encode(), to_sign.encode(), digest).digest())
    if not hmac.compare_digest(expected, given["Signature"].encode()):
        raise AuthFailure(NOT_VALIDATED)
    return given["AWSAccessKeyId"]


def _check_time(given: dict[str, str], nows: tuple[float, ...]) -> None:
    timestamp, expires = given.get("Timestamp"), given.get("Expires")
    if (timestamp is None) == (expires is None):
        raise RequestError(
            "InvalidParameterCombination",
            "A request signed with version 2 needs exactly one of Timestamp and Expires",
        )
    name, text = ("Timestamp", timestamp) if timestamp is not None else ("Expires", expires)
    assert text is not None
    try:
        when = datetime.fromisoformat(text)
        if when.tzinfo is None:
            raise ValueError(text)
    except ValueError:
        raise RequestError(
            "InvalidParameterValue",
            f"Value ({text}) for parameter {name} is invalid: expected an ISO 8601 time in UTC",
        ) from None
    moment = when.timestamp()
    if name == "Timestamp":
        expired = all(abs(now - moment) > MAX_SKEW_SECONDS for now in nows)
    else:
        expired = all(now > moment for now in nows)
    if expired:
        raise RequestError("RequestExpired", "Request has expired.")


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")
