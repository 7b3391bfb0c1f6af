"""The EC2 Query API (version 2016-11-15) over the simulator: in-process or on a port.

- `Ec2App(sim)`: the WSGI application (EC2 actions, SigV4, EC2 error documents, and the
  control API under `/_sim/`).
- In-process, no socket: `in_process()` / `register_ec2(mock, app)` for `requests` clients,
  `route_botocore(client, app)` for boto3 clients.
- On a port: `Ec2Server(app, host=..., port=0).start()` ... `.stop()` (or `with`), and the
  `simulate` command.
"""

from __future__ import annotations

from simulator.ec2._actions import ACTIONS
from simulator.ec2._app import MAX_BODY, Ec2App
from simulator.ec2._control import CONTROL_PATH
from simulator.ec2._errors import RequestError, http_status
from simulator.ec2._inprocess import (
    DEFAULT_ENDPOINT,
    InProcessEc2,
    call_wsgi,
    in_process,
    register_ec2,
    route_botocore,
)
from simulator.ec2._server import Ec2Server
from simulator.ec2._shapes import EC2_STATE_NAMES
from simulator.ec2._xml import API_VERSION

__all__ = [
    "ACTIONS",
    "API_VERSION",
    "CONTROL_PATH",
    "DEFAULT_ENDPOINT",
    "EC2_STATE_NAMES",
    "MAX_BODY",
    "Ec2App",
    "Ec2Server",
    "InProcessEc2",
    "RequestError",
    "call_wsgi",
    "http_status",
    "in_process",
    "register_ec2",
    "route_botocore",
]
