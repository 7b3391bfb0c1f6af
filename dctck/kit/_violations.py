"""A broken rule, said the way a driver author can act on: call, rule, what happened, expected."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["NotApplicable", "NotRun", "Unmet", "Violation", "format_violations", "require"]


@dataclass(frozen=True)
class Violation:
    """One way a driver broke a rule.

    Renders as ``images(opts={'architecture': 'X86_64'}) [SPEC 6: exact, case-sensitive match]
    returned ['img-1'], expected []``.
    """

    call: str
    rule: str
    happened: str
    expected: str

    def __str__(self) -> str:
        return f"{self.call} [{self.rule}] {self.happened}, expected {self.expected}"

    @classmethod
    def of(cls, outcome: Any, rule: str, expected: str) -> Violation:
        """The violation of a driver call's :class:`~dctck.kit.Outcome`: the call as made, and
        what it did (returned, raised, did not return) as what happened."""
        return cls(str(outcome.call), rule, outcome.describe(), expected)


def format_violations(violations: Iterable[Violation | str]) -> str:
    """One violation on one line; several as a counted list, one per line."""
    lines = list(dict.fromkeys(str(v) for v in violations))
    if len(lines) == 1:
        return lines[0]
    return f"{len(lines)} violations:\n" + "\n".join(f"- {line}" for line in lines)


class Unmet(AssertionError):
    """Raised by a check whose rules were broken; the kit shows its message without a traceback."""

    def __init__(self, violations: Iterable[Violation | str]) -> None:
        self.violations = list(violations)
        super().__init__(format_violations(self.violations))

    @property
    def rule(self) -> str | None:
        """The rule of the first violation (the one a report lists the check under)."""
        first = self.violations[0] if self.violations else None
        return first.rule if isinstance(first, Violation) else None


def require(violations: Iterable[Violation | str]) -> None:
    """Raise :class:`Unmet` if there is any violation."""
    found = list(violations)
    if found:
        raise Unmet(found)


class NotApplicable(Exception):
    """Raised by a check that cannot apply to this driver; the kit reports it as skipped.

    The message says why, e.g. ``the declared machine has no start action``.
    """


class NotRun(Exception):
    """Raised where a check would do what the run forbids (``--read-only``: create an instance);
    the kit reports the check as skipped, "not run", which a certifying run may not have."""
