"""The certification report: check records per area, the verdict, JSON and terminal renderings.

Besides the checks it keeps what a reader needs to see the driver as it was certified: the
declared state machine, the transitions the run observed (with their latency in the driver's
time), the driver's features and the declared facts.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any

from dctck.kit._causes import Cause, group_causes

__all__ = ["API_AREA", "AREAS", "CheckRecord", "ObservedTransition", "Report"]

#: The report areas, in the order they are shown.
AREAS = ("models", "ids", "filters", "auth", "isolation", "fsm", "create", "faults")
#: The area of the REST front's checks, reported after the others in ``--dctck-via-rest`` runs.
API_AREA = "api"

_OUTCOMES = ("passed", "failed", "skipped")


@dataclass(frozen=True)
class CheckRecord:
    """One check's verdict as the report lists it."""

    id: str
    area: str
    outcome: str
    message: str
    rule: str
    #: What a failure shares with the others of the same cause (see ``dctck.kit._causes``).
    cause: str = ""
    #: The first violation of a failure: the call, what happened and what was expected.
    call: str = ""
    happened: str = ""
    expected: str = ""
    #: Instances the check's cleanup could not remove (each also fails the check).
    leaks: int = 0


@dataclass
class ObservedTransition:
    """A transition the run saw, how often, and its latency range in the driver's seconds."""

    origin: str
    action: str
    destination: str
    count: int = 0
    latency_min: float = 0.0
    latency_max: float = 0.0

    def add(self, latency: float) -> None:
        first = self.count == 0
        self.latency_min = latency if first else min(self.latency_min, latency)
        self.latency_max = latency if first else max(self.latency_max, latency)
        self.count += 1


class Report:
    """Check records gathered during a run, with the verdict they add up to."""

    def __init__(self, driver: str, kit_version: str, areas: Iterable[str] = AREAS) -> None:
        self.driver = driver
        self.kit_version = kit_version
        self.area_names = list(areas)
        self.checks: list[CheckRecord] = []
        #: Why the run cannot certify even when nothing failed: restricted or not all run.
        self.not_certifying: list[str] = []
        #: An endpoint run's identity (URL, protocol, server-reported driver and version).
        self.endpoint: dict[str, Any] | None = None
        #: An endpoint run's discovery: what the endpoint said it is, what was checked and why.
        self.discovery: dict[str, Any] | None = None
        self.transitions: dict[tuple[str, str, str], ObservedTransition] = {}
        #: The declared machine (``instance_states()``), features and facts; None if unknown.
        self.machine: list[Any] | None = None
        self.features: dict[str, list[str]] | None = None
        self.facts: dict[str, Any] | None = None
        #: The run's id, as instances and the journal carry it ("" when unknown).
        self.run_id = ""
        #: The run was stopped (Ctrl-C) before every check ran: never certified.
        self.interrupted = False
        #: Whether the run is over; a report written during the run (after each check) is not,
        #: and certifies nothing yet.
        self.finished = True

    def observe(self, origin: str, action: str, destination: str, latency: float) -> None:
        """Count one observed transition and its latency."""
        key = (origin, action, destination)
        if key not in self.transitions:
            self.transitions[key] = ObservedTransition(origin, action, destination)
        self.transitions[key].add(latency)

    def add(self, record: CheckRecord) -> None:
        if record.outcome not in _OUTCOMES:
            raise ValueError(f"outcome must be one of {_OUTCOMES}, got {record.outcome!r}")
        if record.area not in self.area_names:
            self.area_names.append(record.area)
        self.checks.append(record)

    @property
    def areas(self) -> dict[str, dict[str, int]]:
        """``{area: {"passed": n, "failed": n, "skipped": n}}`` for every area, even empty ones."""
        counts = {area: dict.fromkeys(_OUTCOMES, 0) for area in self.area_names}
        for check in self.checks:
            counts[check.area][check.outcome] += 1
        return counts

    @property
    def failed(self) -> list[CheckRecord]:
        return [check for check in self.checks if check.outcome == "failed"]

    @property
    def causes(self) -> list[Cause]:
        """The failures grouped by cause, the cause failing most checks first."""
        order = {area: index for index, area in enumerate(self.area_names)}
        return group_causes(sorted(self.failed, key=lambda check: order[check.area]))

    @property
    def certified(self) -> bool:
        """Every check that ran passed, at least one ran, nothing leaked, the run was whole:
        not restricted, not interrupted, and over."""
        return (
            self.finished
            and not self.failed
            and not self.leaks
            and not self.interrupted
            and not self.not_certifying
            and any(c.outcome == "passed" for c in self.checks)
        )

    @property
    def leaks(self) -> int:
        """Instances the run created and could not remove."""
        return sum(check.leaks for check in self.checks)

    @property
    def check_set_hash(self) -> str:
        """SHA-256 of the sorted ids of the checks in the report: equal hashes, same checks."""
        ids = "\n".join(sorted(check.id for check in self.checks))
        return hashlib.sha256(ids.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kit_version": self.kit_version,
            "driver": self.driver,
            "certified": self.certified,
            "not_certifying": list(self.not_certifying),
            "check_set_hash": self.check_set_hash,
            **({"endpoint": self.endpoint} if self.endpoint is not None else {}),
            **({"discovery": self.discovery} if self.discovery is not None else {}),
            "run_id": self.run_id,
            "finished": self.finished,
            "interrupted": self.interrupted,
            "leaks": self.leaks,
            "areas": self.areas,
            "checks": [asdict(check) for check in self.checks],
            "causes": [
                {"cause": c.text, "areas": c.areas, "checks": [check.id for check in c.checks]}
                for c in self.causes
            ],
            "transitions": [asdict(t) for t in self.transitions.values()],
            "machine": self.machine,
            "features": self.features,
            "facts": self.facts,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """The report a :meth:`to_dict` gave (``ValueError`` if it is not one)."""
        try:
            report = cls(str(data["driver"]), str(data["kit_version"]), list(data["areas"]))
            known = {f.name for f in fields(CheckRecord)}
            for check in data["checks"]:
                report.add(CheckRecord(**{k: v for k, v in check.items() if k in known}))
            for seen in data.get("transitions") or []:
                key = (seen["origin"], seen["action"], seen["destination"])
                report.transitions[key] = ObservedTransition(**seen)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a dctck report: {exc!r}") from None
        report.machine = data.get("machine")
        report.features = data.get("features")
        report.facts = data.get("facts")
        report.not_certifying = list(data.get("not_certifying") or [])
        report.endpoint = data.get("endpoint")
        report.discovery = data.get("discovery")
        report.run_id = str(data.get("run_id") or "")
        report.finished = bool(data.get("finished", True))
        report.interrupted = bool(data.get("interrupted", False))
        return report

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Report:
        """The JSON report at ``path``; ``ValueError`` saying why it cannot be read."""
        try:
            with open(path, encoding="utf-8") as stream:
                data = json.load(stream)
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read {os.fspath(path)!r}: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{os.fspath(path)!r} is not a dctck report")
        return cls.from_dict(data)

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the JSON report, creating its directory if needed; replaced in one step, so
        the file is a whole report at every moment (it is rewritten as checks finish)."""
        directory = os.path.dirname(os.fspath(path))
        if directory:
            os.makedirs(directory, exist_ok=True)
        partial = f"{os.fspath(path)}.partial"
        with open(partial, "w", encoding="utf-8") as stream:
            json.dump(self.to_dict(), stream, indent=2)
            stream.write("\n")
        os.replace(partial, path)

    def cause_lines(self, verbose: bool = False) -> list[str]:
        """Each cause once: how many checks it failed, in which areas, one example; with
        ``verbose`` every check it failed."""
        causes = self.causes
        if not causes:
            return []
        noun = "cause" if len(causes) == 1 else "causes"
        lines = [f"{len(causes)} {noun} of {len(self.failed)} failed checks:"]
        for number, cause in enumerate(causes, 1):
            lines.append(f"[{number}] {cause.headline()}")
            lines.append(f"    e.g. {cause.example.id}: {_example(cause.example)}")
            lines += [f"    {line.strip()}" for line in _reproduction(cause.example)]
            if verbose:
                lines += [f"    - {check.id}" for check in cause.checks]
            elif len(cause.checks) > 1:
                lines.append(f"    ... and {len(cause.checks) - 1} more (-v lists them)")
        return lines

    def summary_lines(self, verbose: bool = False) -> list[str]:
        """The causes of the failures, the per-area table and the verdict, for the terminal."""
        lines = self.cause_lines(verbose)
        lines.append(f"{'area':<12}{'passed':>8}{'failed':>8}{'skipped':>9}")
        for area, counts in self.areas.items():
            lines.append(
                f"{area:<12}{counts['passed']:>8}{counts['failed']:>8}{counts['skipped']:>9}"
            )
        ran = sum(1 for check in self.checks if check.outcome != "skipped")
        if self.leaks:
            lines.append(f"leaks: {self.leaks} instance(s) the run created could not be removed")
        if self.interrupted:
            lines.append(
                f"NOT CERTIFIED: {self.driver}: interrupted after {ran} checks"
                f" ({len(self.failed)} failed)"
            )
        elif self.not_certifying and not self.failed:
            lines.append(
                f"NOT CERTIFYING: {self.driver}: {ran} checks ran, but"
                f" {'; '.join(self.not_certifying)}"
            )
        elif self.certified:
            lines.append(f"CERTIFIED: {self.driver} passed all {ran} checks that apply")
        elif not self.failed:
            lines.append(f"NOT CERTIFIED: {self.driver}: no check ran")
        else:
            lines.append(f"NOT CERTIFIED: {self.driver} failed {len(self.failed)} of {ran} checks")
            if self.not_certifying:
                lines.append(f"not certifying either: {'; '.join(self.not_certifying)}")
        return lines


def _example(check: CheckRecord) -> str:
    """A failure's first violation on one line."""
    if check.call:
        return f"{check.call} [{check.rule}] {check.happened}, expected {check.expected}"
    first, _, rest = check.message.partition("\n")
    return first + (" ..." if rest else "")


def _reproduction(check: CheckRecord) -> list[str]:
    """An endpoint run's reproduction of a failure: its exchanges' lines in the message."""
    return [
        line
        for line in check.message.splitlines()
        if line.startswith(("  reproduce: ", "  answered: "))
    ]
