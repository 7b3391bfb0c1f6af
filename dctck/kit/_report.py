"""The certification report: check records per area, the verdict, JSON and terminal renderings."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["API_AREA", "AREAS", "CheckRecord", "Report"]

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
    #: Instances the check's cleanup could not remove (each also fails the check).
    leaks: int = 0


class Report:
    """Check records gathered during a run, with the verdict they add up to."""

    def __init__(self, driver: str, kit_version: str, areas: Iterable[str] = AREAS) -> None:
        self.driver = driver
        self.kit_version = kit_version
        self.area_names = list(areas)
        self.checks: list[CheckRecord] = []
        #: The run's id, as instances and the journal carry it ("" when unknown).
        self.run_id = ""
        #: The run was stopped (Ctrl-C) before every check ran: never certified.
        self.interrupted = False
        #: Whether the run is over; a report written during the run (after each check) is not,
        #: and certifies nothing yet.
        self.finished = True

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
    def leaks(self) -> int:
        """Instances the run created and could not remove."""
        return sum(check.leaks for check in self.checks)

    @property
    def certified(self) -> bool:
        """Every check that ran passed, at least one ran, nothing leaked, not interrupted."""
        return (
            self.finished
            and not self.failed
            and not self.leaks
            and not self.interrupted
            and any(c.outcome == "passed" for c in self.checks)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kit_version": self.kit_version,
            "driver": self.driver,
            "certified": self.certified,
            "run_id": self.run_id,
            "finished": self.finished,
            "interrupted": self.interrupted,
            "leaks": self.leaks,
            "areas": self.areas,
            "checks": [asdict(check) for check in self.checks],
        }

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the JSON report, creating its directory if needed; replaced in one step, so
        the file is a whole report at every moment (it is rewritten after every check)."""
        directory = os.path.dirname(os.fspath(path))
        if directory:
            os.makedirs(directory, exist_ok=True)
        partial = f"{os.fspath(path)}.partial"
        with open(partial, "w", encoding="utf-8") as stream:
            json.dump(self.to_dict(), stream, indent=2)
            stream.write("\n")
        os.replace(partial, path)

    def summary_lines(self) -> list[str]:
        """The per-area table and the verdict, for the terminal."""
        lines = [f"{'area':<12}{'passed':>8}{'failed':>8}{'skipped':>9}"]
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
        elif self.certified:
            lines.append(f"CERTIFIED: {self.driver} passed all {ran} checks that apply")
        elif not self.failed:
            lines.append(f"NOT CERTIFIED: {self.driver}: no check ran")
        else:
            lines.append(f"NOT CERTIFIED: {self.driver} failed {len(self.failed)} of {ran} checks")
        return lines
