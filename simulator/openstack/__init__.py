"""The OpenStack APIs (Keystone v3, Nova v2.1, Glance v2) over a `NovaCloud`, on one port.

README (for driver and test authors)
------------------------------------
DevStack-style paths on one host: Keystone at `/identity` (the auth URL), Nova at
`/compute/v2.1`, Glance at `/image`, region `RegionOne`; the control API under `/_sim/` (clock,
durations, faults, reset, audit: the same routes and bodies as EC2's, operations named after
`OPENSTACK_OPERATIONS`: `create_server`, `stop_server`, ...). Accounts are projects with a user
of the same name, domain `Default` (id `default`): `mockuser`/`mockpassword`,
`otheruser`/`otherpassword`. Flavors: DevStack's m1.tiny (id "1") to m1.xlarge ("5"); images:
`cirros-0.6.2-x86_64-disk`, `ubuntu-22.04-x86_64` and `cirros-0.6.2-aarch64-disk` (public,
the last two with Glance's `architecture` property), one private image per project.
Servers: BUILD for `boot_seconds` (10), then ACTIVE with a 10.x fixed address and one floating
address outside RFC 1918; stop (`powering-off`, still ACTIVE) and delete (`deleting`) last
`stop_seconds` (5); start and reboots `boot_seconds`. Nova's 409/404/400/403 and
keystonemiddleware's 401 are as `../shared/OPENSTACK_API.md` says.

Entry points::

    from simulator.openstack import in_process, make_app, OpenStackServer

    with in_process() as cloud:                  # requests-based clients, no socket
        conn = openstack.connect(auth_url=cloud.auth_url, username="mockuser",
                                 password="mockpassword", project_name="mockuser",
                                 user_domain_name="Default", project_domain_name="Default")
        cloud.sim.clock.tick(10)                 # cloud.sim is the NovaCloud

    in_process(NovaCloud(config, clock), endpoint="http://127.0.0.1:8774")
    register_openstack(mock, make_app(cloud), endpoint)   # on a responses mock of your own

    with OpenStackServer(make_app(), port=0) as server:   # a real port (127.0.0.1)
        server.auth_url                                  # http://127.0.0.1:PORT/identity

From the shell: `dctck simulate --api openstack [--port 8774] [--clock manual] [--config F]`.
`make_app(cloud_or_config=None, *, control=True, max_microversion="2.1", token_seconds=None)`
builds an `OpenStackApp`; `ROUTES` is its route table (the supported operations).

Tokens expire on the cloud's clock (`OpenStackConfig.token_seconds`, an hour by default) while
clients renew them by the wall clock: a run that moves a manual clock hours ahead should give
a long `token_seconds` (keystoneauth retries a 401 once with a new token; Libcloud raises it).
A fault on the `build` pseudo-operation makes the next builds end in ERROR.
"""

from __future__ import annotations

from simulator._catalogue import Flavor, GlanceImage
from simulator._nova import OPENSTACK_OPERATIONS, NovaCloud, ServerView
from simulator._openstack_config import (
    OpenStackConfig,
    default_openstack_config,
    load_openstack_config,
)
from simulator.openstack._app import ROUTES, OpenStackApp
from simulator.openstack._inprocess import (
    DEFAULT_ENDPOINT,
    InProcessOpenStack,
    in_process,
    register_openstack,
)
from simulator.openstack._server import DEFAULT_PORT, OpenStackServer
from simulator.openstack._wire import ApiError

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_PORT",
    "OPENSTACK_OPERATIONS",
    "ROUTES",
    "ApiError",
    "Flavor",
    "GlanceImage",
    "InProcessOpenStack",
    "NovaCloud",
    "OpenStackApp",
    "OpenStackConfig",
    "OpenStackServer",
    "ServerView",
    "default_openstack_config",
    "in_process",
    "load_openstack_config",
    "make_app",
    "register_openstack",
]


def make_app(
    cloud: NovaCloud | OpenStackConfig | None = None,
    *,
    control: bool = True,
    max_microversion: str = "2.1",
    token_seconds: float | None = None,
) -> OpenStackApp:
    """A new `OpenStackApp` over `cloud` (a `NovaCloud`, a config for a new one, or None)."""
    return OpenStackApp(
        cloud, control=control, max_microversion=max_microversion, token_seconds=token_seconds
    )
