"""The `simulate` command: the EC2 API (or, with `--api openstack`, Keystone v3 + Nova v2.1 +
Glance v2) over a simulator, served on a local port.

Registered as a `dctck.commands` entry point (`SIMULATE`): an object with `help`,
`configure(parser)` and `run(args) -> int`. Usage errors are one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
from collections.abc import Callable
from types import FrameType

from simulator._clock import Clock, ManualClock, RealClock
from simulator._config import SimulatorConfig, default_config, load_config
from simulator._errors import ConfigError
from simulator._nova import NovaCloud
from simulator._openstack_config import (
    OpenStackConfig,
    default_openstack_config,
    load_openstack_config,
)
from simulator._serving import WaitressServer
from simulator._simulator import Simulator
from simulator.ec2._app import Ec2App
from simulator.ec2._control import CONTROL_PATH
from simulator.ec2._server import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_THREADS, Ec2Server
from simulator.ec2._xml import API_VERSION
from simulator.openstack._app import OpenStackApp
from simulator.openstack._server import DEFAULT_PORT as OPENSTACK_PORT
from simulator.openstack._server import OpenStackServer

APIS = ("ec2", "openstack")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_Served = WaitressServer[Ec2App] | WaitressServer[OpenStackApp]

USAGE_ERROR = 2

_EPILOG = f"""\
clocks:
  real    (default) simulated time is wall-clock time: instances boot after
          --boot-seconds real seconds. For a local cloud to develop against.
  manual  time stands still until the control API moves it: deterministic tests,
          fast waiters (POST {CONTROL_PATH}/clock/tick {{"seconds": 40}}).

apis:
  ec2        (default) the EC2 Query API, SigV4 (access key = account name); port {DEFAULT_PORT}
  openstack  Keystone v3 at /identity (the auth URL), Nova v2.1 at /compute/v2.1, Glance v2
             at /image, region RegionOne; users = projects (mockuser/mockpassword, domain
             Default); port {OPENSTACK_PORT}; fault operations are NovaCloud's (create_server, ...)

control API (JSON, unauthenticated; see GET {CONTROL_PATH}/):
  GET  {CONTROL_PATH}/state               region, clock, durations, accounts and their ids
  GET  {CONTROL_PATH}/clock               {{"kind": ..., "now": ...}}
  POST {CONTROL_PATH}/clock/tick          {{"seconds": S}}        (manual clock only)
  POST {CONTROL_PATH}/clock/move_to       {{"when": EPOCH | ISO-8601}}
  GET|POST {CONTROL_PATH}/durations       {{"boot_seconds": S, "stop_seconds": S}}
  POST {CONTROL_PATH}/faults/fail_next    {{"operation": "RunInstances", "count": 1,
                                   "code": "InternalError"}}
  POST {CONTROL_PATH}/faults/fail_randomly | add_latency | throttle | eventual_consistency
  DELETE {CONTROL_PATH}/faults            clear the faults
  POST {CONTROL_PATH}/reset               drop instances, tags, audit log, faults, key pairs
                                         and groups (back to the configured ones)
  GET  {CONTROL_PATH}/audit?since=N       the audit log from entry N on
"""


class _UsageError(Exception):
    """A one-line message for the user; exit code 2."""


class SimulateCommand:
    """`simulate`: serve the EC2 Query API over a simulator until SIGINT or SIGTERM."""

    help = (
        f"serve a simulated EC2 cloud (EC2 Query API {API_VERSION}) or OpenStack cloud"
        " (--api openstack) on a local port"
    )

    #: `dctck` holds SIGINT and SIGTERM while the process starts and leaves them held for this
    #: command, which releases them once its handlers are installed: one sent meanwhile stops
    #: the server as soon as it serves.
    releases_stop_signals = True

    def __init__(self) -> None:
        self._prog = "simulate"

    def configure(self, parser: argparse.ArgumentParser) -> None:
        """Add the command's options to `parser`."""
        self._prog = parser.prog
        parser.description = (
            "Serve the EC2 Query API (the subset boto3 and the EC2 driver need) over an"
            " in-memory simulated cloud, with SigV4 authentication against the simulator's"
            " accounts (access key = account name, secret = its secret); or, with --api"
            " openstack, Keystone v3, Nova v2.1 and Glance v2 on one port, DevStack-style."
        )
        parser.epilog = _EPILOG
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.add_argument(
            "--api", default="ec2", help="ec2 (default) or openstack: the API served"
        )
        parser.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
        parser.add_argument(
            "--port",
            help=f"default {DEFAULT_PORT} (ec2), {OPENSTACK_PORT} (openstack); 0: any free port",
        )
        parser.add_argument("--config", metavar="FILE", help="a simulator config (.toml, .json)")
        parser.add_argument(
            "--boot-seconds",
            metavar="S",
            help="how long pending (openstack: BUILD, start, reboot) lasts (0: at once)",
        )
        parser.add_argument(
            "--stop-seconds",
            metavar="S",
            help="how long stopping and shutting-down (openstack: stop, delete) last",
        )
        parser.add_argument(
            "--retention-seconds",
            metavar="S",
            help="how long terminated instances stay listed (ec2 only)",
        )
        parser.add_argument("--clock", default="real", help="real (default) or manual")
        parser.add_argument("--seed", default="0", help="seed of ids and random faults")
        parser.add_argument(
            "--threads",
            default=str(DEFAULT_THREADS),
            help=f"server threads (default {DEFAULT_THREADS})",
        )

    def run(self, args: argparse.Namespace) -> int:
        """Serve until interrupted; 0 after a clean stop, 2 on a usage error."""
        try:
            server = _server(args)
        except _UsageError as exc:
            print(f"{self._prog}: error: {exc}", file=sys.stderr)
            return USAGE_ERROR
        previous = {sig: signal.signal(sig, _stopping(server)) for sig in STOP_SIGNALS}
        _release_stop_signals()
        try:
            _print_banner(server)
            server.serve_forever()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        print("Stopped.", flush=True)
        return 0


def _stopping(server: _Served) -> Callable[[int, FrameType | None], None]:
    """A signal handler that asks `server` to stop (only a flag: safe whatever the main thread
    was doing)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        server.request_stop()

    return stop


def _release_stop_signals() -> None:
    """Unblock SIGINT and SIGTERM, which `dctck` holds while the process starts."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _print_banner(server: _Served) -> None:
    sim = server.sim
    config = sim.config
    clock = "manual" if isinstance(sim.clock, ManualClock) else "real"
    if isinstance(server, OpenStackServer):
        print(f"Serving OpenStack (Keystone v3, Nova v2.1, Glance v2) at {server.url}/")
        print(f"  auth URL {server.auth_url} ; region {sim.region}; projects "
              f"{', '.join(a.name for a in config.accounts)} (domain Default); "
              f"clock {clock}; boot {config.boot_seconds:g}s, stop {config.stop_seconds:g}s",
              flush=True)  # fmt: skip
    else:
        print(f"Serving the EC2 API ({API_VERSION}) at {server.url}/", flush=True)
        print(
            f"  region {sim.region}; accounts "
            f"{', '.join(f'{a.name} ({a.id})' for a in config.accounts)}; clock {clock}; "
            f"boot {config.boot_seconds:g}s, stop {config.stop_seconds:g}s",
            flush=True,
        )
    print(f"  control API at {server.url}{CONTROL_PATH}/ ; Ctrl-C stops", flush=True)


def _server(args: argparse.Namespace) -> _Served:
    api = args.api
    if api not in APIS:
        raise _UsageError(f"--api must be ec2 or openstack, got {api!r}")
    clock: Clock
    if args.clock == "real":
        clock = RealClock()
    elif args.clock == "manual":
        clock = ManualClock()
    else:
        raise _UsageError(f"--clock must be real or manual, got {args.clock!r}")
    seed = _integer(args.seed, "--seed", 0, 2**63)
    default_port = OPENSTACK_PORT if api == "openstack" else DEFAULT_PORT
    port = _integer(args.port if args.port is not None else str(default_port), "--port", 0, 65535)
    threads = _integer(args.threads, "--threads", 1, 512)
    try:
        if api == "openstack":
            cloud = NovaCloud(_openstack_config(args), clock, seed=seed)
            return OpenStackServer(OpenStackApp(cloud), host=args.host, port=port, threads=threads)
        sim = Simulator(_config(args), clock, seed=seed)
        return Ec2Server(Ec2App(sim), host=args.host, port=port, threads=threads)
    except OSError as exc:
        raise _UsageError(f"cannot listen on {args.host}:{port}: {exc.strerror or exc}") from None


def _openstack_config(args: argparse.Namespace) -> OpenStackConfig:
    if args.retention_seconds is not None:
        raise _UsageError("--retention-seconds applies to --api ec2 only")
    try:
        config = load_openstack_config(args.config) if args.config else default_openstack_config()
    except ConfigError as exc:
        raise _UsageError(exc.message) from None
    boot = _seconds(args.boot_seconds, "--boot-seconds", config.boot_seconds)
    stop = _seconds(args.stop_seconds, "--stop-seconds", config.stop_seconds)
    return dataclasses.replace(config, boot_seconds=boot, stop_seconds=stop)


def _config(args: argparse.Namespace) -> SimulatorConfig:
    try:
        config = load_config(args.config) if args.config else default_config()
    except ConfigError as exc:
        raise _UsageError(exc.message) from None
    boot = _seconds(args.boot_seconds, "--boot-seconds", config.boot_seconds)
    stop = _seconds(args.stop_seconds, "--stop-seconds", config.stop_seconds)
    retention = _seconds(
        args.retention_seconds, "--retention-seconds", config.terminated_retention_seconds
    )
    try:
        return dataclasses.replace(
            config, boot_seconds=boot, stop_seconds=stop, terminated_retention_seconds=retention
        )
    except ConfigError as exc:
        raise _UsageError(exc.message) from None


def _seconds(text: str | None, option: str, default: float) -> float:
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise _UsageError(f"{option} must be a number of seconds >= 0, got {text!r}")
    return value


def _integer(text: str, option: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise _UsageError(f"{option} must be a whole number from {low} to {high}, got {text!r}")
    return value


SIMULATE = SimulateCommand()
"""The `simulate` command object, for the `dctck.commands` entry point."""
