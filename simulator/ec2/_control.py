"""The control API of the EC2 front: the shared one (`simulator._control_api`), its faults
named by EC2 action (`RunInstances`) or by the simulator operation it calls (`run_instances`)."""

from __future__ import annotations

from simulator._control_api import CONTROL_PATH, Controlled
from simulator._control_api import ControlApi as _ControlApi
from simulator._simulator import OPERATIONS
from simulator.ec2._actions import ACTIONS

__all__ = ["CONTROL_PATH", "OPERATION_OF_ACTION", "ControlApi"]

OPERATION_OF_ACTION = {action: operation for action, (operation, _) in ACTIONS.items()}
"""The simulator operation each EC2 action calls."""


class ControlApi(_ControlApi):
    """The control API of one `Ec2App` (see `simulator._control_api`)."""

    def __init__(self, app: Controlled) -> None:
        super().__init__(
            app,
            operations=OPERATION_OF_ACTION,
            known=OPERATIONS,
            described="an EC2 action such as RunInstances",
        )
