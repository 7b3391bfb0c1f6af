"""Drivers for the interrupt tests: ``EC2Driver`` on ``DCTCK_EC2_ENDPOINT`` (a live ``dctck
simulate``) whose first ``create_instance`` pauses after the provider acted.

``RUN_TEST_MARKER`` names a file written (with the new instance's id) once the simulator has
launched the instance and before the driver returns it; the driver then sleeps
``RUN_TEST_PAUSE`` seconds: the moment a test interrupts or kills the run is known. The first
``RUN_TEST_SKIP`` creates (default 0) do not pause.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from dctck import Instance
from reference_drivers.ec2 import EC2Driver, from_environment


def pausing() -> EC2Driver:
    """``from_environment()``, its first create pausing once the instance exists."""
    driver = from_environment()
    if "RUN_TEST_MARKER" not in os.environ:
        return driver  # as dctck sweep builds it again
    marker = Path(os.environ["RUN_TEST_MARKER"])
    pause = float(os.environ.get("RUN_TEST_PAUSE", "0"))
    skip = [int(os.environ.get("RUN_TEST_SKIP", "0"))]
    create = driver.create_instance

    def create_instance(credentials: Any, image_id: Any, opts: Any = None) -> Instance:
        instance = create(credentials, image_id, opts)
        skip[0] -= 1
        if skip[0] < 0 and not marker.exists():
            marker.write_text(instance.id)
            time.sleep(pause)
        return instance

    driver.create_instance = create_instance  # type: ignore[method-assign]
    return driver


#: The instances :func:`with_strangers` made before the run, by id: (credentials, state).
STRANGERS: dict[str, tuple[dict[str, str], str]] = {}
#: The last driver :func:`with_strangers` built, for the test to inspect after the run.
BUILT: list[EC2Driver] = []


def with_strangers() -> EC2Driver:
    """The in-process ``EC2Driver`` whose accounts already hold instances the kit did not
    create (one RUNNING and one STOPPED of each account), as a shared cloud account would."""
    driver = EC2Driver()
    STRANGERS.clear()
    accounts = (
        {"name": "mockuser", "password": "mockpassword"},
        {"name": "otheruser", "password": "otherpassword"},
    )
    made = [
        (credentials, driver.create_instance(credentials, _X86_IMAGE, {"name": name}).id)
        for credentials in accounts
        for name in ("someone-else-running", "someone-else-stopped")
    ]
    assert driver.clock is not None
    driver.clock.tick(600)
    for credentials, instance_id in made[1::2]:
        driver.stop_instance(credentials, instance_id)
    driver.clock.tick(600)
    for credentials, instance_id in made:
        (instance,) = driver.instances(credentials, {"id": instance_id})
        STRANGERS[instance_id] = (credentials, instance.state)
    BUILT[:] = [driver]
    return driver


_X86_IMAGE = "ami-0a1b2c3d4e5f60718"


def eventually_consistent() -> EC2Driver:
    """The in-process ``EC2Driver`` on a simulator that hides each new instance from
    DescribeInstances for 5 s (EC2's read-after-write window): actions on it raise NotFound."""
    driver = EC2Driver()
    assert driver.simulator is not None
    driver.simulator.faults.eventual_consistency(5)
    BUILT[:] = [driver]
    return driver
