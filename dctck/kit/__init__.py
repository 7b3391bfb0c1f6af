"""The conformance kit's public building blocks, as the bundled suites (and yours) use them.

A check gets a :class:`Harness` (pytest fixture ``dctck_harness``), calls the driver through it
(every call bounded by the timeout, every outcome describable), follows instances with
:class:`InstanceWatch`, and reports broken rules as :class:`Violation` objects with :func:`require`.
"""

from __future__ import annotations

from dctck.kit._calls import Call, CallRunner, CredentialSet, Outcome
from dctck.kit._describe import describe_error, describe_value
from dctck.kit._harness import END, Harness, InstanceWatch
from dctck.kit._marks import RULE_MARKER, area, rule
from dctck.kit._report import AREAS, CheckRecord, Report
from dctck.kit._subject import DEFAULT_TIMEOUT, SPI_PARAMETERS, Subject, virtual_clock_of
from dctck.kit._violations import Unmet, Violation, format_violations, require

__all__ = [
    "AREAS",
    "DEFAULT_TIMEOUT",
    "END",
    "RULE_MARKER",
    "SPI_PARAMETERS",
    "Call",
    "CallRunner",
    "CheckRecord",
    "CredentialSet",
    "Harness",
    "InstanceWatch",
    "Outcome",
    "Report",
    "Subject",
    "Unmet",
    "Violation",
    "area",
    "describe_error",
    "describe_value",
    "format_violations",
    "require",
    "rule",
    "virtual_clock_of",
]
