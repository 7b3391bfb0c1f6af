"""The declared state machine at collection time, for suites that generate checks from it.

Only the fsm suite needs it (SPEC 5 states and actions decide which checks exist). The machine is
read once per session from the driver given with ``--dctck-driver``, through a bounded call, before
any call with credentials.
"""

from __future__ import annotations

import pytest

from dctck._states import StateMachine
from dctck.kit._calls import Outcome
from dctck.kit._subject import DEFAULT_TIMEOUT, Subject

__all__ = ["declared_machine", "instance_states_at_collection"]

_PLUGIN_NAME = "dctck-certification"
_READING = pytest.StashKey[tuple[Outcome, StateMachine] | None]()


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
    settings = getattr(config.pluginmanager.get_plugin(_PLUGIN_NAME), "settings", None)
    driver = getattr(settings, "driver", None)
    if driver is None:
        return None
    timeout = getattr(settings, "timeout", None)
    subject = Subject(
        driver, {}, timeout=timeout if isinstance(timeout, float) else DEFAULT_TIMEOUT
    )
    try:
        outcome = subject.call("instance_states")
    finally:
        subject.close()
    return outcome, StateMachine(outcome.value if outcome.returned else [])
