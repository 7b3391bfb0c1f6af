"""Broken Libcloud adapters: ``LibcloudDriver`` with one defect of its own each.

Their base is Libcloud's EC2 driver with the two EC2 states its table lacks (``stopping``,
``shutting-down``), so that the kit's findings on Libcloud itself (README, "Certified drivers")
do not stand in for the defect each adapter adds. Each is certified in its own area only
(a whole certification of Libcloud's EC2 takes some 30 s).
"""

from dataclasses import replace
from typing import ClassVar

from libcloud.common.types import InvalidCredsError
from libcloud.compute.drivers.ec2 import EC2NodeDriver
from libcloud.compute.types import NodeState

from dctck import ProviderError
from dctck.kit import RULE_LEGAL_CHANGE
from reference_drivers.libcloud import NODE_STATES, LibcloudDriver, ec2_on_simulator
from suites.suite_auth import RULE_REFUSED
from tests.kit.bank import broken


class CompleteEC2NodeDriver(EC2NodeDriver):
    """Libcloud's EC2 driver reading every EC2 state (stopping and shutting-down: STOPPING)."""

    NODE_STATE_MAP: ClassVar[dict[str, str]] = {
        **EC2NodeDriver.NODE_STATE_MAP,
        "stopping": NodeState.STOPPING,
        "shutting-down": NodeState.STOPPING,
    }


def _adapter() -> LibcloudDriver:
    return ec2_on_simulator(node_driver=CompleteEC2NodeDriver)


@broken("fsm", RULE_LEGAL_CHANGE, "-m", "fsm", "-k", "not test_generated_action_sequences")
def StoppedReadAsRunning():
    """The adapter's state table maps Libcloud's STOPPED to RUNNING."""
    driver = _adapter()
    driver.node_states = {**NODE_STATES, NodeState.STOPPED: "RUNNING"}
    return driver


@broken("auth", RULE_REFUSED, "-m", "auth")
def InvalidCredsAsProviderError():
    """The adapter maps Libcloud's InvalidCredsError to ProviderError, not AuthException."""
    driver = _adapter()

    def error(exc):
        if isinstance(exc, InvalidCredsError):
            return ProviderError(str(exc))
        return base(exc)

    base = driver.provider.error
    driver.provider = replace(driver.provider, error=error)
    return driver
