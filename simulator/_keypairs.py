"""Key pairs: real RSA and ed25519 key material, fingerprinted as EC2 fingerprints it.

EC2 keeps the public half only. Its fingerprint depends on how the key pair came to be:

- created by EC2, RSA: the SHA-1 digest of the private key in DER PKCS#8, as colon hex;
- imported, RSA: the MD5 digest of the public key in DER (SubjectPublicKeyInfo), colon hex;
- ed25519, created or imported: the base64 SHA-256 digest of the OpenSSH key blob.

A created RSA private key is handed out as PEM PKCS#1 (`BEGIN RSA PRIVATE KEY`), an ed25519
one in the OpenSSH format (`BEGIN OPENSSH PRIVATE KEY`), as EC2 hands them out.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from simulator._errors import InvalidKeyFormat, InvalidParameter

KEY_TYPES = ("rsa", "ed25519")
"""The key types EC2 creates and imports."""

KEY_PAIR_ID = re.compile(r"key-[0-9a-f]{17}")
"""A well-formed key pair id."""

RSA_BITS = (1024, 4096)
"""The smallest and largest RSA modulus accepted on import, in bits."""

_RSA_CREATED_BITS = 2048
_NO_PASSWORD = serialization.NoEncryption()
_SSH2_BEGIN = "---- BEGIN SSH2 PUBLIC KEY ----"
_SSH2_END = "---- END SSH2 PUBLIC KEY ----"


@dataclass(frozen=True, slots=True)
class KeyMaterial:
    """A key's type, its EC2 fingerprint, its public half (one OpenSSH line, no comment), and
    its private half in PEM (empty for an imported key: EC2 never sees it)."""

    key_type: str
    fingerprint: str
    public_key: str
    private_key: str = ""


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A key pair of an account, as EC2 keeps it: no private key."""

    id: str
    name: str
    account: str
    key_type: str
    fingerprint: str
    public_key: str
    created_at: float


def generate(key_type: str) -> KeyMaterial:
    """A fresh key pair of `key_type` ("rsa": 2048 bits, or "ed25519")."""
    if key_type == "rsa":
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=_RSA_CREATED_BITS)
        pkcs8 = rsa_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, _NO_PASSWORD
        )
        private = rsa_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, _NO_PASSWORD
        )
        return KeyMaterial(
            "rsa", _colon_hex(hashlib.sha1(pkcs8).digest()), _openssh(rsa_key.public_key()),
            private.decode("ascii"),
        )  # fmt: skip
    if key_type == "ed25519":
        ed_key = ed25519.Ed25519PrivateKey.generate()
        private = ed_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, _NO_PASSWORD
        )
        public = _openssh(ed_key.public_key())
        return KeyMaterial("ed25519", _sha256_fingerprint(public), public, private.decode("ascii"))
    raise InvalidParameter(
        f"Invalid value '{key_type}' for KeyType: expected one of {', '.join(KEY_TYPES)}"
    )


def from_public_key(material: bytes | str) -> KeyMaterial:
    """The imported key in `material`: an OpenSSH public key line, an RFC 4716 (SSH2) public
    key file, a PEM public key, or base64 DER. `InvalidKeyFormat` for anything else."""
    if isinstance(material, bytes):
        try:
            material = material.decode("ascii")
        except UnicodeDecodeError:
            raise _bad_format("it is not ASCII text") from None
    text = material.strip()
    try:
        if text.startswith(_SSH2_BEGIN):
            key = _load_ssh2(text)
        elif text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
        elif text.startswith(("ssh-", "ecdsa-", "sk-")):
            key = serialization.load_ssh_public_key(text.encode("ascii"))
        else:
            key = serialization.load_der_public_key(base64.b64decode(text, validate=True))
    except (ValueError, UnsupportedAlgorithm, binascii.Error):
        raise _bad_format("it is not a public key in a format EC2 reads") from None
    if isinstance(key, rsa.RSAPublicKey):
        if not RSA_BITS[0] <= key.key_size <= RSA_BITS[1]:
            raise _bad_format(
                f"an RSA key must have {RSA_BITS[0]} to {RSA_BITS[1]} bits, this one has "
                f"{key.key_size}"
            )
        der = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return KeyMaterial("rsa", _colon_hex(hashlib.md5(der).digest()), _openssh(key))
    if isinstance(key, ed25519.Ed25519PublicKey):
        public = _openssh(key)
        return KeyMaterial("ed25519", _sha256_fingerprint(public), public)
    raise _bad_format("only RSA and ed25519 keys can be imported")


def _load_ssh2(text: str) -> object:
    """The key of an RFC 4716 file: header lines (`Name: value`, continued by a final `\\`),
    then the base64 of the SSH key blob."""
    lines = text.splitlines()
    if lines[-1].strip() != _SSH2_END:
        raise ValueError("no end line")
    body: list[str] = []
    continued = False
    for line in lines[1:-1]:
        line = line.strip()
        if continued or (":" in line and not body):
            continued = line.endswith("\\")
            continue
        body.append(line)
    blob = base64.b64decode("".join(body), validate=True)
    if len(blob) < 4:
        raise ValueError("blob too short")
    size = int.from_bytes(blob[:4], "big")
    name = blob[4 : 4 + size].decode("ascii")
    line = f"{name} {base64.b64encode(blob).decode('ascii')}"
    return serialization.load_ssh_public_key(line.encode("ascii"))


def _openssh(key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode("ascii")


def _sha256_fingerprint(public_line: str) -> str:
    blob = base64.b64decode(public_line.split()[1])
    return base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii")


def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{byte:02x}" for byte in digest)


def _bad_format(why: str) -> InvalidKeyFormat:
    return InvalidKeyFormat(f"Key is not in valid OpenSSH public key format: {why}")
