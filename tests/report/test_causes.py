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
    # said once as it happened (a run stopped early still tells it), then the cause, its example
    assert first_screen.count("TypeError") == 3
    assert quiet.stdout.count("TypeError") == 3
    assert len(lines) < 31

    verbose = dctck("certify", "euc:driver", *ACCOUNTS, "-v", cwd=tmp_path)
    assert verbose.returncode == 1
    listed = [line for line in verbose.stdout.splitlines() if line.startswith("    - ")]
    assert len(listed) == 274
    assert verbose.stdout.count(" FAILED") >= 274  # pytest's own line per check
    assert verbose.stdout.count("TypeError") > 274  # and each failure in full


def test_euc_with_its_own_connect_names_itself_and_what_it_does_not_support(tmp_path):
    """The issue's second try: EucNodeDriver built without a region. Libcloud's
    NotImplementedError for list_locations is "not supported by EucNodeDriver" under the realms
    rules, never ActionNotAllowed, and never under the name EC2NodeDriver."""
    (tmp_path / "euc2.py").write_text(EUC_OWN_CONNECT)
    result = dctck(
        "certify", "euc2:driver", *ACCOUNTS, "--report", "r.json", "--areas", "models", cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    causes = [c["cause"] for c in json.loads((tmp_path / "r.json").read_text())["causes"]]
    assert "raised NotImplementedError: list_locations is not supported by EucNodeDriver" in (
        " ".join(causes)
    )
    assert "raised ValidationError: create_instance: no hardware profile fits 'x86_64'" in causes
    assert "ActionNotAllowed" not in result.stdout
    assert "EC2NodeDriver" not in result.stdout


EUC_OWN_CONNECT = """
from urllib.parse import urlsplit

from libcloud.compute.drivers.ec2 import EucNodeDriver

import simulator as sim
from reference_drivers._ec2_inprocess import ENDPOINT, LostAnswers, attach
from reference_drivers.libcloud import LibcloudDriver, ec2_provider
from simulator.ec2 import Ec2App


def driver():
    simulator = sim.Simulator()
    app = Ec2App(simulator, control=False)

    def connect(key, secret):
        euc = EucNodeDriver(key, secret, host=urlsplit(ENDPOINT).hostname)
        euc.connection.connect()
        attach(euc.connection.connection.session, app, LostAnswers())
        return euc

    return LibcloudDriver(ec2_provider(connect), clock=simulator.clock)
"""


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


def test_a_cause_is_the_exception_raised_or_the_rule_with_the_outcome():
    from dctck.kit import Unmet, Violation, cause_of

    def cause(happened, rule="R"):
        return cause_of(Unmet([Violation("images()", rule, happened, "x")]))["cause"]

    assert cause("raised KeyError: 'x'") == "raised KeyError: 'x'"
    story = "after the sequence (create: raised KeyError: 'x'): raised KeyError: 'x'"
    assert cause(story) == "raised KeyError: 'x'"
    assert cause("returned []", "SPEC 6: exact") == "[SPEC 6: exact] returned []"
    assert cause_of(Unmet(["a plain message"])) == {"cause": "a plain message"}
