"""The key pair actions: CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import TYPE_CHECKING

from simulator._keypairs import KEY_TYPES, KeyPair
from simulator.ec2._errors import invalid
from simulator.ec2._filters import Attribute, parse_filters
from simulator.ec2._shapes import timestamp
from simulator.ec2._xml import element, item_set

if TYPE_CHECKING:
    from simulator.ec2._actions import Call

KEY_PAIR_FILTERS: Mapping[str, Attribute[KeyPair]] = {
    "key-name": lambda pair: (pair.name,),
    "key-pair-id": lambda pair: (pair.id,),
    "fingerprint": lambda pair: (pair.fingerprint,),
    "key-type": lambda pair: (pair.key_type,),
}


def create_key_pair(call: Call) -> str:
    """CreateKeyPair: KeyName, KeyType (rsa, ed25519), KeyFormat (pem)."""
    p = call.params
    name = p.string("KeyName", required=True)
    key_type = p.string("KeyType") or "rsa"
    if key_type not in KEY_TYPES:
        raise invalid("KeyType", key_type, f"Expected one of {', '.join(KEY_TYPES)}")
    key_format = p.string("KeyFormat") or "pem"
    if key_format != "pem":
        raise invalid("KeyFormat", key_format, "The simulator hands out pem keys only")
    call.ready()
    assert name is not None
    pair, private_key = call.sim.create_key_pair(call.account, name, key_type)
    return (
        f"{element('keyName', pair.name)}{element('keyFingerprint', pair.fingerprint)}"
        f"{element('keyMaterial', private_key)}{element('keyPairId', pair.id)}"
    )


def import_key_pair(call: Call) -> str:
    """ImportKeyPair: KeyName, PublicKeyMaterial (base64 of an OpenSSH, RFC 4716, PEM or DER
    public key; RSA or ed25519)."""
    p = call.params
    name = p.string("KeyName", required=True)
    encoded = p.string("PublicKeyMaterial", required=True)
    assert name is not None
    assert encoded is not None
    try:
        material = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(
            "PublicKeyMaterial", encoded[:40], "It must be the base64 of the public key"
        ) from None
    call.ready()
    pair = call.sim.import_key_pair(call.account, name, material)
    return (
        f"{element('keyFingerprint', pair.fingerprint)}{element('keyName', pair.name)}"
        f"{element('keyPairId', pair.id)}"
    )


def describe_key_pairs(call: Call) -> str:
    """DescribeKeyPairs: KeyName, KeyPairId, Filter, IncludePublicKey."""
    p = call.params
    names = p.strings("KeyName")
    ids = p.strings("KeyPairId")
    predicate = parse_filters(p, KEY_PAIR_FILTERS)
    with_public = bool(p.boolean("IncludePublicKey"))
    call.ready()
    pairs = call.sim.describe_key_pairs(call.account, names or None, ids or None)
    if predicate is not None:
        pairs = [pair for pair in pairs if predicate(pair)]
    return item_set("keySet", (key_pair(pair, with_public) for pair in pairs))


def delete_key_pair(call: Call) -> str:
    """DeleteKeyPair: KeyName or KeyPairId (a name that names nothing is not an error)."""
    name, key_pair_id = call.params.either("KeyName", "KeyPairId")
    call.ready()
    deleted = call.sim.delete_key_pair(call.account, name, key_pair_id)
    return "<return>true</return>" + element("keyPairId", deleted.id if deleted else None)


def key_pair(pair: KeyPair, with_public: bool) -> str:
    """One item of DescribeKeyPairs; the public key (with the key name as its comment) only
    when asked for."""
    public = f"{pair.public_key} {pair.name}" if with_public else None
    return (
        f"{element('keyPairId', pair.id)}{element('keyType', pair.key_type)}"
        f"{element('keyName', pair.name)}{element('keyFingerprint', pair.fingerprint)}"
        f"{element('publicKey', public)}{element('createTime', timestamp(pair.created_at))}"
        "<tagSet/>"
    )
