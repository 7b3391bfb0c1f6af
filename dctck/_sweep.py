"""``dctck sweep``: destroy what interrupted or killed runs left behind, from their journals.

For each run it reads the journal (``dctck._journal``), reaches the driver again (its
``MODULE:ATTR`` and the ``DCTCK_*`` environment the run had; credentials are asked again), and
lists each account once. What it destroys is what the run created and what carries the run's id:
an id the journal holds, a name the run gave (SPEC 8 ``user_name``), or the run's tag (``run_tag``),
which is how a create whose answer was lost is found. Never anything else. It then waits until
each is gone, within the timeout, polling all of them together (one wait for the whole sweep).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dctck._errors import ActionNotAllowed, DriverLoadError, NotFound
from dctck._journal import (
    RUNS_DIR,
    Journal,
    JournalState,
    is_run_id,
    name_prefix,
    read_journal,
    run_directories,
)
from dctck._loader import load_driver
from dctck._options import bundled_target, parse_credentials, parse_timeout
from dctck.kit._calls import CallRunner
from dctck.kit._subject import virtual_clock_of

__all__ = ["SweepCommand", "SweepResult", "sweep_run"]

DEFAULT_SWEEP_TIMEOUT = 120.0
#: The accounts a run creates instances with (other labels are refused creates' credentials).
ACCOUNTS = ("valid credentials", "other account")
_ENV_CREDENTIALS = {
    "valid credentials": "DCTCK_CREDENTIALS",
    "other account": "DCTCK_OTHER_CREDENTIALS",
}


@dataclass
class SweepResult:
    """What one run's sweep found, destroyed, and could not remove."""

    run_id: str
    found: list[str] = field(default_factory=list)
    destroyed: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def sweep_run(
    journal_path: Path,
    credentials: dict[str, dict[str, str]],
    timeout: float = DEFAULT_SWEEP_TIMEOUT,
    dry_run: bool = False,
    driver: Any = None,
    say: Callable[[str], None] = print,
) -> SweepResult:
    """Sweep the run of ``journal_path``: ``credentials`` by account label ("valid credentials",
    "other account"); ``driver`` (default: loaded as the journal says)."""
    state = read_journal(journal_path)
    result = SweepResult(state.run_id)
    if driver is None:
        driver = _driver_of(state)
    runner = CallRunner()
    try:
        work = _Sweep(driver, state, runner, timeout, result, say)
        for account in [a for a in state.accounts if a in ACCOUNTS] or ["valid credentials"]:
            creds = credentials.get(account)
            if creds is None:
                result.problems.append(f"no credentials for the {account}: it was not swept")
                continue
            work.account(account, creds, dry_run)
        if not dry_run:
            work.wait_gone()
            journal = Journal(journal_path, state.run_id)
            for instance_id in result.destroyed:
                if instance_id not in result.left:
                    journal.gone(instance_id)
            if not result.left and not result.problems:
                journal.note("swept")
    finally:
        runner.close()
    return result


class _Sweep:
    def __init__(
        self,
        driver: Any,
        state: JournalState,
        runner: CallRunner,
        timeout: float,
        result: SweepResult,
        say: Callable[[str], None],
    ) -> None:
        self.driver, self.state, self.runner = driver, state, runner
        self.timeout, self.result, self.say = timeout, result, say
        self.pending: dict[str, dict[str, str]] = {}  # id -> credentials, destroy sent

    def _call(self, method: str, *args: Any) -> tuple[Any, BaseException | None]:
        function = getattr(self.driver, method, None)
        if not callable(function):
            return None, AttributeError(f"the driver has no {method}()")
        finished, value, error = self.runner.run(lambda: function(*args), self.timeout)
        if not finished:
            return None, TimeoutError(f"{method} did not return within {self.timeout:g} s")
        return value, error

    def _ours(self, account: str, creds: dict[str, str]) -> list[str]:
        """The ids of the account's instances that the run created or that carry its id."""
        listed, error = self._call("instances", dict(creds), None)
        if error is not None or not isinstance(listed, list):
            self.result.problems.append(f"instances() for the {account} failed: {error!r:.200}")
            return []
        known = {i for i, label in self.state.instances.items() if label == account}
        prefix = name_prefix(self.state.run_id)
        ours = [
            i.id
            for i in listed
            if isinstance(getattr(i, "id", None), str)
            and (i.id in known or str(getattr(i, "name", None) or "").startswith(prefix))
        ]
        if self._declares_run_tag():
            tagged, error = self._call("instances", dict(creds), {"run_tag": self.state.run_id})
            if error is None and isinstance(tagged, list):
                ours += [i.id for i in tagged if isinstance(getattr(i, "id", None), str)]
        return list(dict.fromkeys(ours))

    def _declares_run_tag(self) -> bool:
        features, error = self._call("features")
        names = features.get("instances") if isinstance(features, dict) else None
        return error is None and isinstance(names, list | set | frozenset) and "run_tag" in names

    def account(self, account: str, creds: dict[str, str], dry_run: bool) -> None:
        found = self._ours(account, creds)
        self.result.found += found
        for instance_id in found:
            if dry_run:
                self.say(f"would destroy {instance_id} ({account})")
                continue
            self._destroy(instance_id, creds)

    def _destroy(self, instance_id: str, creds: dict[str, str]) -> None:
        deadline = time.monotonic() + self.timeout
        clock = virtual_clock_of(self.driver)
        while True:
            _, error = self._call("destroy_instance", dict(creds), instance_id)
            if error is None or isinstance(error, NotFound):
                self.pending[instance_id] = creds
                self.result.destroyed.append(instance_id)
                self.say(f"destroyed {instance_id}")
                return
            if not isinstance(error, ActionNotAllowed) or time.monotonic() >= deadline:
                self.result.left.append(instance_id)
                self.result.problems.append(
                    f"destroy_instance({instance_id!r}) raised {error!r:.200}"
                )
                return
            _pass_time(clock, 1.0)  # not destroyable yet (still booting, say): a while later

    def wait_gone(self) -> None:
        """Poll the destroyed instances until none is listed, within one timeout in all."""
        clock = virtual_clock_of(self.driver)
        start = time.monotonic()
        waited, step = 0.0, 0.5 if clock is None else 1.0
        while self.pending:
            for instance_id, creds in list(self.pending.items()):
                listed, error = self._call("instances", dict(creds), {"id": instance_id})
                if (
                    error is None
                    and isinstance(listed, list)
                    and not any(getattr(i, "id", None) == instance_id for i in listed)
                ):
                    del self.pending[instance_id]
            elapsed = waited if clock is not None else time.monotonic() - start
            if not self.pending or elapsed >= self.timeout:
                break
            _pass_time(clock, step)
            waited += step
            step = min(step * 2, 8.0)
        for instance_id in self.pending:
            self.result.left.append(instance_id)
            self.result.problems.append(
                f"instance {instance_id!r} still listed {self.timeout:g} s after destroy_instance"
            )


def _pass_time(clock: Any, seconds: float) -> None:
    if clock is not None:
        clock.tick(seconds)
    else:
        time.sleep(seconds)


def _driver_of(state: JournalState) -> Any:
    endpoint = state.target.get("endpoint")
    if isinstance(endpoint, dict) and endpoint.get("url"):
        from dctck._endpoint import Endpoint, open_endpoint

        fields = ("url", "protocol", "driver", "provider", "verify")
        return open_endpoint(Endpoint(**{k: endpoint[k] for k in fields if k in endpoint}), 30.0)
    path = state.target.get("driver")
    if not isinstance(path, str) or not path:
        raise DriverLoadError("the journal names no driver (a dctck_driver fixture run)")
    environment = state.target.get("environment") or {}
    with _environment({str(k): str(v) for k, v in dict(environment).items()}):
        return load_driver(path)


@contextmanager
def _environment(values: dict[str, str]) -> Any:
    """The run's ``DCTCK_*`` variables set while the driver is built."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class SweepCommand:
    """``dctck sweep``: remove what runs left behind (their journals say what)."""

    help = "destroy what interrupted or killed certification runs left behind (their journals)"

    def configure(self, parser: argparse.ArgumentParser) -> None:
        parser.description = (
            "Destroy the instances that dctck certify runs created and did not remove (a run"
            " stopped by Ctrl-C, killed, or whose cleanup failed), found through each run's"
            " journal and the run's id on the instances; never anything else. Credentials are"
            " never in a journal: give them again (or through DCTCK_CREDENTIALS and"
            " DCTCK_OTHER_CREDENTIALS); the bundled reference target brings its own."
        )
        parser.add_argument("--run", metavar="ID", help="sweep this run only (default: all)")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be destroyed; destroy nothing"
        )
        parser.add_argument(
            "--runs-dir",
            metavar="DIR",
            default=str(RUNS_DIR),
            help=f"where the journals are (default {RUNS_DIR})",
        )
        parser.add_argument("--credentials", metavar="NAME:PASSWORD", help="the run's account")
        parser.add_argument(
            "--other-credentials", metavar="NAME:PASSWORD", help="the run's second account"
        )
        parser.add_argument(
            "--timeout",
            metavar="SECONDS",
            help=f"bound on each call and on the wait for all to be gone (default"
            f" {DEFAULT_SWEEP_TIMEOUT:g})",
        )

    def run(self, args: argparse.Namespace) -> int:
        try:
            timeout = (
                parse_timeout(args.timeout, "--timeout")
                if args.timeout is not None
                else DEFAULT_SWEEP_TIMEOUT
            )
            paths = _journals(Path(args.runs_dir), args.run)
        except ValueError as exc:
            print(f"dctck sweep: error: {exc}", file=sys.stderr)
            return 2
        if not paths:
            print(f"dctck sweep: nothing to sweep in {args.runs_dir}")
            return 0
        code = 0
        for path in paths:
            code = max(code, self._sweep_one(path, args, timeout))
        return code

    def _sweep_one(self, path: Path, args: argparse.Namespace, timeout: float) -> int:
        try:
            state = read_journal(path)
            credentials = _credentials(args, state)
        except ValueError as exc:
            print(f"dctck sweep: error: {exc}", file=sys.stderr)
            return 2
        clean = not state.lost and set(state.instances) <= state.gone
        if args.run is None and (state.swept or clean):
            return 0  # nothing of the run can be alive: not even its driver is built
        print(f"dctck sweep: run {state.run_id} ({state.target.get('driver')})")
        try:
            result = sweep_run(
                path, credentials, timeout, args.dry_run, say=lambda s: print(f"  {s}")
            )
        except (DriverLoadError, ValueError) as exc:
            print(f"dctck sweep: error: run {state.run_id}: {exc}", file=sys.stderr)
            return 2
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        verb = "would destroy" if args.dry_run else "destroyed"
        count = len(result.found) if args.dry_run else len(result.destroyed)
        print(f"  {verb} {count}, left {len(result.left)}")
        return 1 if result.left or result.problems else 0


def _journals(root: Path, run: str | None) -> list[Path]:
    if run is None:
        return [d / "journal.jsonl" for d in run_directories(root)]
    if not is_run_id(run):
        raise ValueError(f"--run must be a run id like 20261204T191500Z-ab12cd, got {run!r}")
    path = root / run / "journal.jsonl"
    if not path.is_file():
        raise ValueError(f"no journal of run {run} in {root}")
    return [path]


def _credentials(args: argparse.Namespace, state: JournalState) -> dict[str, dict[str, str]]:
    """Credentials by account label: the options, else the environment, else the bundled
    reference target's when the run certified its driver."""
    given = {"valid credentials": args.credentials, "other account": args.other_credentials}
    bundled = bundled_target("default")
    from_target = {
        "valid credentials": bundled.get("credentials"),
        "other account": bundled.get("other_credentials"),
    }
    same_driver = bundled.get("driver") == state.target.get("driver")
    found: dict[str, dict[str, str]] = {}
    for label, text in given.items():
        option = "--credentials" if label == "valid credentials" else "--other-credentials"
        text = text or os.environ.get(_ENV_CREDENTIALS[label])
        if text is None and same_driver:
            text = from_target[label]
        if text:
            found[label] = parse_credentials(text, option)
    return found
