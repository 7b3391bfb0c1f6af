"""The certifications the report tests read: written once per session."""

import pytest

from tests.reference._support import dctck
from tests.report.test_causes import ACCOUNTS, _write_euc_factory

MOCK = "reference_drivers.mock:MockDriver"
#: fsm checks enough to see most declared transitions of the mock (a few seconds)
FSM_SUBSET = ["-m", "fsm", "-k", "allowed_action or destroy_ends or settles"]


@pytest.fixture(scope="session")
def pages(tmp_path_factory):
    """``dctck certify --html`` of the mock (certified) and of Libcloud's Euc (274 failures)."""
    where = tmp_path_factory.mktemp("pages")
    _write_euc_factory(where)
    good = dctck("certify", MOCK, *ACCOUNTS, "--html", "good.html", "--", *FSM_SUBSET, cwd=where)
    assert good.returncode == 0, good.stdout[-2000:] + good.stderr
    bad = dctck("certify", "euc:driver", *ACCOUNTS, "--html", "bad.html", cwd=where)
    assert bad.returncode == 1, bad.stdout[-2000:] + bad.stderr
    assert "HTML report written to bad.html" in bad.stdout
    return where
