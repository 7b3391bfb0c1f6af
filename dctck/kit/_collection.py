"""The declared state machine at collection time, for suites that generate checks from it.

Only the fsm suite needs it (SPEC 5 states and actions decide which checks exist). The machine is
read once per session from the driver given with ``--dctck-driver``, through a bounded call, before
any call with credentials.
"""

from __future__ import annotations

from typing import Any

import pytest

from dctck._states import StateMachine
from dctck.kit._calls import Outcome
from dctck.kit._subject import Subject

__all__ = ["declared_machine", "instance_states_at_collection", "remember_driver"]

_DRIVER = pytest.StashKey[tuple[Any, float]]()
_READING = pytest.StashKey[tuple[Outcome, StateMachine] | None]()


def remember_driver(config: pytest.Config, driver: Any, timeout: float) -> None:
    """Make ``driver`` known at collection (the plugin calls this once it loaded the driver)."""
    config.stash[_DRIVER] = (driver, timeout)


def instance_states_at_collection(config: pytest.Config) -> Outcome | None:
    """What ``instance_states()`` did when the checks were collected; ``None`` when the driver
    is not known then (it comes from a ``dctck_driver`` fixture)."""
    reading = _reading(config)
    return reading[0] if reading is not None else None


def declared_machine(config: pytest.Config) -> StateMachine | None:
    """The machine declared at collection (with problems if the call failed), or ``None`` when
    the driver is not known then. Collection never fails because of the driver."""
    reading = _reading(config)
    return reading[1] if reading is not None else None


def _reading(config: pytest.Config) -> tuple[Outcome, StateMachine] | None:
    if _READING not in config.stash:
        config.stash[_READING] = _read(config)
    return config.stash[_READING]


def _read(config: pytest.Config) -> tuple[Outcome, StateMachine] | None:
    remembered = config.stash.get(_DRIVER, None)
    if remembered is None:
        return None
    driver, timeout = remembered
    subject = Subject(driver, {}, timeout=timeout)
    try:
        return subject.read_machine()
    finally:
        subject.close()
