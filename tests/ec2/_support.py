"""Helpers shared by the EC2 API tests: clients, signed raw requests, and parsed answers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from simulator.ec2 import API_VERSION, DEFAULT_ENDPOINT, Ec2App, call_wsgi, route_botocore
from tests.simulator._support import (  # noqa: F401 (the EC2 tests import them from here)
    ARM_IMAGE,
    ME_ID,
    MOCKUSER_IMAGE,
    OTHER_ID,
    OTHERUSER_IMAGE,
    START,
    X86_IMAGE,
)

ME = ("mockuser", "mockpassword")
OTHER = ("otheruser", "otherpassword")
NS = "{http://ec2.amazonaws.com/doc/2016-11-15/}"
NO_RETRIES = Config(retries={"total_max_attempts": 1})
_SESSION = boto3.session.Session()  # one session: EC2's service model is loaded once


def client(
    endpoint: str = DEFAULT_ENDPOINT,
    credentials: tuple[str, str] = ME,
    *,
    app: Ec2App | None = None,
    region: str = "us-east-1",
    config: Config = NO_RETRIES,
) -> Any:
    """A boto3 EC2 client for `endpoint`; with `app`, answered in-process by it.

    Create clients from one thread (they share a session); use them from any.
    """
    ec2 = _SESSION.client(
        "ec2",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=credentials[0],
        aws_secret_access_key=credentials[1],
        config=config,
    )
    if app is not None:
        route_botocore(ec2, app)
    return ec2


def signed_headers(
    body: bytes,
    *,
    url: str = DEFAULT_ENDPOINT + "/",
    method: str = "POST",
    credentials: tuple[str, str] = ME,
    region: str = "us-east-1",
    content_type: str = "application/x-www-form-urlencoded; charset=utf-8",
) -> dict[str, str]:
    """The headers botocore's own SigV4 signer gives this request."""
    request = AWSRequest(
        method=method, url=url, data=body, headers={"Content-Type": content_type} if body else {}
    )
    SigV4Auth(Credentials(*credentials), "ec2", region).add_auth(request)
    return dict(request.headers.items())


def form(action: str, params: Mapping[str, str] | None = None, version: str = API_VERSION) -> bytes:
    """A form-encoded EC2 request body."""
    return urlencode({"Action": action, "Version": version, **(params or {})}).encode()


def send(
    app: Ec2App,
    body: bytes,
    headers: Mapping[str, str] | None = None,
    *,
    method: str = "POST",
    url: str = DEFAULT_ENDPOINT + "/",
) -> tuple[int, bytes]:
    """One request through the WSGI app: its status and body; signed by mockuser by default."""
    if headers is None:
        headers = signed_headers(body, url=url, method=method)
    status, _, content = call_wsgi(app, method, url, headers.items(), body)
    return status, content


def call(app: Ec2App, action: str, params: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    """A signed request of `action` with `params` through the app."""
    return send(app, form(action, params))


def error_of(content: bytes) -> tuple[str, str]:
    """(Code, Message) of an EC2 error document; fails if it is not one."""
    root = ET.fromstring(content)
    assert root.tag == "Response", content
    errors = root.find("Errors")
    (error,) = list(errors) if errors is not None else []
    return error.findtext("Code") or "", error.findtext("Message") or ""


def parse(content: bytes) -> ET.Element:
    """The root element of a success document."""
    return ET.fromstring(content)


def json_of(content: bytes) -> Any:
    """The JSON of a control API answer."""
    return json.loads(content)
