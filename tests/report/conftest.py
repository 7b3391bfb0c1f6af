"""The certifications the report tests read: written once per session."""

import pytest

from tests.reference._support import dctck
from tests.report.test_causes import ACCOUNTS, _write_euc_factory

MOCK = "reference_drivers.mock:MockDriver"


@pytest.fixture(scope="session")
def pages(tmp_path_factory):
    """``dctck certify --html`` of the mock (certified) and of Libcloud's Euc (274 failures)."""
    where = tmp_path_factory.mktemp("pages")
    _write_euc_factory(where)
    # a whole run: a restricted one (-m, -k) is "not certifying", whatever passed
    good = dctck("certify", MOCK, *ACCOUNTS, "--html", "good.html", cwd=where)
    assert good.returncode == 0, good.stdout[-2000:] + good.stderr
    bad = dctck("certify", "euc:driver", *ACCOUNTS, "--html", "bad.html", cwd=where)
    assert bad.returncode == 1, bad.stdout[-2000:] + bad.stderr
    assert "HTML report written to bad.html" in bad.stdout
    return where
