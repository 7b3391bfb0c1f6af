"""The declared state machine at collection time, for suites that generate checks from it.

Only the fsm suite needs it (SPEC 5 states and actions decide which checks exist). The machine is
read once per session from the driver given with ``--dctck-driver``, through a bounded call.
"""

from __future__ import annotations

import pytest

from dctck._states import StateMachine
from dctck.kit._subject import DEFAULT_TIMEOUT, Subject

__all__ = ["declared_machine"]

_PLUGIN_NAME = "dctck-certification"
_MACHINE = pytest.StashKey[StateMachine | None]()


def declared_machine(config: pytest.Config) -> StateMachine | None:
    """The driver's declared machine, or ``None`` when the driver is not known at collection
    (it comes from a ``dctck_driver`` fixture). A failing ``instance_states()`` gives a machine
    with problems; collection never fails because of the driver."""
    if _MACHINE not in config.stash:
        config.stash[_MACHINE] = _read(config)
    return config.stash[_MACHINE]


def _read(config: pytest.Config) -> StateMachine | None:
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
    return StateMachine(outcome.value if outcome.returned else [])
