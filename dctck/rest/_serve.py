"""``dctck serve``: a driver behind the Deltacloud REST API, until Ctrl-C.

A driver on a virtual clock (SPEC 7) has its clock advanced with real time (``--clock-rate``
times as fast), so instances boot and stop as a client watches; ``--clock-rate 0`` freezes it.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from types import FrameType

from dctck._clock import VirtualClock
from dctck._errors import DriverLoadError
from dctck._loader import load_driver
from dctck._options import bundled_target, parse_port, parse_rate
from dctck.rest._app import RestApp
from dctck.rest._server import server_options

__all__ = ["DEFAULT_PORT", "ServeCommand"]

DEFAULT_PORT = 3001
_USAGE, _FAILED = 2, 1
_TICK_EVERY = 0.1


class ServeCommand:
    """``dctck serve [--driver MODULE:ATTR] [--host H] [--port N] [--clock-rate R]``."""

    help = "serve a driver through the Deltacloud REST API (JSON or XML, HTTP Basic auth)"

    def configure(self, parser: argparse.ArgumentParser) -> None:
        parser.description = (
            "Serve a driver through the Deltacloud REST API at http://HOST:PORT/api."
            " Without --driver, the mock reference driver."
        )
        parser.add_argument(
            "--driver",
            metavar="MODULE:ATTR",
            help="the driver: a class or zero-argument factory (default: the mock reference)",
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
            help="virtual seconds per real second for a driver on a virtual clock"
            " (default 1; 0 freezes it)",
        )

    def run(self, args: argparse.Namespace) -> int:
        try:
            port = parse_port(args.port, "--port")
            rate = parse_rate(args.clock_rate, "--clock-rate")
            path = args.driver or bundled_target("mock").get("driver")
            if not isinstance(path, str):
                raise ValueError("no --driver given and no mock reference driver is installed")
            driver = load_driver(path)
        except (ValueError, DriverLoadError) as exc:
            return _fail(str(exc), _USAGE)
        from waitress import create_server

        try:
            server = create_server(RestApp(driver), host=args.host, port=port, **server_options())
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return _fail(f"cannot listen on {args.host}:{port}: {reason}", _FAILED)
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        # "Task queue depth is N" only says that every worker thread was busy for a moment
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        clock = getattr(driver, "clock", None)
        ticker = _Ticker(clock, rate) if isinstance(clock, VirtualClock) and rate > 0 else None
        url = f"http://{_host(args.host)}:{server.effective_port}/api"
        previous = signal.signal(signal.SIGTERM, _exit)
        try:
            print(f"dctck serve: {path} at {url} (Ctrl-C to stop)", flush=True)
            server.run()  # returns on KeyboardInterrupt or SystemExit
        except (KeyboardInterrupt, SystemExit):
            pass  # the signal came before the loop started
        finally:
            signal.signal(signal.SIGTERM, previous)
            if ticker is not None:
                ticker.stop()
            server.close()
        print("dctck serve: stopped", flush=True)
        return 0


class _Ticker:
    """Advances a virtual clock with real time, ``rate`` times as fast, on a daemon thread."""

    def __init__(self, clock: VirtualClock, rate: float) -> None:
        self.clock, self.rate = clock, rate
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dctck-serve-clock", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(_TICK_EVERY):
            now = time.monotonic()
            self.clock.tick((now - last) * self.rate)
            last = now

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _fail(message: str, code: int) -> int:
    print(f"dctck serve: error: {message}", file=sys.stderr)
    return code
