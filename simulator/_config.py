"""The simulator's configuration: defaults, validation, and loading from TOML or JSON."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator import _keypairs as keypairs
from simulator import _security_groups as groups
from simulator._catalogue import (
    Account,
    IngressRuleSpec,
    InstanceType,
    KeyPairSpec,
    MachineImage,
    SecurityGroupSpec,
    Zone,
)
from simulator._errors import ConfigError, SimulatorError
from simulator._instance_types import DEFAULT_TYPE_BY_ARCHITECTURE, EC2_INSTANCE_TYPES

IMAGE_ID = re.compile(r"ami-(?:[0-9a-f]{8}|[0-9a-f]{17})")
"""A well-formed image id (EC2 accepts the old 8-digit form too)."""

ACCOUNT_ID = re.compile(r"[0-9]{12}")
"""A well-formed account id: 12 digits."""

DEFAULT_ACCOUNTS = (
    Account("mockuser", "mockpassword"),
    Account("otheruser", "otherpassword"),
)
DEFAULT_INSTANCE_TYPES = EC2_INSTANCE_TYPES
DEFAULT_ZONES = (
    Zone("us-east-1a"),
    Zone("us-east-1b", limit=20),
)
DEFAULT_IMAGES = (
    MachineImage(
        "ami-0a1b2c3d4e5f60718", "dctck-linux-x86_64", "x86_64", "dctck", public=True,
        description="Public Linux image for x86_64",
    ),
    MachineImage(
        "ami-0b2c3d4e5f6071829", "dctck-linux-arm64", "arm64", "dctck", public=True,
        description="Public Linux image for arm64",
    ),
    MachineImage(
        "ami-1f2e3d4c", "dctck-legacy-x86_64", "x86_64", "dctck", public=True,
        description="Public image with an old-style 8-digit id",
    ),
    MachineImage(
        "ami-0c3d4e5f607182930", "mockuser-private", "x86_64", "mockuser", public=False,
        description="Private to mockuser",
    ),
    MachineImage(
        "ami-0d4e5f60718293a41", "otheruser-private", "arm64", "otheruser", public=False,
        description="Private to otheruser",
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """Everything a `Simulator` is built from; durations are in (virtual) seconds.

    The catalogue fields default to `default_config()`'s; construction validates the whole.
    """

    accounts: tuple[Account, ...] = DEFAULT_ACCOUNTS
    instance_types: tuple[InstanceType, ...] = DEFAULT_INSTANCE_TYPES
    zones: tuple[Zone, ...] = DEFAULT_ZONES
    images: tuple[MachineImage, ...] = DEFAULT_IMAGES
    region: str = "us-east-1"
    boot_seconds: float = 40.0
    stop_seconds: float = 20.0
    terminated_retention_seconds: float = 3600.0
    default_instance_type: str | None = None
    default_instance_types: Mapping[str, str] | None = field(default=None, hash=False)

    @property
    def defaults_by_architecture(self) -> dict[str, str]:
        """The default instance type of each architecture: `default_instance_types` as given,
        else EC2's (`t3.micro`, `c6g.medium`) where the catalogue holds them.

        Left as given (`None` stays `None`), so `dataclasses.replace` with another catalogue
        takes EC2's defaults again rather than the old catalogue's.
        """
        kinds = {kind.name: kind for kind in self.instance_types}
        return _defaults_by_architecture(self.default_instance_types, kinds)

    def __post_init__(self) -> None:
        for name in ("accounts", "instance_types", "zones", "images"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("boot_seconds", "stop_seconds", "terminated_retention_seconds"):
            object.__setattr__(self, name, _check(_duration, getattr(self, name), name))
        _check(_name, self.region, "region")
        _check_unique(self.accounts, "accounts", "name", allow_empty=False)
        _check_unique(self.instance_types, "instance_types", "name", allow_empty=False)
        _check_unique(self.zones, "zones", "name", allow_empty=False)
        _check_unique(self.images, "images", "id", allow_empty=True)
        kinds = {kind.name: kind for kind in self.instance_types}
        if self.default_instance_type is not None and self.default_instance_type not in kinds:
            raise ConfigError(
                f"default_instance_type: {self.default_instance_type!r} is not an instance type"
            )
        if self.default_instance_types is not None:
            object.__setattr__(self, "default_instance_types", _defaults_by_architecture(
                self.default_instance_types, kinds
            ))  # fmt: skip
        for index, image in enumerate(self.images):
            _check(_image_id, image.id, f"images[{index}].id")
        owners: dict[str, str] = {}
        for index, account in enumerate(self.accounts):
            where = f"accounts[{index}]"
            _check(_account_id, account.id, f"{where}.id")
            if account.id in owners:
                raise ConfigError(
                    f"{where}.id: {account.id!r} is also the id of account {owners[account.id]!r}"
                )
            owners[account.id] = account.name
            _check_resources(account, where)


def _check_resources(account: Account, where: str) -> None:
    """The key pairs and security groups `account` starts with must be legal, names unique."""
    _check_unique(account.key_pairs, f"{where}.key_pairs", "name", allow_empty=True)
    for index, pair in enumerate(account.key_pairs):
        here = f"{where}.key_pairs[{index}]"
        _check(_name, pair.name, f"{here}.name")
        try:
            keypairs.from_public_key(pair.public_key)
        except SimulatorError as err:
            raise ConfigError(f"{here}.public_key: {err.message}") from None
    names: set[str] = set()
    for index, group in enumerate(account.security_groups):
        here = f"{where}.security_groups[{index}]"
        try:
            groups.check_name(group.name)
            groups.check_name(group.description, "description")
            if group.name.casefold() in names or group.name == groups.DEFAULT_GROUP:
                raise ConfigError(f"duplicate {group.name!r} (every account has 'default')")
            names.add(group.name.casefold())
            for number, rule in enumerate(group.ingress):
                here = f"{where}.security_groups[{index}].ingress[{number}]"
                groups.Permission(
                    rule.protocol, rule.from_port, rule.to_port, cidr=rule.cidr,
                    description=rule.description,
                )  # fmt: skip
        except SimulatorError as err:
            raise ConfigError(f"{here}: {err.message}") from None


def default_config() -> SimulatorConfig:
    """The default cloud: two accounts, EC2's instance types, two zones, five images."""
    return SimulatorConfig()


def load_config(path: str | os.PathLike[str]) -> SimulatorConfig:
    """Read a configuration from a `.toml` or `.json` file; missing arrays keep the defaults.

    Any problem raises `ConfigError` with a one-line message naming the file and the field.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read: {_one_line(err)}") from None
    data: object
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path}: invalid TOML: {_one_line(err)}") from None
    elif path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ConfigError(f"{path}: invalid JSON: {_one_line(err)}") from None
    else:
        raise ConfigError(f"{path}: unsupported file type {path.suffix!r} (use .toml or .json)")
    try:
        return config_from_mapping(data)
    except ConfigError as err:
        raise ConfigError(f"{path}: {err.message}") from None


def config_from_mapping(data: object) -> SimulatorConfig:
    """Build a `SimulatorConfig` from parsed TOML/JSON data (see `load_config`)."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"expected a table of settings at the top level, got {_kind(data)}")
    settings: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SCALARS:
            settings[key] = _check(_SCALARS[key], value, key)
        elif key in _TABLES:
            settings[key] = _load_table(_TABLES[key], value, key)
        elif key in _ARRAYS:
            settings[key] = _load_array(_ARRAYS[key], value, key)
        else:
            raise ConfigError(f"{key}: unknown setting (expected one of {', '.join(_KNOWN)})")
    return SimulatorConfig(**settings)


class _Invalid(ValueError):
    """A value failed a field check; the message says why, without saying where."""


Checker = Callable[[object], Any]


def _check(checker: Checker, value: object, where: str) -> Any:
    try:
        return checker(value)
    except _Invalid as err:
        raise ConfigError(f"{where}: {err}") from None


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


def _check_unique(items: tuple[Any, ...], where: str, key: str, *, allow_empty: bool) -> None:
    if not items and not allow_empty:
        raise ConfigError(f"{where}: must not be empty")
    seen: set[object] = set()
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            raise ConfigError(f"{where}[{index}].{key}: duplicate {value!r}")
        seen.add(value)


def _defaults_by_architecture(
    given: Mapping[str, str] | None, kinds: Mapping[str, InstanceType]
) -> dict[str, str]:
    """The default instance type per architecture, checked against the catalogue.

    Not given: EC2's defaults (`t3.micro`, `c6g.medium`) for the architectures whose default
    the catalogue holds with that architecture; the others fall back to their first type.
    """
    if given is None:
        return {
            architecture: name
            for architecture, name in DEFAULT_TYPE_BY_ARCHITECTURE.items()
            if name in kinds and kinds[name].architecture == architecture
        }
    if not isinstance(given, Mapping):
        raise ConfigError(f"default_instance_types: expected a table, got {_kind(given)}")
    checked: dict[str, str] = {}
    for architecture, name in given.items():
        where = f"default_instance_types.{architecture}"
        kind = kinds.get(name) if isinstance(name, str) else None
        if kind is None:
            raise ConfigError(f"{where}: {name!r} is not an instance type")
        if kind.architecture != architecture:
            raise ConfigError(
                f"{where}: {name!r} has the architecture {kind.architecture!r}, "
                f"not {architecture!r}"
            )
        checked[architecture] = name
    return checked


def _kind(value: object) -> str:
    return "null" if value is None else f"{type(value).__name__} {value!r}"


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"expected a string, got {_kind(value)}")
    return value


def _secret(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"expected a string, got {type(value).__name__} (value not shown)")
    return value


def _name(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise _Invalid(f"expected a non-empty string, got {_kind(value)}")
    return value


def _optional_name(value: object) -> str | None:
    return None if value is None else _name(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"expected true or false, got {_kind(value)}")
    return value


def _amount(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid(f"expected a number, got {_kind(value)}")
    if not math.isfinite(value) or value < 0:
        raise _Invalid(f"expected a finite number >= 0, got {value!r}")
    return float(value)


_duration = _amount


def _optional_amount(value: object) -> float | None:
    return None if value is None else _amount(value)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Invalid(f"expected an integer >= 1, got {_kind(value)}")
    return value


def _limit(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid(f"expected an integer >= 0 or null, got {_kind(value)}")
    return value


def _account_id(value: object) -> str:
    if not isinstance(value, str) or not ACCOUNT_ID.fullmatch(value):
        raise _Invalid(f"expected a string of 12 digits, got {_kind(value)}")
    return value


def _port(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"expected an integer, got {_kind(value)}")
    return value


@dataclass(frozen=True, slots=True)
class _Nested:
    """A field holding an array of tables, each loaded as a `cls`."""

    cls: type


def _image_id(value: object) -> str:
    if not isinstance(value, str) or not IMAGE_ID.fullmatch(value):
        raise _Invalid(f"expected 'ami-' and 8 or 17 lower-case hex digits, got {_kind(value)}")
    return value


_SCALARS: dict[str, Checker] = {
    "region": _name,
    "boot_seconds": _duration,
    "stop_seconds": _duration,
    "terminated_retention_seconds": _duration,
    "default_instance_type": _optional_name,
}
_FIELDS: dict[type, dict[str, Checker | _Nested]] = {
    Account: {
        "name": _name,
        "secret": _secret,
        "id": _account_id,
        "key_pairs": _Nested(KeyPairSpec),
        "security_groups": _Nested(SecurityGroupSpec),
    },
    KeyPairSpec: {"name": _name, "public_key": _name},
    SecurityGroupSpec: {"name": _name, "description": _string, "ingress": _Nested(IngressRuleSpec)},
    IngressRuleSpec: {
        "protocol": _name,
        "cidr": _name,
        "from_port": _port,
        "to_port": _port,
        "description": _string,
    },
    InstanceType: {
        "name": _name,
        "architecture": _name,
        "memory_gb": _amount,
        "storage_gb": _optional_amount,
        "cpus": _count,
        "current_generation": _flag,
    },
    Zone: {"name": _name, "state": _name, "limit": _limit},
    MachineImage: {
        "id": _image_id,
        "name": _string,
        "architecture": _name,
        "owner": _name,
        "public": _flag,
        "description": _string,
    },
}
_TABLES: dict[str, Checker] = {"default_instance_types": _name}
"""Settings that are a table of names: `[default_instance_types]` (architecture = type name)."""
_OPTIONAL: dict[type, dict[str, object]] = {InstanceType: {"storage_gb": None}}
"""Fields a file may leave out although the class requires them, and their value then."""
_ARRAYS: dict[str, type] = {
    "accounts": Account,
    "instance_types": InstanceType,
    "zones": Zone,
    "images": MachineImage,
}
_KNOWN = (*_SCALARS, *_TABLES, *_ARRAYS)


def _load_array(cls: type, value: object, where: str) -> tuple[Any, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: expected an array of tables, got {_kind(value)}")
    return tuple(_load_item(cls, item, f"{where}[{index}]") for index, item in enumerate(value))


def _load_table(checker: Checker, value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected a table, got {_kind(value)}")
    return {key: _check(checker, item, f"{where}.{key}") for key, item in value.items()}


def _load_item(cls: type, item: object, where: str) -> Any:
    if not isinstance(item, Mapping):
        raise ConfigError(f"{where}: expected a table, got {_kind(item)}")
    checkers = _FIELDS[cls]
    unknown = [key for key in item if key not in checkers]
    if unknown:
        raise ConfigError(
            f"{where}: unknown field {unknown[0]!r} (expected one of {', '.join(checkers)})"
        )
    optional = _OPTIONAL.get(cls, {})
    for spec in dataclasses.fields(cls):
        required = spec.default is dataclasses.MISSING and spec.name not in optional
        if required and spec.name not in item:
            raise ConfigError(f"{where}: missing field {spec.name!r}")
    values = {}
    for key, value in item.items():
        checker = checkers[key]
        values[key] = (
            _load_array(checker.cls, value, f"{where}.{key}")
            if isinstance(checker, _Nested)
            else _check(checker, value, f"{where}.{key}")
        )
    return cls(**{**optional, **values})
