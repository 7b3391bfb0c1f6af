"""Fixtures for testing the kit as users run it: pytester sessions against bank drivers."""

import json

import pytest

CREDENTIALS = "mockuser:mockpassword"
OTHER_CREDENTIALS = "otheruser:otherpassword"


class Certification:
    """Runs the kit in-process with pytester and reads its JSON report."""

    def __init__(self, pytester):
        self.pytester = pytester

    def run(self, driver, *options, credentials=CREDENTIALS, other=OTHER_CREDENTIALS):
        args = [f"--dctck-driver={driver}", "--dctck-report=report.json", "-p", "no:cacheprovider"]
        if credentials:
            args.append(f"--dctck-credentials={credentials}")
        if other:
            args.append(f"--dctck-other-credentials={other}")
        result = self.pytester.runpytest_inprocess(*args, *options)
        report_path = self.pytester.path / "report.json"
        report = json.loads(report_path.read_text()) if report_path.exists() else None
        return result, report


@pytest.fixture
def certification(pytester):
    return Certification(pytester)
