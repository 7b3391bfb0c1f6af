"""EC2's key pairs and security groups: the `Simulator` operations on them, as a mixin.

The data and their rules live in `simulator._keypairs` and `simulator._security_groups`; this
module adds the account checks, the audit entries and the argument checks of the operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from simulator import _keypairs as keypairs
from simulator import _lifecycle as lifecycle
from simulator._audit import AVAILABLE, DELETED, KEY_PAIR, SECURITY_GROUP
from simulator._catalogue import Account
from simulator._config import SimulatorConfig
from simulator._core import Controls, Operations
from simulator._errors import DuplicateKeyPair, InvalidParameter, UnknownKeyPair
from simulator._instances import IdMaker, Record
from simulator._keypairs import KeyMaterial, KeyPair
from simulator._security_groups import (
    DEFAULT_GROUP,
    GroupTable,
    Permission,
    Rule,
    SecurityGroup,
)

_OPERATIONS = Operations()
_operation = _OPERATIONS
_operation_named = _OPERATIONS.named


class KeyPairsAndGroups(Controls[SimulatorConfig]):
    """The key-pair and security-group operations of `Simulator`, which provides `_index`
    (an account's instances, checking the account) and starts the tables empty."""

    _key_pairs: dict[str, dict[str, KeyPair]]
    _groups: dict[str, GroupTable]
    _resource_ids: IdMaker
    _used_ids: set[str]

    def _index(self, account: str) -> dict[str, Record]:
        raise NotImplementedError

    def _furnish(self, account: Account) -> None:
        """Give `account` what it starts with: its groups and key pairs (not audited)."""
        table = GroupTable(account.name, account.id, self._fresh_resource_id)
        table.create(DEFAULT_GROUP, "default VPC security group", reserved_ok=True)
        for spec in account.security_groups:
            group = table.create(spec.name, spec.description)
            rules = [
                Permission(rule.protocol, rule.from_port, rule.to_port, cidr=rule.cidr,
                           description=rule.description)
                for rule in spec.ingress
            ]  # fmt: skip
            if rules:
                table.authorize(group.id, rules)
        self._groups[account.name] = table
        pairs: dict[str, KeyPair] = {}
        for pair in account.key_pairs:
            material = keypairs.from_public_key(pair.public_key)
            pairs[pair.name] = self._key_pair(account.name, pair.name, material)
        self._key_pairs[account.name] = pairs

    # Key pairs

    def create_key_pair(
        self, account: str, name: str, key_type: str = "rsa"
    ) -> tuple[KeyPair, str]:
        """A new key pair of `key_type` ("rsa", 2048 bits, or "ed25519") named `name`, and its
        private key in PEM, which the simulator does not keep."""
        material = keypairs.generate(key_type)  # outside the lock: RSA takes milliseconds
        return self._store_created_key(account, name, material)

    @_operation_named("create_key_pair")
    def _store_created_key(
        self, account: str, name: str, material: KeyMaterial
    ) -> tuple[KeyPair, str]:
        pair = self._add_key_pair(account, name, material, "create_key_pair")
        return pair, material.private_key

    @_operation
    def import_key_pair(self, account: str, name: str, public_key: bytes | str) -> KeyPair:
        """A key pair named `name` from a user's public key (OpenSSH, RFC 4716, PEM or base64
        DER; RSA of 1024 to 4096 bits, or ed25519)."""
        self._index(account)
        return self._add_key_pair(
            account, name, keypairs.from_public_key(public_key), "import_key_pair"
        )

    @_operation
    def describe_key_pairs(
        self,
        account: str,
        names: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[KeyPair]:
        """The account's key pairs in creation order; with `names` or `ids`, exactly those."""
        return self._find_key_pairs(account, names, ids)

    @_operation
    def delete_key_pair(
        self, account: str, name: str | None = None, key_pair_id: str | None = None
    ) -> KeyPair | None:
        """Delete a key pair by name or by id; the one deleted. Deleting a name that names
        no key pair succeeds (None), as on EC2; an unknown id is `UnknownKeyPair`."""
        if (name is None) == (key_pair_id is None):
            raise InvalidParameter("Give a key pair name or a key pair id, not both")
        pairs = self._key_pairs_of(account)
        if name is not None:
            found = pairs.get(name) if isinstance(name, str) else None
            if found is None:
                return None
        else:
            [found] = self._find_key_pairs(account, ids=[key_pair_id])  # type: ignore[list-item]
        del pairs[found.name]
        self._note(KEY_PAIR, found.id, account, AVAILABLE, DELETED, "delete_key_pair")
        return found

    # Security groups

    @_operation
    def describe_security_groups(
        self,
        account: str,
        ids: Sequence[str] | None = None,
        names: Sequence[str] | None = None,
    ) -> list[SecurityGroup]:
        """The account's security groups in creation order; with `ids` or `names`, exactly
        those (ids first)."""
        table = self._group_table(account)
        return table.find(
            None if ids is None else strings(ids, "ids"),
            None if names is None else strings(names, "names"),
        )

    @_operation
    def create_security_group(self, account: str, name: str, description: str) -> SecurityGroup:
        """A new group (no ingress, all egress) in the account's default VPC."""
        group = self._group_table(account).create(name, description)
        self._note(SECURITY_GROUP, group.id, account, None, AVAILABLE, "create_security_group")
        return group

    @_operation
    def authorize_security_group_ingress(
        self,
        account: str,
        permissions: Sequence[Permission],
        *,
        group_id: str | None = None,
        group_name: str | None = None,
    ) -> list[Rule]:
        """Add ingress rules to a group (by id or name); one already there and none is added."""
        return self._change_ingress(account, permissions, group_id, group_name, revoke=False)

    @_operation
    def revoke_security_group_ingress(
        self,
        account: str,
        permissions: Sequence[Permission],
        *,
        group_id: str | None = None,
        group_name: str | None = None,
    ) -> list[Rule]:
        """Remove ingress rules from a group (by id or name); one not there and none goes."""
        return self._change_ingress(account, permissions, group_id, group_name, revoke=True)

    @_operation
    def delete_security_group(
        self, account: str, *, group_id: str | None = None, group_name: str | None = None
    ) -> SecurityGroup:
        """Delete a group (by id or name): not `default`, nor one an instance that is not
        terminated or another group's rule uses (`DependencyViolation`)."""
        table = self._group_table(account)
        group = self._resolve_group(table, group_id, group_name)
        index = self._index(account)

        def in_use(wanted: str) -> bool:
            return any(
                record.state != lifecycle.TERMINATED
                and any(pair[0] == wanted for pair in record.groups)
                for record in index.values()
            )

        deleted = table.delete(group.id, in_use)
        self._note(SECURITY_GROUP, deleted.id, account, AVAILABLE, DELETED, "delete_security_group")
        return deleted

    def _note(
        self, kind: str, resource_id: str, account: str, source: str | None, to: str, cause: str
    ) -> None:
        """Audit a change of a key pair or security group, now."""
        self._audit.record(resource_id, account, source, to, cause, self._now, kind)

    def _key_pairs_of(self, account: str) -> dict[str, KeyPair]:
        self._index(account)
        return self._key_pairs[account]

    def _key_pair(self, account: str, name: str, material: KeyMaterial) -> KeyPair:
        return KeyPair(
            self._fresh_resource_id("key"), name, account, material.key_type,
            material.fingerprint, material.public_key, self._now,
        )  # fmt: skip

    def _add_key_pair(self, account: str, name: str, material: KeyMaterial, cause: str) -> KeyPair:
        pairs = self._key_pairs_of(account)
        _key_name(name)
        if name in pairs:
            raise DuplicateKeyPair(f"The keypair '{name}' already exists.")
        pair = self._key_pair(account, name, material)
        pairs[name] = pair
        self._note(KEY_PAIR, pair.id, account, None, AVAILABLE, cause)
        return pair

    def _find_key_pairs(
        self,
        account: str,
        names: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[KeyPair]:
        pairs = self._key_pairs_of(account)
        if names is None and ids is None:
            return list(pairs.values())
        by_id = {pair.id: pair for pair in pairs.values()}
        found: list[KeyPair] = []
        for key_pair_id in unique(strings(ids or (), "ids")):
            if key_pair_id not in by_id:
                raise UnknownKeyPair(f"The key pair ID '{key_pair_id}' does not exist")
            found.append(by_id[key_pair_id])
        for name in unique(strings(names or (), "names")):
            if name not in pairs:
                raise UnknownKeyPair(f"The key pair '{name}' does not exist")
            found.append(pairs[name])
        return list(dict.fromkeys(found))

    def _group_table(self, account: str) -> GroupTable:
        self._index(account)
        return self._groups[account]

    def _change_ingress(
        self,
        account: str,
        permissions: Sequence[Permission],
        group_id: str | None,
        group_name: str | None,
        *,
        revoke: bool,
    ) -> list[Rule]:
        table = self._group_table(account)
        group = self._resolve_group(table, group_id, group_name)
        change = table.revoke if revoke else table.authorize
        rules = change(group.id, _permissions(permissions))
        operation = f"{'revoke' if revoke else 'authorize'}_security_group_ingress"
        self._note(SECURITY_GROUP, group.id, account, AVAILABLE, AVAILABLE, operation)
        return rules

    def _resolve_group(
        self, table: GroupTable, group_id: str | None, group_name: str | None
    ) -> SecurityGroup:
        if (group_id is None) == (group_name is None):
            raise InvalidParameter("Give a security group id or a security group name")
        if group_id is not None:
            return table.resolve(_string(group_id, "group_id"))
        return table.resolve(_string(group_name, "group_name"), by_name=True)

    def _launch_groups(
        self, account: str, ids: Sequence[str] | None, names: Sequence[str] | None
    ) -> tuple[tuple[str, str], ...]:
        """(id, name) of the groups named by `ids` and `names`; `default` when neither."""
        table = self._group_table(account)
        if not ids and not names:
            return table.names([table.resolve(DEFAULT_GROUP, by_name=True).id])
        groups = table.find(
            strings(ids, "security_group_ids") if ids else [],
            strings(names, "security_group_names") if names else [],
        )
        return tuple((group.id, group.name) for group in groups)

    def _fresh_resource_id(self, prefix: str) -> str:
        while True:
            resource_id = self._resource_ids.make(prefix)
            if resource_id not in self._used_ids:
                self._used_ids.add(resource_id)
                return resource_id


RESOURCE_OPERATIONS: tuple[str, ...] = _OPERATIONS.names
"""The operations on key pairs and security groups, sorted."""


def strings(values: Iterable[str], what: str) -> list[str]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise InvalidParameter(f"{what} must be a list of strings, got {values!r}")
    values = list(values)
    bad = [value for value in values if not isinstance(value, str)]
    if bad:
        raise InvalidParameter(f"{what} must be a list of strings, got {bad[0]!r} in it")
    return values


def _string(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidParameter(f"{what} must be a string, got {value!r}")
    return value


def _key_name(name: object) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= 255 or not name.isascii():
        raise InvalidParameter(f"Invalid value '{name}' for KeyName: 1 to 255 ASCII characters")
    return name


def _permissions(permissions: Sequence[Permission]) -> list[Permission]:
    if isinstance(permissions, str | bytes) or not isinstance(permissions, Iterable):
        raise InvalidParameter(f"permissions must be a list of Permission, got {permissions!r}")
    items = list(permissions)
    if not items or not all(isinstance(item, Permission) for item in items):
        raise InvalidParameter("permissions must be a non-empty list of Permission")
    return items


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
