"""Causes first: a defect that fails many checks is shown once, with its count, areas, example."""

import json

from dctck.kit import CheckRecord, Report
from tests.reference._support import dctck

EUC = "reference_drivers.libcloud:ec2_on_simulator"
ACCOUNTS = [
    "--credentials",
    "mockuser:mockpassword",
    "--other-credentials",
    "otheruser:otherpassword",
]
TYPE_ERROR = (
    "raised TypeError: EucNodeDriver.__init__() got an unexpected keyword argument 'region'"
)


def _write_euc_factory(directory):
    (directory / "euc.py").write_text(
        "from libcloud.compute.drivers.ec2 import EucNodeDriver\n"
        f"from {EUC.partition(':')[0]} import ec2_on_simulator\n\n"
        "def driver():\n"
        "    return ec2_on_simulator(node_driver=EucNodeDriver)\n"
    )


def test_euc_reads_as_one_cause_on_the_first_screen_and_every_check_with_v(tmp_path):
    """The issue's reproduction: Libcloud's EucNodeDriver takes no region, so each of the 274
    checks that call the driver fails with the same TypeError."""
    _write_euc_factory(tmp_path)
    quiet = dctck("certify", "euc:driver", *ACCOUNTS, "--report", "r.json", cwd=tmp_path)
    assert quiet.returncode == 1, quiet.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    failed = [c for c in report["checks"] if c["outcome"] == "failed"]
    assert len(failed) == 274
    assert [c["cause"] for c in report["causes"]] == [TYPE_ERROR]
    assert len(report["causes"][0]["checks"]) == 274
    lines = quiet.stdout.splitlines()
    first_screen = "\n".join(lines[:24])
    assert "1 cause of 274 failed checks:" in first_screen
    assert "[1] 274 checks (models 10, ids 49, filters 87, auth 33, isolation 7, fsm 22," in (
        first_screen
    )
    assert first_screen.count("TypeError") == 2  # the cause, and its one example
    assert quiet.stdout.count("TypeError") == 2
    assert len(lines) < 30

    verbose = dctck("certify", "euc:driver", *ACCOUNTS, "-v", cwd=tmp_path)
    assert verbose.returncode == 1
    listed = [line for line in verbose.stdout.splitlines() if line.startswith("    - ")]
    assert len(listed) == 274
    assert verbose.stdout.count(" FAILED") >= 274  # pytest's own line per check
    assert verbose.stdout.count("TypeError") > 274  # and each failure in full


def _failure(id, area, cause, call="images(opts=None)"):
    message = f"{call} [R] {cause}, expected x"
    return CheckRecord(id, area, "failed", message, "R", cause, call, cause, "x")


def test_causes_are_grouped_counted_by_area_and_ordered_by_size():
    report = Report("d", "0", ["models", "ids"])
    report.add(_failure("ids::a", "ids", "raised KeyError: 'x'"))
    report.add(_failure("models::b", "models", "raised KeyError: 'x'", "realms(opts=None)"))
    report.add(_failure("models::c", "models", "[R] returned []"))
    report.add(CheckRecord("models::d", "models", "passed", "", "R"))
    causes = report.causes
    assert [(c.text, [k.id for k in c.checks]) for c in causes] == [
        ("raised KeyError: 'x'", ["models::b", "ids::a"]),
        ("[R] returned []", ["models::c"]),
    ]
    assert causes[0].headline() == "2 checks (models 1, ids 1): raised KeyError: 'x'"
    lines = report.summary_lines()
    assert lines[:4] == [
        "2 causes of 3 failed checks:",
        "[1] 2 checks (models 1, ids 1): raised KeyError: 'x'",
        "    e.g. models::b: realms(opts=None) [R] raised KeyError: 'x', expected x",
        "    ... and 1 more (-v lists them)",
    ]
    assert "    - ids::a" in report.summary_lines(verbose=True)
    again = Report.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again.to_dict() == report.to_dict()
