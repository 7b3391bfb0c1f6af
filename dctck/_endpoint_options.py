"""The plugin's ``--dctck-endpoint`` options, and how they, the environment and a profile combine.

A value comes from the option, else the ini key, else (credentials only) ``DCTCK_CREDENTIALS`` /
``DCTCK_OTHER_CREDENTIALS``, else the ``--dctck-profile`` file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from dctck._endpoint import Endpoint
from dctck._profile import PROTOCOLS, Profile, load_profile

__all__ = ["EndpointSettings", "add_endpoint_options", "read_endpoint_settings"]

_OPTIONS = [
    ("endpoint", "URL", "certify the cloud endpoint at URL (a Deltacloud API, an EC2 endpoint)"),
    (
        "protocol",
        "|".join(PROTOCOLS),
        "the protocol the endpoint speaks (detected when left out)",
    ),
    ("server-driver", "NAME", "Deltacloud: the server's driver to certify (X-Deltacloud-Driver)"),
    ("provider", "NAME", "the provider: Deltacloud's X-Deltacloud-Provider, EC2's region"),
    (
        "profile",
        "FILE",
        "a TOML profile of the endpoint: endpoint, protocol, accounts, TLS, preferred"
        " image/profile/realm, timeout",
    ),
]


@dataclass(frozen=True)
class EndpointSettings:
    """An endpoint run's settings, its values already merged from every source."""

    endpoint: Endpoint
    credentials: str | None
    other_credentials: str | None
    timeout: str | None


def add_endpoint_options(group: pytest.OptionGroup, parser: pytest.Parser) -> None:
    for name, metavar, text in _OPTIONS:
        ini_name = "dctck_" + name.replace("-", "_")
        group.addoption(f"--dctck-{name}", dest=ini_name, metavar=metavar, help=text)
        parser.addini(ini_name, f"default for --dctck-{name}: {text}")
    group.addoption(
        "--dctck-read-only",
        action="store_true",
        dest="dctck_read_only",
        help="create nothing: listings, lookups, filters, auth, isolation and negative checks"
        " only; the checks that create are reported as not run (so: not certifying)",
    )
    parser.addini("dctck_read_only", "default for --dctck-read-only", type="bool", default=False)


def read_endpoint_settings(
    config: pytest.Config, value: Callable[[str], str | None]
) -> EndpointSettings | None:
    """The endpoint run asked for, or ``None``; ``ValueError`` for a bad value."""
    profile_path = value("dctck_profile")
    profile = load_profile(profile_path, "--dctck-profile") if profile_path else Profile()
    url = value("dctck_endpoint") or profile.endpoint
    read_only = (
        bool(config.getoption("dctck_read_only") or config.getini("dctck_read_only"))
        or profile.read_only
    )
    if url is None:
        if profile_path or read_only:
            raise ValueError("--dctck-profile and --dctck-read-only need an endpoint")
        return None
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"--dctck-endpoint must be an http:// or https:// URL, got {url!r}")
    protocol = value("dctck_protocol") or profile.protocol
    if protocol is not None and protocol not in PROTOCOLS:
        raise ValueError(f"--dctck-protocol must be one of {', '.join(PROTOCOLS)}")
    endpoint = Endpoint(
        url=url,
        protocol=protocol,
        driver=value("dctck_server_driver") or profile.driver,
        provider=value("dctck_provider") or profile.provider,
        verify=profile.verify,
        read_only=read_only,
        prefer=profile.prefer,
    )
    return EndpointSettings(
        endpoint,
        value("dctck_credentials") or os.environ.get("DCTCK_CREDENTIALS") or profile.credentials,
        value("dctck_other_credentials")
        or os.environ.get("DCTCK_OTHER_CREDENTIALS")
        or profile.other_credentials,
        value("dctck_timeout") or profile.timeout,
    )
