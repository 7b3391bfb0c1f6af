"""An endpoint to certify by its URL: which protocol it speaks, and the driver that speaks it.

``deltacloud`` is the kit's own HTTP client adapter (:class:`dctck.rest.DeltacloudClient`). Every
other protocol maps to a driver through the ``dctck.protocols`` entry points: a factory called as
``factory(url, provider=..., verify=..., timeout=...)`` (the bundled reference drivers register
``ec2``), so dctck never imports a driver package itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

import requests

from dctck._errors import DriverLoadError
from dctck.rest._xml_reading import XmlUnreadable, parse_untrusted

__all__ = ["Endpoint", "answers", "detect_protocol", "open_endpoint"]

_EC2_PROBE = {"Action": "DescribeRegions", "Version": "2016-11-15"}
# Unsigned, with a signature's shape: servers hosting several services (moto's) route by the
# credential scope; an EC2 endpoint answers an EC2 error document (AuthFailure, say).
_EC2_PROBE_HEADERS = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=dctck-probe/20000101/us-east-1/ec2/aws4_request,"
    " SignedHeaders=host, Signature=0"
}


@dataclass(frozen=True)
class Endpoint:
    """What ``--endpoint`` and its companions say (``protocol`` ``None``: to be detected)."""

    url: str
    protocol: str | None = None
    driver: str | None = None
    provider: str | None = None
    verify: bool | str = True
    read_only: bool = False
    prefer: Mapping[str, str] = field(default_factory=dict)


def detect_protocol(url: str, verify: bool | str = True, timeout: float = 10.0) -> str:
    """``deltacloud`` (an ``/api`` entry point), ``openstack`` (a Keystone root) or ``ec2`` (an
    EC2 Query endpoint); ``ValueError`` when the endpoint is none of them or does not answer."""
    session = requests.Session()
    session.trust_env = False
    try:
        base = url.rstrip("/")
        for candidate in dict.fromkeys((base, base if base.endswith("/api") else base + "/api")):
            answer = session.get(
                candidate, headers={"Accept": "application/json"}, timeout=timeout, verify=verify
            )
            kind = _document_kind(answer)
            if kind is not None:
                return kind
        answer = session.post(
            url, data=_EC2_PROBE, headers=_EC2_PROBE_HEADERS, timeout=timeout, verify=verify
        )
        if _looks_ec2(answer.content):
            return "ec2"
    except requests.RequestException as exc:
        raise ValueError(f"--endpoint {url}: no answer ({type(exc).__name__})") from None
    finally:
        session.close()
    raise ValueError(
        f"--endpoint {url}: neither a Deltacloud entry point, a Keystone root nor an EC2 Query"
        " endpoint: give --protocol"
    )


def answers(url: str, verify: bool | str = True, timeout: float = 10.0) -> None:
    """``ValueError`` unless ``url`` gives an HTTP answer (of any status): a run against an
    endpoint that is not there fails once, before any check, not in every check."""
    session = requests.Session()
    session.trust_env = False
    try:
        session.get(url, timeout=timeout, verify=verify).close()
    except requests.RequestException as exc:
        raise ValueError(f"--endpoint {url}: no answer ({type(exc).__name__})") from None
    finally:
        session.close()


def open_endpoint(endpoint: Endpoint, timeout: float) -> Any:
    """The driver speaking ``endpoint.protocol`` to ``endpoint.url``; ``DriverLoadError`` for a
    protocol no installed package supports."""
    if endpoint.protocol == "deltacloud":
        from dctck.rest import DeltacloudClient

        driver: Any = DeltacloudClient(
            endpoint.url,
            driver=endpoint.driver,
            provider=endpoint.provider,
            verify=endpoint.verify,
            timeout=timeout,
        )
    else:
        found = list(entry_points(group="dctck.protocols", name=str(endpoint.protocol)))
        factory = None
        if found:
            try:
                factory = found[0].load()
            except (ImportError, AttributeError):  # registered, not (yet) installed
                factory = None
        if factory is None:
            raise DriverLoadError(
                f"--protocol {endpoint.protocol}: not supported by this kit yet (no installed"
                " driver registers it under the dctck.protocols entry points)"
            )
        driver = factory(
            endpoint.url, provider=endpoint.provider, verify=endpoint.verify, timeout=timeout
        )
    return Preferring(driver, endpoint.prefer) if endpoint.prefer else driver


class Preferring:
    """``driver``, creating from the preferred ``image``, ``hardware_profile`` and ``realm``
    whenever a create names none (a profile's ``[prefer]`` table: what an endpoint's owner
    wants the kit to pay for)."""

    def __init__(self, driver: Any, prefer: Mapping[str, str]) -> None:
        self._driver = driver
        self.preferred_image = prefer.get("image")
        self._opts = {
            key: prefer[name]
            for key, name in (("hwp_id", "hardware_profile"), ("realm_id", "realm"))
            if name in prefer
        }

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)

    def __repr__(self) -> str:
        return repr(self._driver)

    def create_instance(self, credentials: Any, image_id: Any, opts: Any = None) -> Any:
        if opts is None or isinstance(opts, dict):
            opts = {**self._opts, **(opts or {})}
        return self._driver.create_instance(credentials, image_id, opts)


def _document_kind(answer: requests.Response) -> str | None:
    try:
        document = answer.json()
    except ValueError:
        document = None
    if isinstance(document, dict):
        if isinstance(document.get("api"), dict):
            return "deltacloud"
        if "versions" in document or "version" in document:
            return "openstack"
        return None
    try:
        root = parse_untrusted(answer.content)  # an endpoint not certified yet: not trusted
    except XmlUnreadable:
        return None
    return "deltacloud" if root.tag == "api" else None


def _looks_ec2(body: bytes) -> bool:
    try:
        root = parse_untrusted(body)
    except XmlUnreadable:
        return False
    tag = root.tag.rpartition("}")[2]
    return tag in ("Response", "DescribeRegionsResponse", "ErrorResponse") or (
        root.find(".//Errors/Error/Code") is not None
    )
