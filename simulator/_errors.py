"""The simulator's exceptions: one tree, EC2 error codes.

SimulatorError                  code: the EC2 error code; message: one line
├── AuthFailure                 "AuthFailure"
├── UnknownInstance             "InvalidInstanceID.NotFound"
├── MalformedInstanceId         "InvalidInstanceID.Malformed"
├── UnknownImage                "InvalidAMIID.NotFound"
├── InvalidParameter            "InvalidParameterValue"
│   ├── UnknownInstanceType     "InvalidParameterValue"
│   └── UnknownZone             "InvalidParameterValue"
├── IncorrectState              "IncorrectInstanceState"
├── CapacityExceeded            "InsufficientInstanceCapacity"
├── Throttled                   "RequestLimitExceeded"
├── InjectedFault               the code given to the fault injector
├── ConfigError                 "InvalidConfiguration"
├── UnknownKeyPair              "InvalidKeyPair.NotFound"
├── DuplicateKeyPair            "InvalidKeyPair.Duplicate"
├── InvalidKeyFormat            "InvalidKeyPair.Format"
├── UnknownGroup                "InvalidGroup.NotFound"
├── MalformedGroupId            "InvalidGroupId.Malformed"
├── DuplicateGroup              "InvalidGroup.Duplicate"
├── ReservedGroup               "InvalidGroup.Reserved"
├── DuplicatePermission         "InvalidPermission.Duplicate"
├── UnknownPermission           "InvalidPermission.NotFound"
├── DependencyViolation         "DependencyViolation"
└── CannotDelete                "CannotDelete"
"""

from __future__ import annotations

from collections.abc import Iterable


class SimulatorError(Exception):
    """Base of every error the simulator raises on purpose."""

    code: str = "InternalError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthFailure(SimulatorError):
    """Raised for an unknown account name or a wrong secret."""

    code = "AuthFailure"


class _InstanceIdError(SimulatorError):
    """An error about some instance ids; `ids` holds the offending ones, in the order given."""

    def __init__(self, message: str, ids: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.ids = tuple(ids)


class UnknownInstance(_InstanceIdError):
    """Raised when an instance id names no instance the account can see."""

    code = "InvalidInstanceID.NotFound"


class MalformedInstanceId(_InstanceIdError):
    """Raised when an instance id is not `i-` followed by 8 or 17 lower-case hex digits."""

    code = "InvalidInstanceID.Malformed"


class UnknownImage(SimulatorError):
    """Raised when an image id names no image the account can see."""

    code = "InvalidAMIID.NotFound"


class InvalidParameter(SimulatorError):
    """Raised for a malformed request: a bad count, a wrong type, a bad tag."""

    code = "InvalidParameterValue"


class UnknownInstanceType(InvalidParameter):
    """Raised when run_instances names an instance type the catalogue does not have."""


class UnknownZone(InvalidParameter):
    """Raised when run_instances names a zone the region does not have."""


class IncorrectState(_InstanceIdError):
    """Raised when an action is not allowed from an instance's current state."""

    code = "IncorrectInstanceState"


class CapacityExceeded(SimulatorError):
    """Raised when no zone (or not the zone asked for) can take `min_count` more instances."""

    code = "InsufficientInstanceCapacity"


class Throttled(SimulatorError):
    """Raised when an operation is called faster than a `throttle` fault allows."""

    code = "RequestLimitExceeded"


class InjectedFault(SimulatorError):
    """Raised by `fail_next` and `fail_randomly` faults, with the code they were given."""

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(message if message is not None else f"Injected fault: {code}")
        self.code = code


class ConfigError(SimulatorError):
    """Raised when a configuration (a file or a `SimulatorConfig`) is malformed."""

    code = "InvalidConfiguration"


class UnknownKeyPair(SimulatorError):
    """Raised when a key pair name or id names no key pair of the account."""

    code = "InvalidKeyPair.NotFound"


class DuplicateKeyPair(SimulatorError):
    """Raised when a key pair is created or imported under a name the account already uses."""

    code = "InvalidKeyPair.Duplicate"


class InvalidKeyFormat(SimulatorError):
    """Raised when imported public key material is not an RSA or ed25519 key EC2 accepts."""

    code = "InvalidKeyPair.Format"


class UnknownGroup(SimulatorError):
    """Raised when a security group id or name names no group of the account."""

    code = "InvalidGroup.NotFound"


class MalformedGroupId(SimulatorError):
    """Raised when a security group id is not `sg-` followed by 8 or 17 lower-case hex digits."""

    code = "InvalidGroupId.Malformed"


class DuplicateGroup(SimulatorError):
    """Raised when a security group is created under a name the account already uses."""

    code = "InvalidGroup.Duplicate"


class ReservedGroup(SimulatorError):
    """Raised when a security group is created under the reserved name `default`."""

    code = "InvalidGroup.Reserved"


class DuplicatePermission(SimulatorError):
    """Raised when an ingress rule being authorized already exists in the group."""

    code = "InvalidPermission.Duplicate"


class UnknownPermission(SimulatorError):
    """Raised when an ingress rule being revoked does not exist in the group."""

    code = "InvalidPermission.NotFound"


class DependencyViolation(SimulatorError):
    """Raised when a security group still in use (by an instance or a rule) is deleted."""

    code = "DependencyViolation"


class CannotDelete(SimulatorError):
    """Raised when the account's `default` security group is deleted."""

    code = "CannotDelete"
