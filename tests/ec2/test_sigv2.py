"""SigV2 in the parameters (what Apache Libcloud signs EC2 requests with by default)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote, urlencode

import pytest

from simulator.ec2 import API_VERSION
from tests.ec2._support import NS, OTHER_ID, error_of, parse, send

URL = "https://ec2.simulator.invalid/"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def signed(params, *, secret="mockpassword", key="mockuser", method="GET",
           host="ec2.simulator.invalid", digest="HmacSHA256", when=None, drop=(),
           **extra):  # fmt: skip
    """The parameters of a request, signed as the AWS documentation writes SigV2."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when or time.time()))
    pairs = {"Version": API_VERSION, **params, "AWSAccessKeyId": key, "SignatureVersion": "2",
             "SignatureMethod": digest, "Timestamp": stamp, **extra}  # fmt: skip
    for name in drop:
        del pairs[name]
    canonical = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(pairs.items())
    )
    to_sign = f"{method}\n{host}\n/\n{canonical}"
    algorithm = hashlib.sha256 if digest == "HmacSHA256" else hashlib.sha1
    mac = hmac.new(secret.encode(), to_sign.encode(), algorithm).digest()
    return {**pairs, "Signature": base64.b64encode(mac).decode()}


def get(app, params):
    url = URL + "?" + urlencode(params)
    return send(app, b"", {}, method="GET", url=url)


def outcome(app, params, method="GET"):
    if method == "GET":
        status, content = get(app, params)
    else:
        status, content = send(app, urlencode(params).encode(), FORM)
    return (status, *error_of(content)) if status != 200 else (200,)


def test_a_get_signed_with_v2_is_answered_as_the_signing_account(app, sim):
    sim.run_instances("otheruser", "ami-0d4e5f60718293a41")
    params = signed({"Action": "DescribeInstances"}, key="otheruser", secret="otherpassword")
    status, content = get(app, params)
    assert status == 200
    assert parse(content).findtext(f".//{NS}ownerId") == OTHER_ID


def test_a_post_signed_with_v2_and_hmac_sha1_works(app):
    params = signed({"Action": "DescribeRegions"}, method="POST", digest="HmacSHA1")
    assert outcome(app, params, method="POST") == (200,)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (signed({"Action": "DescribeRegions"}, secret="wrong"), (401, "AuthFailure",
         "AWS was not able to validate the provided access credentials")),
        (signed({"Action": "DescribeRegions"}, key="nobody"), (401, "AuthFailure",
         "AWS was not able to validate the provided access credentials")),
        (signed({"Action": "DescribeRegions"}, method="POST"), (401, "AuthFailure",
         "AWS was not able to validate the provided access credentials")),
        (signed({"Action": "DescribeRegions"}, host="elsewhere.invalid"), (401, "AuthFailure",
         "AWS was not able to validate the provided access credentials")),
        ({**signed({"Action": "DescribeRegions"}), "RegionName.1": "us-east-1"}, (401,
         "AuthFailure", "AWS was not able to validate the provided access credentials")),
        (signed({"Action": "DescribeRegions"}, when=time.time() - 3600), (400, "RequestExpired",
         "Request has expired.")),
        (signed({"Action": "DescribeRegions"}, drop=["Timestamp"], Expires="2001-01-01T00:00:00Z"),
         (400, "RequestExpired", "Request has expired.")),
        (signed({"Action": "DescribeRegions"}, drop=["AWSAccessKeyId"]), (400, "MissingParameter",
         "The request must contain the parameter AWSAccessKeyId")),
        (signed({"Action": "DescribeRegions"}, SignatureVersion="1"), (400,
         "InvalidParameterValue", "Value (1) for parameter SignatureVersion is invalid: sign "
         "with version 2 in the parameters or version 4 in the Authorization header")),
        (signed({"Action": "DescribeRegions"}, digest="HmacMD5"), (400, "InvalidParameterValue",
         "Value (HmacMD5) for parameter SignatureMethod is invalid: expected one of HmacSHA256, "
         "HmacSHA1")),
        (signed({"Action": "DescribeRegions"}, Timestamp="yesterday"), (400,
         "InvalidParameterValue", "Value (yesterday) for parameter Timestamp is invalid: "
         "expected an ISO 8601 time in UTC")),
        (signed({"Action": "DescribeRegions"}, Expires="2999-01-01T00:00:00Z"), (400,
         "InvalidParameterCombination", "A request signed with version 2 needs exactly one of "
         "Timestamp and Expires")),
    ],
    ids=["wrong-secret", "unknown-key", "signed-as-post-sent-as-get", "other-host",
         "parameter-added-after-signing", "old-timestamp", "expired", "no-key", "version-1",
         "unknown-method", "bad-timestamp", "timestamp-and-expires"],
)  # fmt: skip
def test_every_way_a_v2_signature_can_be_wrong_is_refused(app, sim, params, expected):
    assert outcome(app, params) == expected
    assert sim.audit_log() == []


def test_the_signature_parameters_are_not_taken_for_unknown_parameters(app):
    params = signed({"Action": "DescribeAvailabilityZones", "ZoneName.1": "us-east-1a"})
    status, content = get(app, params)
    assert (status, parse(content).findtext(f".//{NS}zoneName")) == (200, "us-east-1a")
