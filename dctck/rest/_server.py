"""Serving the REST front: a waitress server on a background thread, and the kit's loopback setup.

:class:`LoopbackServer` serves any WSGI application until stopped; every socket and thread it
started is gone when :meth:`~LoopbackServer.stop` returns. :class:`RestFront` puts a driver
behind a REST application on a free loopback port and gives the HTTP client adapter in front.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Self

from waitress import create_server, wasyncore

from dctck._clock import VirtualClock
from dctck._loader import load_callable
from dctck.rest._app import RestApp
from dctck.rest._client import RestDriver
from dctck.rest._http import MAX_BODY

__all__ = ["AppFactory", "LoopbackServer", "RestFront", "load_app_factory", "server_options"]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
#: Builds the REST application for a driver: :class:`RestApp` or a subclass, say.
AppFactory = Callable[[Any], WSGIApp]

_STOP_WAIT = 5.0


def server_options() -> dict[str, Any]:
    """waitress settings shared by ``dctck serve`` and the loopback server."""
    return {
        "ident": "dctck",
        "threads": 8,
        "max_request_body_size": 4 * MAX_BODY,
        "max_request_header_size": 64 * 1024,
        "expose_tracebacks": False,
    }


class LoopbackServer:
    """``app`` served by waitress on ``host`` (a free port when ``port`` is 0), on a thread."""

    def __init__(self, app: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        return f"http://{self.host}:{self._server.effective_port}"

    def start(self) -> Self:
        """Listen and serve on a background thread."""
        if self._server is not None:
            raise RuntimeError("the server is already running")
        self._server = create_server(self.app, host=self.host, port=self.port, **server_options())
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._serve, name=f"dctck-rest-{self._server.effective_port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; returns once the listening socket and the worker threads are closed."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        # wake the loop now rather than at its next timeout; it may have closed the pipe already
        with contextlib.suppress(OSError):
            server.pull_trigger()
        thread.join(_STOP_WAIT * 2)
        self._server = self._thread = None

    def _serve(self) -> None:
        server = self._server
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=1.0, map=server._map, count=1)
        finally:
            server.task_dispatcher.shutdown(timeout=_STOP_WAIT)
            wasyncore.close_all(server._map)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class RestFront(LoopbackServer):
    """A driver behind the REST front on a loopback port, and the HTTP client adapter in front.

    ``served`` is the driver itself, ``app`` the application ``app_factory`` built for it,
    ``client`` the :class:`RestDriver` talking to it (exposing the driver's clock, if any); the
    API is at ``url + "/api"``.
    """

    def __init__(
        self,
        driver: Any,
        app_factory: AppFactory = RestApp,
        *,
        host: str = "127.0.0.1",
        timeout: float = 60.0,
    ) -> None:
        super().__init__(app_factory(driver), host)
        self.served = driver
        self.timeout = timeout
        self._client: RestDriver | None = None

    @property
    def client(self) -> RestDriver:
        """The HTTP client adapter: the served driver as the SPI, over HTTP."""
        if self._client is None:
            raise RuntimeError("the REST front is not running")
        return self._client

    def start(self) -> Self:
        super().start()
        clock = getattr(self.served, "clock", None)
        self._client = RestDriver(
            self.url,
            clock=clock if isinstance(clock, VirtualClock) else None,
            timeout=self.timeout,
        )
        return self

    def stop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        super().stop()


def load_app_factory(path: str) -> AppFactory:
    """Import a REST application factory from ``MODULE:ATTR`` (called later, with the driver)."""
    factory: AppFactory = load_callable(path, "REST app")
    return factory
