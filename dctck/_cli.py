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

from dctck._errors import DriverLoadError
from dctck._facts import parse_facts
from dctck._journal import RUNS_DIR, new_run_id
from dctck._loader import load_callable
from dctck._options import bundled_target, parse_credentials, parse_timeout
from dctck._profile import PROTOCOLS
from dctck._signals import release_stop_signals
from dctck._sweep import SweepCommand
from dctck.kit import DEFAULT_TIMEOUT, Report, installed_packs, select_areas
from dctck.rest._serve import ServeCommand

__all__ = ["Command", "main"]

USAGE_ERROR = 2
#: ``dctck certify`` stopped by Ctrl-C: interrupted, not certified.
INTERRUPTED = 3
_CERTIFY_INI = Path(__file__).with_name("certify.ini")
_PYTEST_BASE = (
    *("-p", "no:cacheprovider", "-c", str(_CERTIFY_INI)),
    # this process imported dctck before pytest started, so it cannot rewrite its asserts
    *("-W", "ignore::pytest.PytestAssertRewriteWarning"),
    # the suites judge with the kit's violations, not bare asserts; rewriting would only
    # recompile the plugins' packages (Hypothesis' 80 modules) in every run that cannot
    # cache bytecode (PYTHONDONTWRITEBYTECODE, a read-only install): a second of start-up
    "--assert=plain",
)


class Command(Protocol):
    """A ``dctck`` subcommand contributed through the ``dctck.commands`` entry points.

    SIGINT and SIGTERM, held while the process starts, are released just before :meth:`run`. A
    command that sets ``releases_stop_signals = True`` releases them itself
    (:func:`dctck._signals.release_stop_signals`) once its handlers are installed, so that one
    sent during start-up reaches them.
    """

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
            help="write the JSON report there (rewritten as checks finish, at most every"
            " 0.5 s, and at the end)",
        )
        parser.add_argument(
            "--areas",
            metavar="AREA,AREA",
            help="run only these areas, of any installed suite pack (default: every area)",
        )
        parser.add_argument(
            "--facts",
            metavar="FILE",
            help="a TOML file of what the provider is known to offer (hardware_profiles, realms,"
            " images by id): the models area checks the driver reports each attribute",
        )
        parser.add_argument("--junitxml", metavar="PATH", help="write a JUnit XML report there")
        parser.add_argument(
            "--html",
            metavar="PATH",
            help="write the report as one self-contained HTML page there",
        )
        parser.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            help="list every check, and every failure in full (by default each cause of failure"
            " is shown once, with how many checks it failed)",
        )
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
        _endpoint_arguments(parser)
        parser.epilog = "Arguments after -- go to pytest, e.g. dctck certify -- -k filters -n 2"

    def run(self, args: argparse.Namespace) -> int:
        if not _remote(args):
            given = [
                option
                for option, value in (
                    ("--read-only", args.read_only),
                    ("--protocol", args.protocol),
                    ("--driver", args.server_driver),
                    ("--provider", args.provider),
                )
                if value
            ]
            if given:
                raise _UsageError(f"{given[0]} needs --endpoint URL (or a --profile naming one)")
        _resolve_target(args)
        if args.record is None and args.replay is None:
            return self._certify(args)
        return _with_traffic(args, self._certify)

    def _certify(self, args: argparse.Namespace) -> int:
        if _remote(args):
            return _run_and_render(args, _endpoint_pytest_args(args))
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
            if args.areas is not None:
                select_areas(installed_packs(), args.areas, args.via_rest)
        except (DriverLoadError, ValueError) as exc:
            raise _UsageError(str(exc)) from None
        pytest_args = [*_verbosity(args), *_PYTEST_BASE, f"--dctck-driver={args.driver}"]
        pytest_args.append(f"--dctck-credentials={args.credentials}")
        pytest_args += _common_pytest_args(args)
        return _run_and_render(args, pytest_args)


def _verbosity(args: argparse.Namespace) -> list[str]:
    verbose = args.verbose or any(arg in ("-v", "-vv", "--verbose") for arg in args.passthrough)
    return ["-v" if verbose else "-q"]


def _run_and_render(args: argparse.Namespace, pytest_args: list[str]) -> int:
    """pytest with ``pytest_args`` and the passthrough; then the HTML page, if asked for."""
    code = _run_pytest(pytest_args + list(args.passthrough))
    if code == INTERRUPTED:
        print(
            f"dctck certify: interrupted, not certified; dctck sweep --run {args.run_id}"
            " removes what is left",
            file=sys.stderr,
        )
    if args.html and Path(args.report).exists():
        _write_html(Report.read(args.report), args.html)
        print(f"HTML report written to {args.html}")
    return code


def _write_html(report: Report, path: str) -> None:
    from dctck._html import html_report

    Path(path).parent.mkdir(parents=True, exist_ok=True)  # as --report does
    Path(path).write_text(html_report(report), encoding="utf-8")


def _read_report(path: str) -> Report:
    try:
        return Report.read(path)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None


class ReportCommand:
    """``dctck report REPORT.json [--html OUT.html]``: a JSON report, shown again."""

    help = "show a JSON certification report: its causes and areas, or as an HTML page"

    def configure(self, parser: argparse.ArgumentParser) -> None:
        parser.description = (
            "Print the summary of a report written by --report (each cause of failure once,"
            " the per-area table, the verdict); with --html, write it as one self-contained page."
        )
        parser.add_argument("report", metavar="REPORT.json")
        parser.add_argument("--html", metavar="OUT.html", help="write the HTML page there")
        parser.add_argument("-v", "--verbose", action="store_true", help="list every failed check")

    def run(self, args: argparse.Namespace) -> int:
        report = _read_report(args.report)
        if args.html:
            _write_html(report, args.html)
            print(f"HTML report written to {args.html}")
            return 0
        for line in report.summary_lines(args.verbose):
            print(line)
        return 0 if report.certified else 1


class InitCommand:
    """``dctck init NAME``: a driver skeleton, its pytest configuration and a CI workflow."""

    help = "write a driver skeleton NAME.py, a pytest.ini pointing the kit at it, and a CI job"

    def configure(self, parser: argparse.ArgumentParser) -> None:
        parser.description = (
            "Write NAME.py (a BaseDriver subclass whose every SPI method raises"
            " NotImplementedError and says what SPEC wants of it), pytest.ini (pytest there"
            " certifies it) and .github/workflows/dctck.yml (dctck certify in CI, JUnit XML and"
            " the HTML report as artifacts). Nothing is overwritten."
        )
        parser.add_argument("name", metavar="NAME", help="the driver's module name: my_cloud")
        parser.add_argument("--directory", default=".", help="where to write (default: here)")

    def run(self, args: argparse.Namespace) -> int:
        from dctck._scaffold import class_name, scaffold

        try:
            written = scaffold(args.name, Path(args.directory))
        except ValueError as exc:
            raise _UsageError(str(exc)) from None
        for path in written:
            print(f"wrote {path}")
        print(
            f"next: implement {class_name(args.name)} in {args.name}.py, then run"
            f" `dctck certify {args.name}:{class_name(args.name)} --credentials NAME:PASSWORD`"
            " (or `pytest` there)"
        )
        return 0


class BadgeCommand:
    """``dctck badge REPORT.json > dctck.svg``: a shields-style badge of the verdict."""

    help = "print an SVG badge of a JSON certification report (dctck | certified 304/304)"

    def configure(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("report", metavar="REPORT.json")
        parser.add_argument("--label", default="dctck", help="the left-hand text (dctck)")

    def run(self, args: argparse.Namespace) -> int:
        from dctck._badge import badge

        sys.stdout.write(badge(_read_report(args.report), args.label))
        return 0


def _common_pytest_args(args: argparse.Namespace) -> list[str]:
    if args.html and not args.report:
        args.report = str(Path(args.html).with_suffix(".json"))  # the page is drawn from it
    pytest_args = []
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
    if args.areas is not None:
        pytest_args.append(f"--dctck-areas={args.areas}")
    if args.junitxml:
        pytest_args.append(f"--junitxml={args.junitxml}")
    if args.via_rest:
        pytest_args.append("--dctck-via-rest")
    if args.freeze_time:
        pytest_args.append("--dctck-freeze-time")
    args.run_id = getattr(args, "run_id", None) or new_run_id()
    return [*pytest_args, f"--dctck-journal={args.runs_dir}", f"--dctck-run-id={args.run_id}"]


def _endpoint_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "certifying an endpoint by its URL (credentials also from DCTCK_CREDENTIALS and"
        " DCTCK_OTHER_CREDENTIALS)"
    )
    group.add_argument(
        "--endpoint",
        metavar="URL",
        help="certify the cloud endpoint at URL: a Deltacloud API (.../api), an EC2 endpoint, a"
        " Keystone auth URL (.../identity)",
    )
    group.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        help="the protocol the endpoint speaks (detected when left out)",
    )
    group.add_argument(
        "--driver",
        dest="server_driver",
        metavar="NAME",
        help="Deltacloud: the server's driver to certify (X-Deltacloud-Driver)",
    )
    group.add_argument(
        "--provider", metavar="NAME", help="Deltacloud: X-Deltacloud-Provider; EC2: the region"
    )
    group.add_argument(
        "--profile",
        metavar="FILE",
        help="a TOML profile: endpoint, protocol, accounts, TLS, preferred image/profile/realm,"
        " timeout (flags win)",
    )
    group.add_argument(
        "--read-only",
        action="store_true",
        help="create nothing; the checks that would create are reported not run (not certifying)",
    )


def _remote(args: argparse.Namespace) -> bool:
    return bool(args.endpoint or args.profile)


def _endpoint_pytest_args(args: argparse.Namespace) -> list[str]:
    if args.driver is not None:
        raise _UsageError("give MODULE:ATTR or --endpoint URL, not both")
    if args.via_rest or args.freeze_time:
        raise _UsageError("--via-rest and --freeze-time are for a driver in this process")
    pytest_args = [*_verbosity(args), *_PYTEST_BASE]
    for option, value in (
        ("endpoint", args.endpoint),
        ("protocol", args.protocol),
        ("server-driver", args.server_driver),
        ("provider", args.provider),
        ("profile", args.profile),
        ("credentials", args.credentials),
    ):
        if value is not None:
            pytest_args.append(f"--dctck-{option}={value}")
    if args.read_only:
        pytest_args.append("--dctck-read-only")
    return pytest_args + _common_pytest_args(args)


def _resolve_target(args: argparse.Namespace) -> None:
    """Without MODULE:ATTR, the bundled reference target supplies the driver and credentials."""
    if _remote(args):
        return
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
    from dctck import _recording  # vcrpy and PyYAML: a fifth of the command's start-up

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
        "report": ReportCommand(),
        "badge": BadgeCommand(),
        "init": InitCommand(),
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
    command = commands[args.command]
    if not getattr(command, "releases_stop_signals", False):
        release_stop_signals()
    try:
        return command.run(args)
    except _UsageError as exc:
        print(f"dctck {args.command}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
