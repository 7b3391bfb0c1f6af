"""The EC2 Query API (version 2016-11-15) over the simulator: in-process or on a port.

`Ec2App(sim)` is the WSGI application: the actions of `ACTIONS`, SigV4 against the
simulator's accounts (access key id = account name, secret = its secret; region = the
simulator's; service `ec2`), EC2 XML documents and error codes, and the control API under
`CONTROL_PATH` (`/_sim/`, see `simulator._control_api`). In-process, with no socket::

    with in_process(sim) as ec2:              # requests-based clients, at ec2.endpoint
        requests.post(ec2.endpoint + "/", data=body, headers=sigv4_headers)

    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    register_ec2(mock, Ec2App(sim), DEFAULT_ENDPOINT)   # on a mock of your own

    route_botocore(boto3_client, Ec2App(sim))           # boto3 (it does not use requests)

On a real port, from a test (waitress, threads, one simulator)::

    with Ec2Server(Ec2App(sim), port=0) as server:      # 127.0.0.1, a free port
        boto3.client("ec2", endpoint_url=server.url, ...)

or from the shell: `dctck simulate --port 8773 --clock manual`.
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
