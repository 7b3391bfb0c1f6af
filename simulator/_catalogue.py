"""What the cloud offers: accounts, instance types, zones and machine images."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Account:
    """An account: its name is the access key id, its secret the secret key."""

    name: str
    secret: str

    def __repr__(self) -> str:
        return f"Account(name={self.name!r}, secret='***')"


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
