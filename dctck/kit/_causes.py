"""Failures grouped by cause, so that one defect is shown once however many checks it fails.

Two failed checks share a cause when their first violation raised the same exception (type and
message; also at the end of a longer story, such as a generated action sequence), or broke the
same rule with the same observed outcome. A failure that is not a
violation (a crash of the check) is its own message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dctck.kit._violations import Unmet, Violation

__all__ = ["Cause", "cause_of", "group_causes"]

_RAISED = "raised "


def cause_of(error: Unmet) -> dict[str, str]:
    """The cause of a check's violations, with its first violation's call, rule, what happened
    and what was expected (empty when the violation is plain text)."""
    first = error.violations[0] if error.violations else None
    if not isinstance(first, Violation):
        return {"cause": str(first or error)}
    raised = first.happened.rpartition(": " + _RAISED)[2]  # a generated sequence says more first
    if first.happened.startswith(_RAISED):
        cause = first.happened
    elif raised != first.happened:
        cause = _RAISED + raised
    else:
        cause = f"[{first.rule}] {first.happened}"
    return {
        "cause": cause,
        "call": first.call,
        "happened": first.happened,
        "expected": first.expected,
    }


@dataclass(frozen=True)
class Cause:
    """One cause and the failed checks it explains, in report order."""

    text: str
    checks: Sequence[Any]  # CheckRecord

    @property
    def areas(self) -> dict[str, int]:
        """How many of its checks fall in each area."""
        counts: dict[str, int] = {}
        for check in self.checks:
            counts[check.area] = counts.get(check.area, 0) + 1
        return counts

    @property
    def example(self) -> Any:
        return self.checks[0]

    @property
    def rules(self) -> list[str]:
        return list(dict.fromkeys(check.rule for check in self.checks if check.rule))

    def headline(self) -> str:
        """``59 checks (models 25, ids 34): raised TypeError: ...``."""
        areas = ", ".join(f"{area} {count}" for area, count in self.areas.items())
        noun = "check" if len(self.checks) == 1 else "checks"
        return f"{len(self.checks)} {noun} ({areas}): {self.text}"


def group_causes(failed: Iterable[Any]) -> list[Cause]:
    """The causes of ``failed`` check records, the one failing most checks first."""
    groups: dict[str, list[Any]] = {}
    for check in failed:
        groups.setdefault(check.cause or check.message, []).append(check)
    causes = [Cause(text, checks) for text, checks in groups.items()]
    return sorted(causes, key=lambda cause: -len(cause.checks))
