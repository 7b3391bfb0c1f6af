"""Why a run cannot certify even when nothing failed: it did not run the whole check set.

A run restricted with ``-k``, ``-m`` or ``--deselect``, stopped early (``-x``, ``--maxfail``,
Ctrl-C), or with a check skipped for another reason than "not applicable" (``--read-only``'s
"not run", a ``pytest.skip`` of the user's) proves less than the kit's verdict claims: it is
reported "not certifying", with each reason.
"""

from __future__ import annotations

from typing import Any

import pytest

__all__ = ["NOT_APPLICABLE", "NOT_RUN", "restrictions"]

#: How a check that does not apply to the driver is skipped: the only skip a certification allows.
NOT_APPLICABLE = "not applicable"
#: How a check the run forbade (``--read-only``) is skipped.
NOT_RUN = "not run"


def restrictions(session: pytest.Session, exitstatus: int, report: Any) -> list[str]:
    """The reasons the run of ``session`` cannot certify (``report``: its check records)."""
    option = session.config.option
    reasons = [
        f"checks chosen by {flag} {value!r}"
        for flag, value in (
            ("-k", getattr(option, "keyword", "")),
            ("-m", getattr(option, "markexpr", "")),
        )
        if value
    ]
    deselected = getattr(option, "deselect", None) or []
    if deselected:
        reasons.append(f"{len(deselected)} --deselect option(s)")
    if session.shouldfail or session.shouldstop or exitstatus == int(pytest.ExitCode.INTERRUPTED):
        reasons.append("the run stopped before every check ran")
    skipped = [
        check
        for check in report.checks
        if check.outcome == "skipped" and not check.message.startswith(NOT_APPLICABLE)
    ]
    if skipped:
        first = skipped[0]
        reasons.append(
            f"{len(skipped)} check(s) skipped that apply, e.g. {first.id}: {first.message:.150}"
        )
    return reasons
