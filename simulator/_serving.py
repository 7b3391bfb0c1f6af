"""Serving a simulator's WSGI app on a real port with waitress (threads in one process).

waitress is pure Python and multi-threaded in a single process, so every thread serves the
same in-memory simulator; a pre-forking server (gunicorn) would give each worker its own.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from waitress import wasyncore
from waitress.server import create_server
from waitress.task import ThreadedTaskDispatcher

DEFAULT_HOST = "127.0.0.1"
DEFAULT_THREADS = 8
MAX_WAITRESS_BODY = 16 * 1024 * 1024  # above the apps' own limits, so that the app answers
MAX_WAITRESS_HEADER = 4 * 1024 * 1024  # (with its own error document) for what is too large
#: Seconds the serving loop waits for activity before it looks at a stop request again.
_LOOP_WAIT = 0.1

A = TypeVar("A")


class WaitressServer(Generic[A]):
    """A waitress server for a simulator's WSGI app, bound at construction (port 0: a free port).

    Use `start()` / `stop()` (or `with`) to serve on a background thread, as tests do, or
    `serve_forever()` in the foreground, as `simulate` does; `request_stop()` is safe from a
    signal handler or another thread. `url` is `http://HOST:PORT` with the bound port.
    """

    def __init__(
        self,
        app: A,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        threads: int = DEFAULT_THREADS,
        ident: str = "dctck-simulator",
    ) -> None:
        self.app = app
        sockets: dict[int, Any] = {}
        dispatcher = ThreadedTaskDispatcher()  # threads start once the port is bound
        try:
            self._server: Any = create_server(
                self.app,
                map=sockets,
                _dispatcher=dispatcher,
                host=host,
                port=port,
                threads=threads,
                ident=ident,
                asyncore_use_poll=True,
                connection_limit=1000,
                max_request_body_size=MAX_WAITRESS_BODY,
                max_request_header_size=MAX_WAITRESS_HEADER,
                channel_timeout=60,
            )
        except BaseException:
            wasyncore.close_all(sockets, ignore_all=True)  # the socket and wake-up pipe made
            raise
        dispatcher.set_thread_count(threads)
        self.host = str(self._server.effective_host)
        self.port = int(self._server.effective_port)
        self._thread: threading.Thread | None = None
        self._stop_requested = threading.Event()
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        """`http://HOST:PORT`, the endpoint to give clients."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def sim(self) -> Any:
        """The simulator served."""
        return getattr(self.app, "sim", None)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"

    def serve_forever(self) -> None:
        """Serve in this thread until `request_stop()`; then let in-flight requests finish
        and close every socket."""
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        sockets = self._server._map
        try:
            while not self._stop_requested.is_set():
                wasyncore.loop(timeout=_LOOP_WAIT, map=sockets, use_poll=True, count=1)
        finally:
            # the workers finish their requests, each then pulling the loop's wake-up pipe:
            # it must stay open until they are done (closed first, a late pull raised EBADF)
            self._server.task_dispatcher.shutdown()
            wasyncore.close_all(sockets, ignore_all=True)
            self._stopped.set()

    def start(self) -> Self:
        """Serve on a daemon thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.serve_forever, name=f"simulator-server-{self.port}", daemon=True
            )
            self._thread.start()
        return self

    def request_stop(self) -> None:
        """Ask the serving loop to stop (from any thread or a signal handler; again: no-op).

        Only a flag: the loop sees it within `_LOOP_WAIT` seconds. Writing to the loop's
        wake-up pipe instead would race with the loop closing it, and taking its lock from a
        signal handler could deadlock the loop's own thread.
        """
        self._stop_requested.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and wait for the serving thread (if `start()` made one)."""
        if self._stopped.is_set():
            return
        if self._thread is None:
            self._server.close()
            self._server.task_dispatcher.shutdown()
            self._stopped.set()
            return
        self.request_stop()
        self._thread.join(timeout)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
