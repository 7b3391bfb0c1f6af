"""Sensitivity and precision: every broken driver of the bank fails, every legal one passes."""

import pytest

from tests.kit.bank import all_cases

CASES = all_cases()
BROKEN = [case for case in CASES if case.area is not None]
LEGAL = [case for case in CASES if case.area is None]


@pytest.mark.parametrize("case", BROKEN, ids=lambda case: case.name)
def test_broken_driver_fails_in_its_area_naming_the_rule(certification, case):
    # Only the case's own area runs: the verdict asked for is about that area alone.
    only_its_area = () if "-m" in case.options else ("-m", case.area)
    result, report = certification.run(case.path, *only_its_area, *case.options)
    assert report is not None, result.stdout.str()
    assert report["certified"] is False
    failures = [c for c in report["checks"] if c["outcome"] == "failed"]
    in_area = [c for c in failures if c["area"] == case.area]
    assert in_area, (
        f"{case.name} ({case.doc}) failed only in {sorted({c['area'] for c in failures})}"
    )
    assert any(f"[{case.rule}]" in c["message"] for c in in_area), [c["message"] for c in in_area]
    assert result.ret == 1


@pytest.mark.parametrize("case", LEGAL, ids=lambda case: case.name)
def test_legal_driver_is_certified(certification, case):
    other = {} if case.other_credentials else {"other": None}
    result, report = certification.run(case.path, *case.options, **other)
    assert report is not None, result.stdout.str()
    failures = [c["message"] for c in report["checks"] if c["outcome"] == "failed"]
    assert failures == []
    # a case run on some areas only proves those: it passes them, and does not certify
    restricted = "-m" in case.options
    assert report["certified"] is not restricted
    assert bool(report["not_certifying"]) is restricted
    assert result.ret == 0


def test_bank_spans_every_area():
    assert {case.area for case in BROKEN} >= {
        "models",
        "ids",
        "filters",
        "auth",
        "isolation",
        "fsm",
        "create",
        "faults",
    }
    assert len(BROKEN) >= 30
    assert len(LEGAL) >= 8
