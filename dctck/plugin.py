"""The dctck pytest plugin: options, fixtures, collection of the suite packs, the report.

Registered through the ``pytest11`` entry point, it stays idle until asked to certify a driver:
``--dctck-driver=MODULE:ATTR`` (or ``dctck_driver`` in the ini file), ``--dctck``, or a
``conftest.py`` that defines the ``dctck_driver`` fixture.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from dctck._endpoint import Endpoint
from dctck._endpoint_options import add_endpoint_options, read_endpoint_settings
from dctck._errors import DriverLoadError
from dctck._exchanges import ExchangeLog, describe
from dctck._facts import Facts, parse_facts
from dctck._journal import Journal, is_run_id, new_run_id, reachable_environment
from dctck._loader import load_driver
from dctck._options import parse_credentials, parse_timeout
from dctck._restrictions import NOT_RUN, restrictions
from dctck._states import StateMachine
from dctck.kit import (
    API_AREA,
    AREAS,
    DEFAULT_TIMEOUT,
    RULE_LEDGER,
    RULE_MARKER,
    CallRunner,
    CheckRecord,
    FrozenTime,
    Harness,
    NotApplicable,
    NotRun,
    Report,
    Subject,
    SuitePack,
    Unmet,
    cause_of,
    fault_injection_of,
    installed_packs,
    remember_driver,
    select_areas,
)
from dctck.kit._frozen import REAL_CLOCKS
from dctck.kit._interrupt import Interrupted, clear_stop, request_stop

if TYPE_CHECKING:
    from dctck.rest import RestFront

_AREA = "dctck_area"
_RULE = "dctck_rule"
_MESSAGE = "dctck_message"
_TRANSITIONS = "dctck_transitions"
#: The cause of a failure and its first violation's parts (see ``dctck.kit.cause_of``).
_CAUSE_FIELDS = ("cause", "call", "happened", "expected")
_LEAKS = "dctck_leaks"
#: The exit status of a run stopped by Ctrl-C (``dctck certify`` exits with it too).
EXIT_INTERRUPTED = 3


@dataclass
class _Settings:
    driver_path: str | None
    credentials: dict[str, str] | None
    other_credentials: dict[str, str] | None
    timeout: float
    report_path: str | None
    driver: Any = None
    report: Report | None = None
    via_rest: bool = False
    rest_app: Any = None
    facts: Facts | None = None
    endpoint: Endpoint | None = None
    exchanges: ExchangeLog | None = None
    subject: Subject | None = None
    packs: list[SuitePack] = field(default_factory=list)
    #: The areas the run covers (``--dctck-areas``, or every installed pack's).
    areas: list[str] = field(default_factory=list)
    run_id: str = ""
    journal: Journal | None = None
    settle: float = 0.0


_SETTINGS = pytest.StashKey[_Settings]()
_V = TypeVar("_V")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(
        "dctck", "dctck: certify a Deltacloud-style driver against the Driver SPI"
    )
    options = [
        ("driver", "MODULE:ATTR", "the driver to certify: a class or zero-argument factory"),
        ("credentials", "NAME:PASSWORD", "valid credentials of the driver's provider (required)"),
        (
            "other-credentials",
            "NAME:PASSWORD",
            "a second account, for the isolation checks (skipped without it)",
        ),
        (
            "timeout",
            "SECONDS",
            f"bound on every driver call and every wait for a state change, in the driver's"
            f" time: virtual seconds when it exposes a clock (default {DEFAULT_TIMEOUT:g})",
        ),
        (
            "settle",
            "SECONDS",
            "read-after-write window: NotFound for an instance just created and not yet listed"
            " is tried again for this long before it counts (default 0)",
        ),
        ("report", "PATH", "write the JSON certification report there"),
        (
            "areas",
            "AREA,AREA",
            "run only these areas, of any installed suite pack (default: every area)",
        ),
        (
            "facts",
            "FILE",
            "a TOML file of what the provider is known to offer (hardware_profiles, realms,"
            " images by id, with attributes): the models area checks each one is reported",
        ),
    ]
    for name, metavar, text in options:
        ini_name = "dctck_" + name.replace("-", "_")
        group.addoption(f"--dctck-{name}", dest=ini_name, metavar=metavar, help=text)
        parser.addini(ini_name, f"default for --dctck-{name}: {text}")
    group.addoption(
        "--dctck",
        action="store_true",
        dest="dctck_enabled",
        help="run the conformance suites with the dctck_driver fixture of your conftest.py",
    )
    group.addoption(
        "--dctck-via-rest",
        action="store_true",
        dest="dctck_via_rest",
        help="certify the driver behind the REST front: the suites run over HTTP against it on"
        " a loopback port, and the api area checks the front itself",
    )
    parser.addini("dctck_via_rest", "default for --dctck-via-rest", type="bool", default=False)
    group.addoption(
        "--dctck-freeze-time",
        action="store_true",
        dest="dctck_freeze_time",
        help="for an in-process driver without a clock that reads time.time() itself: freeze"
        " the standard clocks (freezegun) and advance them instead of sleeping",
    )
    parser.addini(
        "dctck_freeze_time", "default for --dctck-freeze-time", type="bool", default=False
    )
    group.addoption(
        "--dctck-rest-app",
        dest="dctck_rest_app",
        metavar="MODULE:ATTR",
        help="advanced, with --dctck-via-rest: the REST application factory, called with the"
        " driver (default dctck.rest:RestApp)",
    )
    parser.addini("dctck_rest_app", "default for --dctck-rest-app")
    add_endpoint_options(group, parser)
    group.addoption(
        "--dctck-journal",
        dest="dctck_journal",
        metavar="DIR",
        help="write the run's journal (every create before it is sent, every id it returned)"
        " to DIR/RUN-ID/journal.jsonl, for dctck sweep (dctck certify: .dctck/runs)",
    )
    parser.addini("dctck_journal", "default for --dctck-journal")
    group.addoption(
        "--dctck-run-id",
        dest="dctck_run_id",
        metavar="ID",
        help="the run's id (default: a new one), put on every instance the kit creates",
    )


def pytest_configure(config: pytest.Config) -> None:
    try:
        packs, broken = installed_packs(), None
    except ValueError as exc:  # only an error when dctck is asked to certify
        packs, broken = [], exc
    every = [area for pack in packs for area in (*pack.areas, *pack.rest_areas)]
    for name in dict.fromkeys((*AREAS, API_AREA, *every)):
        config.addinivalue_line("markers", f"{name}: dctck conformance checks of area {name}")
    config.addinivalue_line("markers", f"{RULE_MARKER}(text): the SPEC rule a dctck check verifies")
    settings = _read_settings(config)
    if settings is None:
        return
    if broken is not None:
        raise pytest.UsageError(f"dctck: {broken}")
    settings.packs = packs
    try:
        settings.areas = select_areas(packs, _option(config, "dctck_areas"), settings.via_rest)
    except ValueError as exc:
        raise pytest.UsageError(f"dctck: {exc}") from None
    config.stash[_SETTINGS] = settings
    if settings.driver_path is not None:
        try:
            settings.driver = load_driver(settings.driver_path)
        except DriverLoadError as exc:
            raise pytest.UsageError(f"dctck: {exc}") from None
        remember_driver(config, settings.driver, settings.timeout)
    from dctck import __version__

    settings.report = Report(
        settings.driver_path or "dctck_driver fixture", __version__, settings.areas
    )
    if settings.endpoint is not None:
        from dctck._endpoint_run import open_endpoint_run

        try:
            open_endpoint_run(config, settings)
        except (DriverLoadError, ValueError) as exc:
            raise pytest.UsageError(f"dctck: {exc}") from None
        remember_driver(config, settings.driver, settings.timeout)
    settings.report.run_id = settings.run_id
    settings.report.finished = False
    _open_journal(config, settings)
    config.pluginmanager.register(_Certification(settings), "dctck-certification")
    if config.option.verbose <= 0 and config.option.tbstyle == "auto":
        config.option.tbstyle = "no"  # failures are summarized by cause; -v shows each one
    directories = [str(pack.directory) for pack in packs]
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        config.args.extend(directories)
    else:
        config.args[:] = directories


def _option(config: pytest.Config, name: str) -> str | None:
    given = config.getoption(name) or config.getini(name)
    return str(given) if given else None


def _read_settings(config: pytest.Config) -> _Settings | None:
    def value(name: str) -> str | None:
        given = config.getoption(name) or config.getini(name)
        return str(given) if given else None

    driver_path = value("dctck_driver")
    fixtures = _conftest_fixtures(config)
    try:
        remote = read_endpoint_settings(config, value)
    except ValueError as exc:
        raise pytest.UsageError(f"dctck: {exc}") from None
    if remote is not None and driver_path:
        raise pytest.UsageError("dctck: give --dctck-endpoint or --dctck-driver, not both")
    if not (
        driver_path or remote or config.getoption("dctck_enabled") or "dctck_driver" in fixtures
    ):
        return None
    credentials_text = remote.credentials if remote else value("dctck_credentials")
    if credentials_text is None and "dctck_credentials" not in fixtures:
        raise pytest.UsageError(
            "dctck: --dctck-credentials NAME:PASSWORD is required: the kit needs one valid"
            " account of the driver's provider"
        )
    other_text, timeout_text = value("dctck_other_credentials"), value("dctck_timeout")
    if remote is not None:
        other_text, timeout_text = remote.other_credentials, remote.timeout
    try:
        return _Settings(
            driver_path=driver_path,
            credentials=_parsed(credentials_text, parse_credentials, "--dctck-credentials"),
            other_credentials=_parsed(other_text, parse_credentials, "--dctck-other-credentials"),
            timeout=_parsed(timeout_text, parse_timeout, "--dctck-timeout") or DEFAULT_TIMEOUT,
            report_path=value("dctck_report"),
            facts=_parsed(value("dctck_facts"), parse_facts, "--dctck-facts"),
            endpoint=remote.endpoint if remote else None,
            run_id=_run_id(config.getoption("dctck_run_id")),
            settle=_parsed(value("dctck_settle"), _parse_settle, "--dctck-settle") or 0.0,
            **_rest_settings(config, value("dctck_rest_app")),
        )
    except ValueError as exc:
        raise pytest.UsageError(f"dctck: {exc}") from None


def _parse_settle(text: str, option: str) -> float:
    return 0.0 if text.strip() in ("0", "0.0") else parse_timeout(text, option)


def _run_id(given: str | None) -> str:
    if given is None:
        return new_run_id()
    if not is_run_id(given):
        raise ValueError(f"--dctck-run-id must look like 20261204T191500Z-ab12cd, got {given!r}")
    return given


def _open_journal(config: pytest.Config, settings: _Settings) -> None:
    """Open the run's journal when asked to (``--dctck-journal``), saying how to reach the
    driver again: its path and ``DCTCK_*`` environment, never a credential."""
    root = config.getoption("dctck_journal") or config.getini("dctck_journal")
    if not root:
        return
    endpoint = settings.endpoint
    target = {
        "driver": settings.driver_path,
        # an endpoint run is reached again by its URL (never a credential: they are not here)
        "endpoint": None
        if endpoint is None
        else {
            "url": endpoint.url,
            "protocol": endpoint.protocol,
            "driver": endpoint.driver,
            "provider": endpoint.provider,
            "verify": endpoint.verify,
        },
        "environment": reachable_environment(),
        "via_rest": settings.via_rest,
        "accounts": ["valid credentials"]
        + (["other account"] if settings.other_credentials else []),
    }
    try:
        settings.journal = Journal.open(Path(str(root)), settings.run_id, target)
    except OSError as exc:
        raise pytest.UsageError(f"dctck: --dctck-journal {root}: {exc}") from None


def _parsed(text: str | None, parse: Callable[[str, str], _V], option: str) -> _V | None:
    return None if text is None else parse(text, option)


def _conftest_fixtures(config: pytest.Config) -> set[str]:
    """The dctck fixtures that already-loaded conftest files override."""
    names: set[str] = set()
    for plugin in config.pluginmanager.get_plugins():
        if str(getattr(plugin, "__file__", "") or "").endswith("conftest.py"):
            names.update(n for n in ("dctck_driver", "dctck_credentials") if hasattr(plugin, n))
    return names


def _settings(config: pytest.Config) -> _Settings | None:
    return config.stash.get(_SETTINGS, None)


# -- via REST --------------------------------------------------------------------------------------


def _rest_settings(config: pytest.Config, app_path: str | None) -> dict[str, Any]:
    """``via_rest`` and the REST application factory (``None``: the default ``RestApp``)."""
    via_rest = bool(config.getoption("dctck_via_rest") or config.getini("dctck_via_rest"))
    if app_path is None:
        return {"via_rest": via_rest}
    if not via_rest:
        raise pytest.UsageError("dctck: --dctck-rest-app needs --dctck-via-rest")
    from dctck.rest import load_app_factory

    try:
        return {"via_rest": True, "rest_app": load_app_factory(app_path)}
    except DriverLoadError as exc:
        raise pytest.UsageError(f"dctck: {exc}") from None


def _via_rest(config: pytest.Config) -> bool:
    settings = _settings(config)
    return settings is not None and settings.via_rest


# -- collection ------------------------------------------------------------------------------------


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    settings = _settings(parent.config)
    if settings is not None and any(
        pack.collects(file_path, settings.via_rest) for pack in settings.packs
    ):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    settings = _settings(config)
    if settings is None:
        return
    every = {area for pack in settings.packs for area in (*pack.areas, *pack.rest_areas)}
    chosen = set(settings.areas)
    kept, deselected = [], []
    for item in items:
        area = next((m.name for m in item.iter_markers() if m.name in every), None)
        if area is not None and area not in chosen:
            deselected.append(item)  # --dctck-areas left it out
            continue
        kept.append(item)
        if area is None:
            continue
        marker = item.get_closest_marker(RULE_MARKER)
        item.user_properties.append((_AREA, area))
        item.user_properties.append((_RULE, marker.args[0] if marker else ""))
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


# -- fixtures --------------------------------------------------------------------------------------


def _required(request: pytest.FixtureRequest) -> _Settings:
    settings = _settings(request.config)
    if settings is None:
        pytest.fail("dctck is not enabled: give --dctck-driver=MODULE:ATTR", pytrace=False)
    return settings


@pytest.fixture(scope="session")
def dctck_driver(request: pytest.FixtureRequest) -> Any:
    """The driver under test, loaded from ``--dctck-driver`` (override to build your own)."""
    settings = _required(request)
    if settings.driver is None:
        pytest.fail(
            "dctck: no driver: give --dctck-driver=MODULE:ATTR or define the dctck_driver fixture",
            pytrace=False,
        )
    return settings.driver


@pytest.fixture(scope="session")
def dctck_credentials(request: pytest.FixtureRequest) -> dict[str, str]:
    """Valid credentials, from ``--dctck-credentials NAME:PASSWORD``."""
    credentials = _required(request).credentials
    assert credentials is not None  # enforced when the options were read
    return credentials


@pytest.fixture(scope="session")
def dctck_other_credentials(request: pytest.FixtureRequest) -> dict[str, str] | None:
    """A second account, from ``--dctck-other-credentials``; ``None`` skips the isolation checks."""
    return _required(request).other_credentials


@pytest.fixture(scope="session")
def dctck_timeout(request: pytest.FixtureRequest) -> float:
    """Seconds (of the driver's time) that bound every call and every wait."""
    return _required(request).timeout


@pytest.fixture(scope="session")
def dctck_facts(request: pytest.FixtureRequest) -> Facts | None:
    """What the provider is known to offer, from ``--dctck-facts``: attribute values by
    collection and id; ``None`` without the option (the facts checks are then skipped)."""
    return _required(request).facts


@pytest.fixture(scope="session")
def dctck_rest(
    request: pytest.FixtureRequest, dctck_driver: Any, dctck_timeout: float
) -> Iterator[RestFront]:
    """With ``--dctck-via-rest``: a ``dctck.rest.RestFront``, the driver behind the REST front
    on a loopback port for the session, with the HTTP client adapter as ``.client``."""
    settings = _required(request)
    if not settings.via_rest:
        pytest.skip("not applicable: the REST front is checked with --dctck-via-rest")
    from dctck.rest import RestApp, RestFront

    try:
        front = RestFront(dctck_driver, settings.rest_app or RestApp, timeout=dctck_timeout)
    except Exception as exc:
        pytest.fail(f"dctck: building the REST application raised {exc!r:.200}", pytrace=False)
    with front:
        yield front


@pytest.fixture(scope="session")
def dctck_subject(
    request: pytest.FixtureRequest,
    dctck_driver: Any,
    dctck_credentials: dict[str, str],
    dctck_other_credentials: dict[str, str] | None,
    dctck_timeout: float,
) -> Iterator[Subject]:
    """The driver with its credentials and timeout, shared by every check of the session.

    With ``--dctck-via-rest`` the checks call the HTTP client adapter in front of the driver.
    """
    driver = dctck_driver
    if _via_rest(request.config):
        driver = request.getfixturevalue("dctck_rest").client
    subject = Subject(driver, dctck_credentials, dctck_other_credentials, dctck_timeout)
    endpoint = _required(request).endpoint
    if endpoint is not None:
        subject.read_only = endpoint.read_only
        subject.default_image_id = endpoint.prefer.get("image")
    _required(request).subject = subject
    settings = _required(request)
    subject.run_id, subject.journal = settings.run_id, settings.journal
    subject.settle = settings.settle
    if driver is not dctck_driver:
        subject.faults = fault_injection_of(dctck_driver)  # SPEC 9 faults behind the front
    frozen = None
    config = request.config
    if subject.clock is None and (
        config.getoption("dctck_freeze_time") or config.getini("dctck_freeze_time")
    ):
        frozen = FrozenTime()
        frozen.start()
        subject.clock = frozen
    try:
        yield subject
    finally:
        subject.close()
        if frozen is not None:
            frozen.stop()


@pytest.fixture
def dctck_harness(request: pytest.FixtureRequest, dctck_subject: Subject) -> Iterator[Harness]:
    """One check's harness; what the check created is destroyed afterwards, leaks fail it."""
    harness = Harness(dctck_subject, request.node.name)
    yield harness
    leaks = harness.cleanup()
    if dctck_subject.observed:  # the transitions seen, carried to the report (xdist too)
        request.node.user_properties.append((_TRANSITIONS, json.dumps(dctck_subject.observed)))
        dctck_subject.observed.clear()
    request.node.user_properties.append((_LEAKS, len(leaks)))
    if leaks:
        raise Unmet([f"{leak} [{RULE_LEDGER}]" for leak in leaks])


# -- outcomes and the report -----------------------------------------------------------------------


#: Real seconds between two writes of the JSON report while checks finish (each write is the
#: whole report: writing after every one of 300 checks cost a fifth of a short run).
REPORT_EVERY = 0.5


class _Certification:
    """Per-run hooks: failure messages without tracebacks, check records, the report (written
    as checks finish, at most every :data:`REPORT_EVERY` seconds, and at the end), a line per
    failed check as it happens, and Ctrl-C."""

    def __init__(self, settings: _Settings) -> None:
        self.settings = settings
        self.phases: dict[str, list[pytest.TestReport]] = {}
        self.session: pytest.Session | None = None
        self.interrupted = False
        self._previous_handler: Any = None
        #: The causes of the failures printed so far (without -v, each is printed once).
        self._causes_said: set[str] = set()
        self._report_written: float | None = None  # real monotonic seconds

    # -- Ctrl-C: first stops the run after cleanup, second exits at once -------------------------

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session
        clear_stop()
        if hasattr(session.config, "workerinput"):
            return
        if threading.current_thread() is threading.main_thread():
            self._previous_handler = signal.signal(signal.SIGINT, self._on_interrupt)

    def _on_interrupt(self, signum: int, frame: Any) -> None:
        journal = self.settings.journal
        if self.interrupted:
            sweep = f"; dctck sweep --run {self.settings.run_id}" if journal else ""
            self._say(f"dctck: interrupted again: exiting now{sweep}")
            os._exit(EXIT_INTERRUPTED)
        self.interrupted = True
        request_stop()
        if self.session is not None:
            self.session.shouldstop = "dctck: interrupted, not certified"
        if journal is not None:
            journal.note("interrupted")
        self._say(
            "dctck: interrupted: cleaning up what the run created, then stopping"
            " (Ctrl-C again to exit at once)"
        )

    def _say(self, line: str) -> None:
        """Write to the real stderr, even while pytest captures the check's output."""
        capture = (
            self.session.config.pluginmanager.get_plugin("capturemanager") if self.session else None
        )
        if capture is None:
            sys.stderr.write(f"\n{line}\n")
            sys.stderr.flush()
            return
        with capture.global_and_fixture_disabled():
            sys.stderr.write(f"\n{line}\n")
            sys.stderr.flush()

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self._previous_handler is not None:
            signal.signal(signal.SIGINT, self._previous_handler)
            self._previous_handler = None

    # -- outcomes ----------------------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        try:
            return (yield)
        except NotApplicable as exc:
            pytest.skip(f"not applicable: {exc}")
        except NotRun as exc:
            pytest.skip(f"{NOT_RUN}: {exc}")
        except Interrupted:
            pytest.skip("interrupted: the run was stopped while this check waited")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        error = call.excinfo.value if call.excinfo is not None else None
        if isinstance(error, Unmet):
            message = self._redact(item, str(error) + self._exchanges())
            report.longrepr = message
            report.user_properties.append((_MESSAGE, message))
            if error.rule:
                report.user_properties.append((_RULE, error.rule))
            for name, value in cause_of(error).items():
                report.user_properties.append((f"dctck_{name}", self._redact(item, value)))
        return report

    def _exchanges(self) -> str:
        """An endpoint run's last HTTP exchanges of the check, each with its reproduction."""
        log, endpoint = self.settings.exchanges, self.settings.endpoint
        if log is None or endpoint is None:
            return ""
        shown = [describe(exchange, str(endpoint.protocol)) for exchange in log.take()[-3:]]
        return "".join(f"\n{text}" for text in shown)

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if self.settings.exchanges is not None:
            self.settings.exchanges.take()  # a check's reproductions are its own exchanges

    def _redact(self, item: pytest.Item, text: str) -> str:
        subject = getattr(item, "funcargs", {}).get("dctck_subject")
        if isinstance(subject, Subject):
            return subject.redact(text)
        for creds in (self.settings.credentials, self.settings.other_credentials):
            if creds and creds.get("password"):
                text = text.replace(creds["password"], "***")
        return text

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not any(name == _AREA for name, _ in report.user_properties):
            return
        phases = self.phases.setdefault(report.nodeid, [])
        phases.append(report)
        if report.when == "teardown" and self.settings.report is not None:
            record = self._add(report.nodeid, phases)
            del self.phases[report.nodeid]
            if record.outcome == "failed":
                self._print_failure(record)
            self._write_report()

    def _add(self, nodeid: str, phases: list[pytest.TestReport]) -> CheckRecord:
        """Add a check's record to the report, with the transitions it saw."""
        report = self.settings.report
        assert report is not None
        record = _record(nodeid, phases)
        report.add(record)
        for phase in phases:
            for name, value in phase.user_properties:
                if name == _TRANSITIONS:
                    for seen in json.loads(str(value)):
                        report.observe(*seen)
        return record

    def _print_failure(self, record: CheckRecord) -> None:
        """A failed check of a new cause (every failed check with -v), said at once: a run
        stopped early still tells what it found."""
        if self.session is None or hasattr(self.session.config, "workerinput"):
            return
        reporter = self.session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        if self.session.config.option.verbose <= 0:  # causes first: each cause said once
            if record.cause in self._causes_said:
                return
            self._causes_said.add(record.cause)
        first = record.message.strip().splitlines()[0] if record.message.strip() else ""
        reporter.write_line(f"dctck: FAILED {record.id}: {first[:300]}")

    def _write_report(self, final: bool = False) -> None:
        """Write the report; unless ``final``, only if the last write is REPORT_EVERY old."""
        report = self.settings.report
        if report is None or not self.settings.report_path:
            return
        if self.session is not None and hasattr(self.session.config, "workerinput"):
            return
        now = REAL_CLOCKS["monotonic"]()
        last = self._report_written
        if not final and last is not None and now - last < REPORT_EVERY:
            return
        report.write(self.settings.report_path)
        self._report_written = now

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        report = self.settings.report
        if report is None or hasattr(session.config, "workerinput"):
            return
        for nodeid, phases in self.phases.items():  # checks stopped before their teardown
            self._add(nodeid, phases)
        self.phases.clear()
        _describe_driver(report, self.settings)
        report.not_certifying = restrictions(session, exitstatus, report)
        chosen = _option(session.config, "dctck_areas")
        if chosen:  # a run of some areas proves only those
            report.not_certifying.append(f"areas chosen by --dctck-areas {chosen!r}")
        report.interrupted = self.interrupted
        report.finished = True
        if self.interrupted:
            session.exitstatus = pytest.ExitCode.INTERRUPTED
        if self.settings.journal is not None:
            self.settings.journal.note("finished", interrupted=self.interrupted)
        self._write_report(final=True)

    def pytest_terminal_summary(self, terminalreporter: Any, config: pytest.Config) -> None:
        report = self.settings.report
        if report is None or hasattr(config, "workerinput"):
            return
        terminalreporter.section("dctck certification")
        verbose = config.option.verbose > 0
        if not verbose:  # each cause once, above: not a traceback and a line per failed check
            terminalreporter.reportchars = terminalreporter.reportchars.translate(
                {ord("f"): None, ord("E"): None}
            )
        for line in report.summary_lines(verbose):
            terminalreporter.write_line(line)
        if self.settings.report_path:
            terminalreporter.write_line(f"report written to {self.settings.report_path}")
        if self.settings.journal is not None and (self.interrupted or report.leaks):
            terminalreporter.write_line(
                f"journal: {self.settings.journal.path}; remove what is left with"
                f" dctck sweep --run {self.settings.run_id}"
            )


def _record(nodeid: str, phases: list[pytest.TestReport]) -> CheckRecord:
    properties: dict[str, str] = {}
    for phase in phases:
        properties.update((name, str(value)) for name, value in phase.user_properties)
    failed = next((p for p in phases if p.failed), None)
    skipped = next((p for p in phases if p.skipped), None)
    if failed is not None:
        given = dict(failed.user_properties).get(_MESSAGE)
        outcome, message = "failed", str(given) if given else _crash(failed)
    elif skipped is not None:
        outcome, message = "skipped", _skip_reason(skipped)
    else:
        outcome, message = "passed", ""
    check_id = f"{properties[_AREA]}::{nodeid.rpartition('::')[2]}"
    causes = {name: properties.get(f"dctck_{name}", "") for name in _CAUSE_FIELDS}
    if outcome != "failed":
        causes = dict.fromkeys(_CAUSE_FIELDS, "")
    elif not causes["cause"]:
        causes["cause"] = message
    leaks = int(properties.get(_LEAKS, "0") or 0)
    rule = properties.get(_RULE, "")
    return CheckRecord(check_id, properties[_AREA], outcome, message, rule, **causes, leaks=leaks)


def _describe_driver(report: Report, settings: _Settings) -> None:
    """The declared machine, features and facts, as the report shows them beside the checks.

    The driver is asked within the run's timeout, as every check asks it: a driver that hangs
    leaves these out of the report and never holds up the end of the run."""
    if settings.facts is not None:
        report.facts = settings.facts
    driver = settings.driver
    if driver is None and settings.subject is not None:
        driver = settings.subject.driver
    if driver is None:
        return
    runner = CallRunner()
    try:
        declared = _bounded(runner, getattr(driver, "instance_states", None), settings.timeout)
        machine = StateMachine(declared) if declared is not None else None
        report.machine = (
            None
            if machine is None
            else [[edge.origin, edge.action, edge.destination] for edge in machine.transitions]
        )
    except Exception:  # a malformed declaration: its checks already say so
        report.machine = None
    features = getattr(driver, "features", None)
    given = _bounded(runner, features, settings.timeout) if callable(features) else {}
    try:
        report.features = (
            None
            if given is None
            else {str(k): sorted(str(n) for n in v) for k, v in dict(given).items()}
        )
    except Exception:  # features() gave no mapping of collections to names: its checks say so
        report.features = None
    runner.close()


def _bounded(runner: CallRunner, method: Any, timeout: float) -> Any:
    """``method()`` within ``timeout``; ``None`` when it is missing, raises or does not return."""
    if not callable(method):
        return None
    finished, value, error = runner.run(method, timeout)
    return value if finished and error is None else None


def _crash(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    return str(crash.message) if crash is not None else str(report.longrepr)


def _skip_reason(report: pytest.TestReport) -> str:
    if isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return str(report.longrepr)
