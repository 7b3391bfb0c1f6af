"""Serving an `Ec2App` on a real port with waitress (see `simulator._serving`)."""

from __future__ import annotations

from simulator._serving import DEFAULT_HOST, DEFAULT_THREADS, WaitressServer
from simulator._simulator import Simulator
from simulator.ec2._app import Ec2App

DEFAULT_PORT = 8773

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "DEFAULT_THREADS", "Ec2Server"]


class Ec2Server(WaitressServer[Ec2App]):
    """A waitress server for an `Ec2App`, bound at construction (port 0: a free port).

    Use `start()` / `stop()` (or `with`) to serve on a background thread, as tests do, or
    `serve_forever()` in the foreground, as `simulate` does; `request_stop()` is safe from a
    signal handler or another thread. `url` is `http://HOST:PORT` with the bound port.
    """

    def __init__(
        self,
        app: Ec2App | Simulator | None = None,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        threads: int = DEFAULT_THREADS,
    ) -> None:
        super().__init__(
            app if isinstance(app, Ec2App) else Ec2App(app),
            host=host,
            port=port,
            threads=threads,
            ident="AmazonEC2",
        )

    @property
    def sim(self) -> Simulator:
        """The simulator served."""
        return self.app.sim
