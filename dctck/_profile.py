"""``--profile FILE``: what a certification of an endpoint needs, kept in one TOML file.

```toml
endpoint = "https://cloud.example/api"
protocol = "deltacloud"          # or "ec2", "openstack"; detected when left out
driver = "ec2"                   # Deltacloud: the server's driver and provider to certify
provider = "eu-west-1"
timeout = 120                    # seconds
read_only = false

[accounts]
credentials = "NAME:PASSWORD"
other_credentials = "NAME:PASSWORD"

[tls]
verify = true                    # false: do not verify the server's certificate
ca_file = "corp-ca.pem"          # a CA bundle to verify it with (relative to this file)

[prefer]                         # what the kit creates instances from, unless a check names one
image = "ami-0a1b2c3d4e5f60718"
hardware_profile = "t3.micro"
realm = "eu-west-1a"
```

Every key is optional; a flag given on the command line wins over the profile.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dctck._options import parse_credentials, parse_timeout

__all__ = ["PROTOCOLS", "Profile", "load_profile"]

PROTOCOLS = ("deltacloud", "ec2", "openstack")
_TOP = {"endpoint", "protocol", "driver", "provider", "timeout", "read_only"}
_TABLES = {
    "accounts": {"credentials", "other_credentials"},
    "tls": {"verify", "ca_file"},
    "prefer": {"image", "hardware_profile", "realm"},
}


@dataclass(frozen=True)
class Profile:
    """The profile's values; ``None`` where it says nothing."""

    endpoint: str | None = None
    protocol: str | None = None
    driver: str | None = None
    provider: str | None = None
    timeout: str | None = None
    read_only: bool = False
    credentials: str | None = None
    other_credentials: str | None = None
    verify: bool | str = True
    prefer: dict[str, str] = field(default_factory=dict)


def load_profile(path: str, option: str = "--profile") -> Profile:
    """Read the profile at ``path``; ``ValueError`` naming ``option`` for anything wrong in it."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{option}: cannot read {path!r}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{option}: {path!r} is not TOML: {exc}") from None
    unknown = [key for key in data if key not in _TOP and key not in _TABLES]
    for table, keys in _TABLES.items():
        section = data.get(table, {})
        if not isinstance(section, dict):
            raise ValueError(f"{option}: [{table}] must be a table")
        unknown += [f"{table}.{key}" for key in section if key not in keys]
    if unknown:
        raise ValueError(f"{option}: unknown keys in {path!r}: {', '.join(sorted(unknown))}")
    accounts, tls, prefer = (data.get(table, {}) for table in _TABLES)
    values: dict[str, Any] = {}
    for key in ("endpoint", "protocol", "driver", "provider"):
        values[key] = _string(data, key, option)
    if values["protocol"] is not None and values["protocol"] not in PROTOCOLS:
        raise ValueError(f"{option}: protocol must be one of {', '.join(PROTOCOLS)}")
    if "timeout" in data:
        values["timeout"] = str(data["timeout"])
        parse_timeout(values["timeout"], f"{option}: timeout")
    values["read_only"] = _flag(data, "read_only", option)
    for key in ("credentials", "other_credentials"):
        values[key] = _string(accounts, key, option, f"accounts.{key}")
        if values[key] is not None:
            parse_credentials(values[key], f"{option}: accounts.{key}")
    ca_file = _string(tls, "ca_file", option, "tls.ca_file")
    verify: bool | str = _flag(tls, "verify", option, "tls.verify", default=True)
    if ca_file is not None:
        bundle = Path(path).parent / ca_file
        if not bundle.is_file():
            raise ValueError(f"{option}: tls.ca_file {str(bundle)!r} is not a file")
        verify = str(bundle) if verify else False
    preferred = {key: _string(prefer, key, option, f"prefer.{key}") for key in _TABLES["prefer"]}
    return Profile(
        verify=verify, prefer={k: v for k, v in preferred.items() if v is not None}, **values
    )


def _string(table: dict[str, Any], key: str, option: str, shown: str = "") -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError(f"{option}: {shown or key} must be a non-empty string")
    return value


def _flag(
    table: dict[str, Any], key: str, option: str, shown: str = "", default: bool = False
) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{option}: {shown or key} must be true or false")
    return value
