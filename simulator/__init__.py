"""An in-process, EC2-style cloud simulator running on a virtual clock.

It knows nothing of dctck: it is a provider, which drivers and an HTTP layer put in front of.
"""

from __future__ import annotations

from simulator._audit import AuditEntry
from simulator._catalogue import Account, InstanceType, MachineImage, Zone
from simulator._clock import Clock, ManualClock, RealClock
from simulator._config import SimulatorConfig, default_config, load_config
from simulator._errors import (
    AuthFailure,
    CapacityExceeded,
    ConfigError,
    IncorrectState,
    InjectedFault,
    InvalidParameter,
    MalformedInstanceId,
    SimulatorError,
    Throttled,
    UnknownImage,
    UnknownInstance,
    UnknownInstanceType,
    UnknownZone,
)
from simulator._faults import FaultInjector
from simulator._instances import InstanceFacts, InstanceView, StateChange
from simulator._lifecycle import STATE_CODES, STATES
from simulator._simulator import OPERATIONS, Simulator

__all__ = [
    "OPERATIONS",
    "STATES",
    "STATE_CODES",
    "Account",
    "AuditEntry",
    "AuthFailure",
    "CapacityExceeded",
    "Clock",
    "ConfigError",
    "FaultInjector",
    "IncorrectState",
    "InjectedFault",
    "InstanceFacts",
    "InstanceType",
    "InstanceView",
    "InvalidParameter",
    "MachineImage",
    "MalformedInstanceId",
    "ManualClock",
    "RealClock",
    "Simulator",
    "SimulatorConfig",
    "SimulatorError",
    "StateChange",
    "Throttled",
    "UnknownImage",
    "UnknownInstance",
    "UnknownInstanceType",
    "UnknownZone",
    "Zone",
    "default_config",
    "load_config",
]
