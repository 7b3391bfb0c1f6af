"""Serving an `OpenStackApp` on a real port with waitress (see `simulator._serving`)."""

from __future__ import annotations

from simulator._nova import NovaCloud
from simulator._openstack_config import OpenStackConfig
from simulator._serving import DEFAULT_HOST, DEFAULT_THREADS, WaitressServer
from simulator.openstack._app import IDENTITY_PATH, OpenStackApp

DEFAULT_PORT = 8774
"""Nova's own port; everything (Keystone, Glance too) is served on it, DevStack-style."""


class OpenStackServer(WaitressServer[OpenStackApp]):
    """A waitress server for an `OpenStackApp`, bound at construction (port 0: a free port).

    `start()`/`stop()` (or `with`) serve on a background thread; `serve_forever()` in the
    foreground. `url` is `http://HOST:PORT`; `auth_url` is `url + "/identity"`.
    """

    def __init__(
        self,
        app: OpenStackApp | NovaCloud | OpenStackConfig | None = None,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        threads: int = DEFAULT_THREADS,
    ) -> None:
        super().__init__(
            app if isinstance(app, OpenStackApp) else OpenStackApp(app),
            host=host,
            port=port,
            threads=threads,
            ident="dctck-openstack",
        )

    @property
    def sim(self) -> NovaCloud:
        """The cloud served."""
        return self.app.sim

    @property
    def auth_url(self) -> str:
        """The Keystone URL to give clients."""
        return self.url + IDENTITY_PATH
