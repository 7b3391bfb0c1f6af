"""The SigV4 signer against AWS's published examples and against botocore's own signer."""

from datetime import UTC, datetime

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from freezegun import freeze_time

from reference_drivers._sigv4 import SigningRequest, amz_date, sign, signing_key

# The credentials, region and time of AWS's SigV4 test suite and of its IAM worked example.
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
WHEN = datetime(2015, 8, 30, 12, 36, tzinfo=UTC).timestamp()
FORM = "application/x-www-form-urlencoded"


def signature(method, url, headers=None, body=b"", service="service"):
    signed = sign(
        SigningRequest(method, url, headers or {}, body),
        access_key=AKID,
        secret_key=SECRET,
        region="us-east-1",
        service=service,
        when=WHEN,
    )
    return signed["Authorization"]


# -- AWS's published examples ----------------------------------------------------------------------


def test_get_vanilla_gives_the_published_authorization_header():
    assert signature("GET", "https://example.amazonaws.com/") == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
        " SignedHeaders=host;x-amz-date,"
        " Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )


def test_get_vanilla_query_order_key_case_sorts_the_parameters():
    authorization = signature("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1")
    assert authorization.endswith(
        "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
    )


def test_post_x_www_form_urlencoded_signs_the_content_type_and_body():
    authorization = signature(
        "POST", "https://example.amazonaws.com/", {"Content-Type": FORM}, b"Param1=value1"
    )
    assert "SignedHeaders=content-type;host;x-amz-date," in authorization
    assert authorization.endswith(
        "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
    )


def test_iam_worked_example_signing_key():
    key = signing_key(SECRET, "20150830", "us-east-1", "iam")
    assert key.hex() == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"


def test_iam_worked_example_signature():
    authorization = signature(
        "GET",
        "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
        {"Content-Type": FORM + "; charset=utf-8"},
        service="iam",
    )
    assert authorization.endswith(
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    )


def test_amz_date_is_the_basic_iso_form_in_utc():
    assert amz_date(WHEN) == "20150830T123600Z"


# -- botocore ------------------------------------------------------------------------------------

EC2_BODY = (
    b"Action=RunInstances&Version=2016-11-15&ImageId=ami-0a1b2c3d4e5f60718&MinCount=1"
    b"&MaxCount=1&TagSpecification.1.Tag.1.Value=caf%C3%A9%20%2F%20bar"
)


@pytest.mark.parametrize(
    ("method", "url", "headers", "body"),
    [
        ("POST", "https://ec2.us-east-1.amazonaws.com/", {"Content-Type": FORM}, EC2_BODY),
        ("POST", "http://127.0.0.1:8773/", {"Content-Type": FORM + "; charset=utf-8"}, EC2_BODY),
        ("GET", "https://ec2.amazonaws.com/?Version=2016-11-15&Action=DescribeImages", {}, b""),
        ("GET", "https://example.com:8443/a/b%20c?x=1&x=0&y=", {"X-Amz-Meta": "  a   b "}, b""),
    ],
    ids=["ec2-post", "port-and-charset", "query", "path-repeats-and-x-amz-header"],
)
@pytest.mark.parametrize("token", [None, "SESSION/TOKEN+="], ids=["keys", "session-token"])
def test_signature_is_botocores(method, url, headers, body, token):
    with freeze_time("2024-02-29T23:59:59Z"):
        reference = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
        SigV4Auth(Credentials(AKID, SECRET, token), "ec2", "eu-west-3").add_auth(reference)
    ours = sign(
        SigningRequest(method, url, headers, body),
        access_key=AKID,
        secret_key=SECRET,
        region="eu-west-3",
        service="ec2",
        when=datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC).timestamp(),
        session_token=token,
    )
    assert ours["Authorization"] == reference.headers["Authorization"]
    assert ours["X-Amz-Date"] == reference.headers["X-Amz-Date"]
    assert ours.get("X-Amz-Security-Token") == reference.headers.get("X-Amz-Security-Token")
