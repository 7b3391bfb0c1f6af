"""The ``dctck`` command line: ``certify``, plus commands from ``dctck.commands`` entry points.

A command registered under the ``dctck.commands`` entry-point group is an object with ``help``
(one line), ``configure(parser)`` and ``run(args) -> int``; that is how the simulator adds
``dctck simulate`` without dctck knowing it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol

import suites
from dctck import _recording
from dctck._errors import DriverLoadError
from dctck._facts import parse_facts
from dctck._journal import RUNS_DIR, new_run_id
from dctck._loader import load_callable
from dctck._options import bundled_target, parse_credentials, parse_timeout
from dctck._sweep import SweepCommand
from dctck.kit import DEFAULT_TIMEOUT
from dctck.rest import ServeCommand

__all__ = ["Command", "main"]

USAGE_ERROR = 2
#: ``dctck certify`` stopped by Ctrl-C: interrupted, not certified.
INTERRUPTED = 3
_CERTIFY_INI = Path(suites.__file__).with_name("certify.ini")


class Command(Protocol):
    """A ``dctck`` subcommand contributed through the ``dctck.commands`` entry points."""

    help: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class _UsageError(Exception):
    """A one-line message for the user; exit code 2."""


class Certify:
    """``dctck certify``: run the conformance suites against a driver, print a summary per area."""

    help = (
        "certify a driver against the Driver SPI (exit 0 certified, 1 failed, 2 usage error,"
        " 3 interrupted)"
    )

    def configure(self, parser: argparse.ArgumentParser) -> None:
        parser.description = (
            "Run the dctck conformance suites against a driver through pytest and print a"
            " summary per area. Without MODULE:ATTR, certify the bundled reference driver on"
            " the embedded simulator, with its accounts and its catalogue's facts."
        )
        parser.add_argument(
            "driver",
            nargs="?",
            metavar="MODULE:ATTR",
            help="the driver: a class or zero-argument factory (default: the bundled reference)",
        )
        parser.add_argument("--credentials", metavar="NAME:PASSWORD", help="valid credentials")
        parser.add_argument(
            "--other-credentials",
            metavar="NAME:PASSWORD",
            help="a second account, for the isolation checks (skipped without it)",
        )
        parser.add_argument(
            "--timeout",
            metavar="SECONDS",
            help=f"bound on every driver call and on each awaited state transition (default"
            f" {DEFAULT_TIMEOUT:g})",
        )
        parser.add_argument(
            "--settle",
            metavar="SECONDS",
            help="read-after-write window: NotFound for an instance just created is tried again"
            " for this long before it counts, as eventually consistent providers need (default 0)",
        )
        parser.add_argument(
            "--report",
            metavar="PATH",
            help="write the JSON report there (rewritten after every check)",
        )
        parser.add_argument(
            "--facts",
            metavar="FILE",
            help="a TOML file of what the provider is known to offer (hardware_profiles, realms,"
            " images by id): the models area checks the driver reports each attribute",
        )
        parser.add_argument("--junitxml", metavar="PATH", help="write a JUnit XML report there")
        parser.add_argument(
            "--runs-dir",
            metavar="DIR",
            default=str(RUNS_DIR),
            help="where the run's journal goes, DIR/RUN-ID/journal.jsonl: every create before it"
            f" is sent, for dctck sweep (default {RUNS_DIR})",
        )
        parser.add_argument(
            "--via-rest",
            action="store_true",
            help="certify the driver behind the REST front, over HTTP on a loopback port; adds"
            " the api area",
        )
        parser.add_argument(
            "--freeze-time",
            action="store_true",
            help="freeze the standard clocks (freezegun) and advance them instead of sleeping:"
            " for an in-process driver without a clock that reads time.time() itself",
        )
        traffic = parser.add_mutually_exclusive_group()
        traffic.add_argument(
            "--record",
            metavar="PATH",
            help="record every HTTP exchange of the run (any HTTP stack: requests, urllib3/boto3,"
            " httpx, ...) to PATH, secrets scrubbed",
        )
        traffic.add_argument(
            "--replay",
            metavar="PATH",
            help="rerun offline, answering HTTP requests from the recording at PATH; a request"
            " it does not hold fails the run",
        )
        parser.epilog = "Arguments after -- go to pytest, e.g. dctck certify -- -k filters -n 2"

    def run(self, args: argparse.Namespace) -> int:
        _resolve_target(args)
        if args.record is None and args.replay is None:
            return self._certify(args)
        return _with_traffic(args, self._certify)

    def _certify(self, args: argparse.Namespace) -> int:
        try:
            # the plugin constructs the driver; here a bad path is only found, not built twice
            load_callable(args.driver)
            if args.credentials is None:
                raise ValueError("--credentials NAME:PASSWORD is required for this driver")
            for option, text in (
                ("--credentials", args.credentials),
                ("--other-credentials", args.other_credentials),
            ):
                if text is not None:
                    parse_credentials(text, option)
            if args.timeout is not None:
                parse_timeout(args.timeout, "--timeout")
            if args.settle is not None and args.settle.strip() not in ("0", "0.0"):
                parse_timeout(args.settle, "--settle")
            if args.facts is not None:
                parse_facts(args.facts, "--facts")
        except (DriverLoadError, ValueError) as exc:
            raise _UsageError(str(exc)) from None
        pytest_args = ["-q", "-p", "no:cacheprovider", "-c", str(_CERTIFY_INI)]
        # this process imported dctck before pytest started, so it cannot rewrite its asserts
        pytest_args += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
        pytest_args.append(f"--dctck-driver={args.driver}")
        pytest_args.append(f"--dctck-credentials={args.credentials}")
        if args.other_credentials is not None:
            pytest_args.append(f"--dctck-other-credentials={args.other_credentials}")
        if args.timeout is not None:
            pytest_args.append(f"--dctck-timeout={args.timeout}")
        if args.report:
            pytest_args.append(f"--dctck-report={args.report}")
        if args.settle is not None:
            pytest_args.append(f"--dctck-settle={args.settle}")
        if args.facts is not None:
            pytest_args.append(f"--dctck-facts={args.facts}")
        if args.junitxml:
            pytest_args.append(f"--junitxml={args.junitxml}")
        if args.via_rest:
            pytest_args.append("--dctck-via-rest")
        if args.freeze_time:
            pytest_args.append("--dctck-freeze-time")
        run_id = getattr(args, "run_id", None) or new_run_id()
        args.run_id = run_id
        pytest_args += [f"--dctck-journal={args.runs_dir}", f"--dctck-run-id={run_id}"]
        code = _run_pytest(pytest_args + list(args.passthrough))
        if code == INTERRUPTED:
            print(
                f"dctck certify: interrupted, not certified; dctck sweep --run {run_id}"
                " removes what is left",
                file=sys.stderr,
            )
        return code


def _resolve_target(args: argparse.Namespace) -> None:
    """Without MODULE:ATTR, the bundled reference target supplies the driver and credentials."""
    if args.driver is None:
        target = bundled_target("default")
        args.driver = target.get("driver")
        args.credentials = args.credentials or target.get("credentials")
        args.other_credentials = args.other_credentials or target.get("other_credentials")
        args.facts = args.facts or target.get("facts")
        if not args.driver:
            raise _UsageError("no driver given and no bundled reference driver is installed")


def _with_traffic(args: argparse.Namespace, certify: Callable[[argparse.Namespace], int]) -> int:
    """Run ``certify`` recording its HTTP traffic (``--record``) or replaying it (``--replay``)."""
    if any(arg.startswith(("-n", "--numprocesses", "--dist")) for arg in args.passthrough):
        raise _UsageError("--record and --replay see this process only: do not pass -n to pytest")
    secrets = [
        text.partition(":")[2] for text in (args.credentials, args.other_credentials) if text
    ]
    if args.record is not None:
        if not Path(args.record).parent.is_dir():
            raise _UsageError(f"--record: no directory {str(Path(args.record).parent)!r}")
        with _recording.Recorder() as recorder:
            code = certify(args)
        count = recorder.save(args.record, secrets, getattr(args, "run_id", None))
        print(f"dctck certify: recorded {count} HTTP exchanges to {args.record}")
        return code
    try:
        replayer = _recording.load(args.replay, secrets)
    except ValueError as exc:
        raise _UsageError(f"--replay: {exc}") from None
    args.run_id = replayer.run_id  # the recorded requests carry the recorded run's id
    with replayer:
        code = certify(args)
    misses = list(dict.fromkeys(replayer.misses))
    for miss in misses[:10]:
        print(f"dctck certify: request not in the recording: {miss}", file=sys.stderr)
    if len(misses) > 10:
        print(f"dctck certify: ... and {len(misses) - 10} more", file=sys.stderr)
    if misses:
        print("dctck certify: the run left the recording: not certified", file=sys.stderr)
        return code or 1
    return code


def _run_pytest(args: list[str]) -> int:
    import pytest

    code = int(pytest.main(args))
    if code in (0, 1):
        return code
    if code == int(pytest.ExitCode.INTERRUPTED):
        return INTERRUPTED
    if code == int(pytest.ExitCode.USAGE_ERROR):
        return USAGE_ERROR
    return code


def _commands() -> dict[str, Command]:
    commands: dict[str, Command] = {
        "certify": Certify(),
        "serve": ServeCommand(),
        "sweep": SweepCommand(),
    }
    for entry in entry_points(group="dctck.commands"):
        if entry.name not in commands:
            commands[entry.name] = entry.load()
    return commands


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``dctck``; returns the exit code."""
    commands = _commands()
    parser = argparse.ArgumentParser(
        prog="dctck",
        description="dctck: conformance kit and cloud simulator for Deltacloud-style drivers",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in commands.items():
        command.configure(subparsers.add_parser(name, help=command.help))
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1 :]
    args = parser.parse_args(argv)
    args.passthrough = passthrough
    try:
        return commands[args.command].run(args)
    except _UsageError as exc:
        print(f"dctck {args.command}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
