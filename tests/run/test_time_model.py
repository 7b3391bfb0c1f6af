"""The time model: a read-after-write window (``--dctck-settle``), timeouts per transition."""

from __future__ import annotations

from tests.run import _drivers

VALID = {"name": "mockuser", "password": "mockpassword"}
#: Checks that create an instance and destroy it without waiting for it to be listed.
UNWAITED = ("-m", "ids", "-k", "lookup_of_an_unknown_id and instances")


def _left_behind() -> list[str]:
    (driver,) = _drivers.BUILT
    assert driver.clock is not None
    driver.clock.tick(60)  # past the window: what is left shows
    return [i.id for i in driver.instances(VALID)]


def test_without_a_settle_window_not_found_after_create_hides_a_leak(certification):
    result, report = certification.run("tests.run._drivers:eventually_consistent", *UNWAITED)
    assert report is not None, result.stdout.str()
    assert report["checks"]
    assert _left_behind()  # destroy's NotFound was taken for "already gone"


def test_the_settle_window_tries_not_found_again_and_cleans_up(certification):
    result, report = certification.run(
        "tests.run._drivers:eventually_consistent", *UNWAITED, "--dctck-settle=10"
    )
    assert report is not None, result.stdout.str()
    assert [c["id"] for c in report["checks"] if c["outcome"] == "failed"] == []
    assert report["leaks"] == 0
    assert _left_behind() == []


def test_each_failure_is_printed_when_it_happens(certification):
    result, report = certification.run(
        "tests.kit.bank.broken_filters:CaseInsensitiveImageFilter",
        *("-m", "filters", "-k", "images", "-v"),  # -v: every failure (else once per cause)
    )
    failed = [c["id"] for c in report["checks"] if c["outcome"] == "failed"]
    assert failed
    lines = result.stdout.lines
    summary = next(n for n, line in enumerate(lines) if "dctck certification" in line)
    printed = [line for line in lines[:summary] if line.startswith("dctck: FAILED ")]
    assert [line.split()[2].rstrip(":") for line in printed] == failed
    assert report["finished"] is True
