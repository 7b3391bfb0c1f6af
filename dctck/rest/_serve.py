"""``dctck serve``: drivers behind the Deltacloud REST API, until SIGINT or SIGTERM.

Every bundled target (``mock``, ``ec2``, ``openstack``) is hosted, plus each ``--driver
[NAME=]MODULE:ATTR``; a request chooses one by ``X-Deltacloud-Driver`` or ``/api;driver=NAME``.
A driver on a virtual clock (SPEC 7) has its clock advanced with real time (``--clock-rate``
times as fast; 0 freezes it). A driver that can set how long its instances boot and stop
(``set_durations(boot_seconds=, stop_seconds=)``, as the reference drivers can) boots in
``--boot-seconds``.

Stopping: SIGINT and SIGTERM only set a flag and wake the serving loop, which then shuts down in
order (the clock ticker, the worker threads, the sockets). The handler never raises into whatever
the main thread is doing, and the signals are blocked in every other thread (they inherit the
mask from start-up), so the kernel delivers them to the main thread, whose wait they interrupt.
A signal during start-up stays pending and stops the server as soon as it would serve.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from importlib.metadata import entry_points
from types import FrameType
from typing import TYPE_CHECKING, Any

from dctck._clock import VirtualClock
from dctck._errors import DriverLoadError
from dctck._loader import load_driver
from dctck._options import parse_port, parse_rate
from dctck._signals import STOP_SIGNALS, hold_stop_signals, release_stop_signals

if TYPE_CHECKING:
    from dctck.rest._app import RestApp

__all__ = ["DEFAULT_BOOT_SECONDS", "DEFAULT_PORT", "DEFAULT_STOP_SECONDS", "ServeCommand"]

DEFAULT_PORT = 3001
#: How long served instances take to boot and to stop, in the driver's seconds.
DEFAULT_BOOT_SECONDS = 3.0
DEFAULT_STOP_SECONDS = 2.0
_USAGE, _FAILED = 2, 1
#: Real seconds between two advances of the served clocks: a transition due in between is seen
#: this much later at most (a test kit's waits on real time are made of these).
_TICK_EVERY = 0.02
#: The serving loop's wait: the longest a stop request could go unnoticed if a wake-up is lost.
_LOOP_WAIT = 0.5
_STOP_WAIT = 5.0


class ServeCommand:
    """``dctck serve [--driver [NAME=]MODULE:ATTR]... [--default-driver NAME] [--host H]
    [--port N] [--clock-rate R] [--boot-seconds S] [--stop-seconds S]``."""

    help = "serve drivers through the Deltacloud REST API (XML, JSON, a web console)"
    #: SIGINT and SIGTERM stay held until the server serves (``dctck._cli`` leaves them alone).
    releases_stop_signals = True

    def configure(self, parser: argparse.ArgumentParser) -> None:
        parser.description = (
            "Serve drivers through the Deltacloud REST API at http://HOST:PORT/api: every"
            " bundled target (mock, ec2, openstack) and each --driver. A request chooses one with"
            " the X-Deltacloud-Driver header or /api;driver=NAME."
        )
        parser.add_argument(
            "--driver",
            metavar="[NAME=]MODULE:ATTR",
            action="append",
            default=[],
            help="also serve this driver (a class or zero-argument factory) as NAME (default:"
            " its class name without Driver, lower-cased); repeatable",
        )
        parser.add_argument(
            "--default-driver",
            metavar="NAME",
            help="the driver of requests that choose none (default: the first --driver, else mock)",
        )
        parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
        parser.add_argument(
            "--port",
            default=str(DEFAULT_PORT),
            help=f"port, 0 for a free one (default {DEFAULT_PORT})",
        )
        parser.add_argument(
            "--clock-rate",
            metavar="FACTOR",
            default="1",
            help="virtual seconds per real second for drivers on a virtual clock"
            " (default 1; 0 freezes them)",
        )
        parser.add_argument(
            "--boot-seconds",
            metavar="S",
            default=str(DEFAULT_BOOT_SECONDS),
            help=f"how long instances stay pending (default {DEFAULT_BOOT_SECONDS:g})",
        )
        parser.add_argument(
            "--stop-seconds",
            metavar="S",
            default=str(DEFAULT_STOP_SECONDS),
            help=f"how long instances take to stop or shut down (default {DEFAULT_STOP_SECONDS:g})",
        )

    def run(self, args: argparse.Namespace) -> int:
        with _StopSignals() as stop:
            return _serve(args, stop)


def _serve(args: argparse.Namespace, stop: _StopSignals) -> int:
    try:
        port = parse_port(args.port, "--port")
        rate = parse_rate(args.clock_rate, "--clock-rate")
        boot = parse_rate(args.boot_seconds, "--boot-seconds")
        halt = parse_rate(args.stop_seconds, "--stop-seconds")
        paths = _driver_paths(args.driver)
        default = _default_driver(args.default_driver, args.driver, paths)
        drivers = {name: load_driver(path) for name, path in paths.items()}
    except (ValueError, DriverLoadError) as exc:
        return _fail(str(exc), _USAGE)
    for name, driver in drivers.items():
        _set_durations(name, driver, boot, halt)
    # werkzeug, Jinja2 and waitress: imported when serving, not by every dctck command
    from waitress import create_server

    from dctck.rest._app import RestApp
    from dctck.rest._server import server_options

    app = RestApp(drivers=drivers, default=default)
    try:
        server = create_server(app, host=args.host, port=port, **server_options())
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return _fail(f"cannot listen on {args.host}:{port}: {reason}", _FAILED)
    # warnings and errors only: a library logging each instance transition at INFO would
    # flood stderr (a pipe nobody reads fills, and the writer blocks holding its locks)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # "Task queue depth is N" only says that every worker thread was busy for a moment
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    ticker = _Ticker(lambda: _clocks(app), rate) if rate > 0 else None
    url = f"http://{_host(args.host)}:{server.effective_port}/api"
    hosted = ", ".join(f"{name} ({path})" for name, path in paths.items())
    print(f"dctck serve: {hosted} at {url} (default {default}; Ctrl-C to stop)", flush=True)
    try:
        stop.serve(server)
    finally:
        if ticker is not None:
            ticker.stop()
        _close(server)
    print("dctck serve: stopped", flush=True)
    return 0


def _driver_paths(given: list[str]) -> dict[str, str]:
    """Every bundled target's driver by name, then each ``--driver`` (replacing a namesake)."""
    paths: dict[str, str] = {}
    for entry in sorted(entry_points(group="dctck.targets"), key=lambda e: e.name != "mock"):
        path = dict(entry.load()).get("driver")
        if isinstance(path, str) and path not in paths.values():
            paths[_name_of(path)] = path
    for text in given:
        name, equals, path = text.partition("=")
        if not equals:
            name, path = "", text
        if equals and not name.strip():
            raise ValueError(f"--driver {text!r}: NAME before = is empty")
        name = name.strip().lower() or _name_of(path)
        paths.pop(name, None)
        paths[name] = path
    if not paths:
        raise ValueError("no --driver given and no bundled reference driver is installed")
    return paths


def _name_of(path: str) -> str:
    attribute = path.rpartition(":")[2]
    return (attribute.removesuffix("Driver") or attribute).lower() if attribute else path


def _default_driver(asked: str | None, given: list[str], paths: dict[str, str]) -> str:
    if asked is not None:
        if asked.lower() not in paths:
            raise ValueError(
                f"--default-driver {asked!r} is not served (served: {', '.join(paths)})"
            )
        return asked.lower()
    if given:
        name = given[0].partition("=")[0] if "=" in given[0] else _name_of(given[0])
        return name.strip().lower()
    return "mock" if "mock" in paths else next(iter(paths))


def _set_durations(name: str, driver: Any, boot: float, halt: float) -> None:
    setter = getattr(driver, "set_durations", None)
    if not callable(setter):
        return
    try:
        setter(boot_seconds=boot, stop_seconds=halt)
    except Exception as exc:
        print(f"dctck serve: note: {name}: durations not set: {exc}", file=sys.stderr)


def _clocks(app: RestApp) -> list[VirtualClock]:
    """The distinct virtual clocks of every hosted driver (and provider) so far."""
    clocks: dict[int, VirtualClock] = {}
    for hosted in app.hosts.values():
        for driver in hosted.drivers():
            clock = getattr(driver, "clock", None)
            if isinstance(clock, VirtualClock):
                clocks.setdefault(id(clock), clock)
    return list(clocks.values())


class _StopSignals:
    """SIGINT and SIGTERM as a stop request: a flag, and a wake-up of the serving loop.

    Entered first thing: the handlers are installed and the signals blocked, so every thread
    started later (waitress' workers, the clock ticker, a driver's own) inherits the block and
    the kernel can only deliver them to the main thread. :meth:`serve` unblocks them; one that
    came during start-up is delivered then.
    """

    def __init__(self) -> None:
        self.requested = threading.Event()
        self._wake: Callable[[], None] | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _StopSignals:
        self._previous = {sig: signal.signal(sig, self._handle) for sig in STOP_SIGNALS}
        hold_stop_signals()
        return self

    def __exit__(self, *exc_info: object) -> None:
        # once stopping, a second request to stop has nothing to add: the process is ending
        for sig, handler in self._previous.items():
            signal.signal(sig, signal.SIG_IGN if self.requested.is_set() else handler)
        release_stop_signals()

    def serve(self, server: Any) -> None:
        """Serve until a stop is requested."""
        from waitress import wasyncore

        self._wake = server.pull_trigger
        release_stop_signals()
        while not self.requested.is_set():
            wasyncore.loop(timeout=_LOOP_WAIT, map=server._map, count=1)
        self._wake = None  # the pipe closes next: a later signal must not write to its descriptor

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested.set()
        wake = self._wake
        if wake is not None:
            with contextlib.suppress(OSError):
                wake()


class _Ticker:
    """Advances virtual clocks with real time, ``rate`` times as fast, on a daemon thread."""

    def __init__(self, clocks: Callable[[], list[VirtualClock]], rate: float) -> None:
        self.clocks, self.rate = clocks, rate
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dctck-serve-clock", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(_TICK_EVERY):
            now = time.monotonic()
            for clock in self.clocks():
                clock.tick((now - last) * self.rate)
            last = now

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(_STOP_WAIT)


def _close(server: Any) -> None:
    """Stop the worker threads (waiting a bounded time) and close every socket."""
    from waitress import wasyncore

    server.task_dispatcher.shutdown(timeout=_STOP_WAIT)
    wasyncore.close_all(server._map)


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _fail(message: str, code: int) -> int:
    print(f"dctck serve: error: {message}", file=sys.stderr)
    return code
