"""What the cloud offers: accounts, instance types, zones and machine images."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IngressRuleSpec:
    """An ingress rule a configured security group starts with (one CIDR peer)."""

    protocol: str
    cidr: str
    from_port: int | None = None
    to_port: int | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class SecurityGroupSpec:
    """A security group an account starts with."""

    name: str
    description: str
    ingress: tuple[IngressRuleSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class KeyPairSpec:
    """A key pair an account starts with: its name and public key (as ImportKeyPair takes it)."""

    name: str
    public_key: str


@dataclass(frozen=True, slots=True)
class Account:
    """An account: its name is the access key id, its secret the secret key.

    `id` is its 12-digit account id (EC2's owner id): derived from the name when not given.
    `key_pairs` and `security_groups` are what it starts with (besides its `default` group).
    """

    name: str
    secret: str
    id: str = ""
    key_pairs: tuple[KeyPairSpec, ...] = ()
    security_groups: tuple[SecurityGroupSpec, ...] = ()

    def __post_init__(self) -> None:
        if not self.id and isinstance(self.name, str):
            object.__setattr__(self, "id", derived_account_id(self.name))
        object.__setattr__(self, "key_pairs", tuple(self.key_pairs))
        object.__setattr__(self, "security_groups", tuple(self.security_groups))

    def __repr__(self) -> str:
        return f"Account(name={self.name!r}, secret='***', id={self.id!r})"


def derived_account_id(name: str) -> str:
    """The 12-digit account id of an account named `name` whose configuration gives none."""
    digest = hashlib.sha256(f"dctck-account:{name}".encode()).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**12:012d}"


@dataclass(frozen=True, slots=True)
class InstanceType:
    """A hardware profile: memory in GiB (EC2's MiB / 1024), instance storage in GB.

    `storage_gb` is None for a type without instance storage (EBS only).
    """

    name: str
    architecture: str
    memory_gb: float
    storage_gb: float | None
    cpus: int
    current_generation: bool = True


@dataclass(frozen=True, slots=True)
class Zone:
    """An availability zone; `limit` caps its instances that are not terminated (None: no cap)."""

    name: str
    state: str = "available"
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class MachineImage:
    """A machine image; `owner` is an account name, or a provider name for public images."""

    id: str
    name: str
    architecture: str
    owner: str
    public: bool
    description: str = ""

    def visible_to(self, account: str) -> bool:
        """Whether `account` may see and launch this image."""
        return self.public or self.owner == account


@dataclass(frozen=True, slots=True)
class Flavor:
    """An OpenStack flavor (Nova's hardware profile): memory `ram` in MiB, `disk` in GB."""

    id: str
    name: str
    vcpus: int
    ram: int
    disk: int
    swap: int = 0
    ephemeral: int = 0
    is_public: bool = True


@dataclass(frozen=True, slots=True)
class GlanceImage:
    """An OpenStack (Glance) image; `owner` is a project name, public images any owner name.

    `architecture` is Glance's property of that name (`x86_64`, `aarch64`; None: not set).
    """

    id: str
    name: str
    owner: str
    public: bool = True
    min_disk: int = 0
    min_ram: int = 0
    size: int = 0
    disk_format: str = "qcow2"
    container_format: str = "bare"
    architecture: str | None = None

    def visible_to(self, account: str) -> bool:
        """Whether the project `account` may see and boot this image."""
        return self.public or self.owner == account


def derived_uuid(kind: str, name: str) -> str:
    """A stable UUID-shaped id for the `kind` ("project", "user", ...) named `name`."""
    digest = hashlib.sha256(f"dctck-{kind}:{name}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


class Catalogue:
    """The catalogue indexed for lookups; order is the configuration's."""

    def __init__(
        self,
        accounts: Iterable[Account],
        instance_types: Iterable[InstanceType],
        zones: Iterable[Zone],
        images: Iterable[MachineImage],
    ) -> None:
        self.accounts = {account.name: account for account in accounts}
        self.instance_types = {kind.name: kind for kind in instance_types}
        self.zones = {zone.name: zone for zone in zones}
        self.images = {image.id: image for image in images}

    def visible_images(self, account: str) -> list[MachineImage]:
        """The public images and those `account` owns, in catalogue order."""
        return [image for image in self.images.values() if image.visible_to(account)]

    def default_instance_type(
        self, architecture: str, preferred: Mapping[str, str] | None = None
    ) -> InstanceType | None:
        """The instance type `preferred` names for `architecture`, else its first type, if any."""
        name = preferred.get(architecture) if preferred else None
        if name is not None:
            return self.instance_types[name]
        for kind in self.instance_types.values():
            if kind.architecture == architecture:
                return kind
        return None
