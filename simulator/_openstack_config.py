"""An OpenStack cloud's configuration: projects, flavors, Glance images, availability zones.

The same file formats and checks as the EC2 configuration (`simulator._config`): a `.toml` or
`.json` file whose arrays, when left out, keep the defaults (DevStack's flavors m1.tiny to
m1.xlarge, CirrOS images for x86_64 and aarch64 and an Ubuntu image, zone `nova`, projects
`mockuser` and `otheruser`).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator import _config as common
from simulator._catalogue import Account, Flavor, GlanceImage, Zone, derived_uuid
from simulator._errors import ConfigError

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A well-formed (lower-case) UUID, as Nova and Glance write ids."""

MAX_MICROVERSION = "2.1"
"""The highest compute microversion served: 2.1 (one response shape for every client)."""


def project(name: str, password: str, project_id: str = "") -> Account:
    """A project with a user of the same name, in domain `Default`; its id a derived UUID."""
    return Account(name, password, project_id or derived_uuid("project", name))


DEFAULT_PROJECTS = (project("mockuser", "mockpassword"), project("otheruser", "otherpassword"))
DEFAULT_FLAVORS = (
    Flavor("1", "m1.tiny", vcpus=1, ram=512, disk=1),
    Flavor("2", "m1.small", vcpus=1, ram=2048, disk=20),
    Flavor("3", "m1.medium", vcpus=2, ram=4096, disk=40),
    Flavor("4", "m1.large", vcpus=4, ram=8192, disk=80),
    Flavor("5", "m1.xlarge", vcpus=8, ram=16384, disk=160),
)
"""DevStack's default flavors."""
DEFAULT_GLANCE_IMAGES = (
    GlanceImage("5f4b9a3e-0c1d-4e2f-8a3b-6c7d8e9f0a1b", "cirros-0.6.2-x86_64-disk", "admin",
                size=21430272),
    GlanceImage("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "ubuntu-22.04-x86_64", "admin",
                min_disk=10, size=673775616, architecture="x86_64"),
    GlanceImage("2e3f4a5b-6c7d-4e8f-8a9b-0c1d2e3f4a5b", "cirros-0.6.2-aarch64-disk", "admin",
                size=20447232, architecture="aarch64"),
    GlanceImage("0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f", "mockuser-private", "mockuser",
                public=False, size=21430272, architecture="x86_64"),
    GlanceImage("1d2e3f4a-5b6c-4d7e-8f8a-9b0c1d2e3f4a", "otheruser-private", "otheruser",
                public=False, size=21430272),
)  # fmt: skip
"""Public: CirrOS for x86_64 and aarch64, and an Ubuntu; a private image per project. Glance's
`architecture` property is set where an operator sets it (on the Ubuntu, the aarch64 CirrOS, and
`mockuser-private`), not on the x86_64 CirrOS, which DevStack uploads without it."""
DEFAULT_OPENSTACK_ZONES = (Zone("nova"),)


@dataclass(frozen=True, slots=True)
class OpenStackConfig:
    """Everything a `NovaCloud` is built from; durations in (virtual) seconds.

    `boot_seconds` times BUILD, a start (powering-on) and a reboot; `stop_seconds` a stop
    (powering-off) and a delete (deleting). `instance_quota` caps each project's servers
    (None: no cap); a zone's `limit` caps its servers (past it a build ends in ERROR, "No
    valid host was found"). An account's `id` is its project id (a UUID). Tokens expire
    `token_seconds` after issue on the cloud's clock: clients renew them by the wall clock,
    so a test that moves a manual clock far ahead should make this long.
    """

    accounts: tuple[Account, ...] = DEFAULT_PROJECTS
    flavors: tuple[Flavor, ...] = DEFAULT_FLAVORS
    images: tuple[GlanceImage, ...] = DEFAULT_GLANCE_IMAGES
    zones: tuple[Zone, ...] = DEFAULT_OPENSTACK_ZONES
    region: str = "RegionOne"
    boot_seconds: float = 10.0
    stop_seconds: float = 5.0
    instance_quota: int | None = None
    token_seconds: float = 3600.0
    terminated_retention_seconds: float = 0.0  # deleted servers are gone at once (a 404)

    def __post_init__(self) -> None:
        for name in ("accounts", "flavors", "images", "zones"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in (
            "boot_seconds",
            "stop_seconds",
            "terminated_retention_seconds",
            "token_seconds",
        ):
            object.__setattr__(
                self, name, common._check(common._duration, getattr(self, name), name)
            )
        common._check(common._name, self.region, "region")
        if self.instance_quota is not None:
            common._check(common._limit, self.instance_quota, "instance_quota")
        common._check_unique(self.accounts, "accounts", "name", allow_empty=False)
        common._check_unique(self.accounts, "accounts", "id", allow_empty=False)
        common._check_unique(self.flavors, "flavors", "id", allow_empty=False)
        common._check_unique(self.flavors, "flavors", "name", allow_empty=False)
        common._check_unique(self.zones, "zones", "name", allow_empty=False)
        common._check_unique(self.images, "images", "id", allow_empty=True)
        for index, image in enumerate(self.images):
            common._check(_uuid, image.id, f"images[{index}].id")
        for index, account in enumerate(self.accounts):
            common._check(_uuid, account.id, f"accounts[{index}].id")


def default_openstack_config() -> OpenStackConfig:
    """The default OpenStack cloud (DevStack-like): see the module docstring."""
    return OpenStackConfig()


def load_openstack_config(path: str | os.PathLike[str]) -> OpenStackConfig:
    """Read an OpenStack cloud from a `.toml` or `.json` file; missing arrays keep the defaults.

    Any problem raises `ConfigError` with a one-line message naming the file and the field.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read: {common._one_line(err)}") from None
    data: object
    try:
        if path.suffix == ".toml":
            data = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            raise ConfigError(f"{path}: unsupported file type {path.suffix!r} (use .toml or .json)")
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(
            f"{path}: invalid {path.suffix[1:].upper()}: {common._one_line(err)}"
        ) from None
    try:
        return openstack_config_from_mapping(data)
    except ConfigError as err:
        raise ConfigError(f"{path}: {err.message}") from None


def openstack_config_from_mapping(data: object) -> OpenStackConfig:
    """Build an `OpenStackConfig` from parsed TOML/JSON data (see `load_openstack_config`)."""
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"expected a table of settings at the top level, got {common._kind(data)}"
        )
    settings: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SCALARS:
            settings[key] = common._check(_SCALARS[key], value, key)
        elif key == "accounts":
            loaded = common._load_array(_Project, value, key)
            settings[key] = tuple(project(item.name, item.secret, item.id) for item in loaded)
        elif key in _ARRAYS:
            settings[key] = common._load_array(_ARRAYS[key], value, key)
        else:
            known = ", ".join([*_SCALARS, "accounts", *_ARRAYS])
            raise ConfigError(f"{key}: unknown setting (expected one of {known})")
    return OpenStackConfig(**settings)


@dataclass(frozen=True, slots=True)
class _Project:
    name: str
    secret: str
    id: str = ""


def _uuid(value: object) -> str:
    if not isinstance(value, str) or not UUID.fullmatch(value):
        raise common._Invalid(f"expected a lower-case UUID, got {common._kind(value)}")
    return value


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise common._Invalid(f"expected an integer >= 0, got {common._kind(value)}")
    return value


_SCALARS: dict[str, common.Checker] = {
    "region": common._name,
    "boot_seconds": common._duration,
    "stop_seconds": common._duration,
    "instance_quota": common._limit,
    "token_seconds": common._duration,
}
_ARRAYS: dict[str, type] = {"flavors": Flavor, "images": GlanceImage, "zones": Zone}
common._FIELDS[_Project] = {"name": common._name, "secret": common._secret, "id": _uuid}
common._FIELDS[Flavor] = {
    "id": common._name,
    "name": common._name,
    "vcpus": common._count,
    "ram": common._count,
    "disk": _whole,
    "swap": _whole,
    "ephemeral": _whole,
    "is_public": common._flag,
}
common._FIELDS[GlanceImage] = {
    "id": _uuid,
    "name": common._string,
    "owner": common._name,
    "public": common._flag,
    "min_disk": _whole,
    "min_ram": _whole,
    "size": _whole,
    "disk_format": common._name,
    "container_format": common._name,
    "architecture": common._optional_name,
}
