"""dctck: the Deltacloud Driver SPI in Python, and the kit that certifies drivers against it."""

from __future__ import annotations

from dctck._clock import VirtualClock
from dctck._driver import BaseDriver, Credentials, Features, Opts, StateDeclaration
from dctck._errors import (
    ActionNotAllowed,
    AuthException,
    DriverError,
    DriverLoadError,
    NotFound,
    ProviderError,
    ValidationError,
)
from dctck._filters import filter_on
from dctck._loader import load_driver
from dctck._models import INSTANCE_STATES, HardwareProfile, Image, Instance, Realm
from dctck._states import ACTIONS, AUTO, STATE_NAMES, StateMachine, Transition, TransitionTracker

__version__ = "0.1.0"

__all__ = [
    "ACTIONS",
    "AUTO",
    "ActionNotAllowed",
    "AuthException",
    "BaseDriver",
    "Credentials",
    "DriverError",
    "DriverLoadError",
    "Features",
    "HardwareProfile",
    "INSTANCE_STATES",
    "Image",
    "Instance",
    "NotFound",
    "Opts",
    "ProviderError",
    "Realm",
    "STATE_NAMES",
    "StateDeclaration",
    "StateMachine",
    "Transition",
    "TransitionTracker",
    "ValidationError",
    "VirtualClock",
    "__version__",
    "filter_on",
    "load_driver",
]
