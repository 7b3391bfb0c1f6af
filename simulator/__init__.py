"""An in-process, EC2-style cloud simulator running on a virtual clock (OpenStack's, `NovaCloud`,
is in `simulator.openstack`, on the same core).

It knows nothing of dctck: it is a provider, which drivers and an HTTP layer put in front of.
"""

from __future__ import annotations

from simulator._audit import AuditEntry
from simulator._catalogue import (
    Account,
    IngressRuleSpec,
    InstanceType,
    KeyPairSpec,
    MachineImage,
    SecurityGroupSpec,
    Zone,
)
from simulator._clock import Clock, ManualClock, RealClock
from simulator._config import SimulatorConfig, default_config, load_config
from simulator._errors import (
    AuthFailure,
    CannotDelete,
    CapacityExceeded,
    ConfigError,
    DependencyViolation,
    DuplicateGroup,
    DuplicateKeyPair,
    DuplicatePermission,
    IncorrectState,
    InjectedFault,
    InvalidKeyFormat,
    InvalidParameter,
    MalformedGroupId,
    MalformedInstanceId,
    ReservedGroup,
    SimulatorError,
    Throttled,
    UnknownGroup,
    UnknownImage,
    UnknownInstance,
    UnknownInstanceType,
    UnknownKeyPair,
    UnknownPermission,
    UnknownZone,
)
from simulator._faults import FaultInjector
from simulator._instances import InstanceFacts, InstanceView, StateChange
from simulator._keypairs import KeyPair
from simulator._lifecycle import STATE_CODES, STATES
from simulator._security_groups import Permission, Rule, SecurityGroup
from simulator._simulator import OPERATIONS, Simulator

__all__ = [
    "OPERATIONS",
    "STATES",
    "STATE_CODES",
    "Account",
    "AuditEntry",
    "AuthFailure",
    "CannotDelete",
    "CapacityExceeded",
    "Clock",
    "ConfigError",
    "DependencyViolation",
    "DuplicateGroup",
    "DuplicateKeyPair",
    "DuplicatePermission",
    "FaultInjector",
    "IncorrectState",
    "IngressRuleSpec",
    "InjectedFault",
    "InstanceFacts",
    "InstanceType",
    "InstanceView",
    "InvalidKeyFormat",
    "InvalidParameter",
    "KeyPair",
    "KeyPairSpec",
    "MachineImage",
    "MalformedGroupId",
    "MalformedInstanceId",
    "ManualClock",
    "Permission",
    "RealClock",
    "ReservedGroup",
    "Rule",
    "SecurityGroup",
    "SecurityGroupSpec",
    "Simulator",
    "SimulatorConfig",
    "SimulatorError",
    "StateChange",
    "Throttled",
    "UnknownGroup",
    "UnknownImage",
    "UnknownInstance",
    "UnknownInstanceType",
    "UnknownKeyPair",
    "UnknownPermission",
    "UnknownZone",
    "Zone",
    "default_config",
    "load_config",
]
