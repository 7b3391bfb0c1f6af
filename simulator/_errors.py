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
└── ConfigError                 "InvalidConfiguration"
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
