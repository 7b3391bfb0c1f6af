"""The pytest plugin as users run it: options, ini settings, fixtures, selection, report."""

import json
from pathlib import Path

import pytest

from suites.suite_models import RULE_FACTS
from tests.kit.conftest import CREDENTIALS

MOCK = "reference_drivers.mock:MockDriver"
AREAS = ["models", "ids", "filters", "auth", "isolation", "fsm", "create", "faults"]


def test_plugin_is_idle_without_a_driver(pytester):
    pytester.makepyfile("def test_own():\n    pass\n")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    assert "dctck certification" not in result.stdout.str()


def test_help_explains_the_options(pytester):
    result = pytester.runpytest_inprocess("--help")
    result.stdout.fnmatch_lines(
        [
            "dctck: certify a Deltacloud-style driver against the Driver SPI:",
            "*--dctck-driver=MODULE:ATTR*",
            "*--dctck-credentials=NAME:PASSWORD*",
            "*--dctck-other-credentials=NAME:PASSWORD*",
            "*--dctck-timeout=SECONDS*",
            "*--dctck-report=PATH*",
            "*--dctck-facts=FILE*",
        ]
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            [f"--dctck-driver={MOCK}"],
            "ERROR: dctck: --dctck-credentials NAME:PASSWORD is required: the kit needs one"
            " valid account of the driver's provider",
        ),
        (
            ["--dctck-driver=no_such_module:Driver", f"--dctck-credentials={CREDENTIALS}"],
            "ERROR: dctck: driver module 'no_such_module' not found",
        ),
        (
            ["--dctck-driver=reference_drivers.mock:Nope", f"--dctck-credentials={CREDENTIALS}"],
            "ERROR: dctck: driver path 'reference_drivers.mock:Nope': module"
            " 'reference_drivers.mock' has no attribute 'Nope'",
        ),
        (
            ["--dctck-driver=no-colon", f"--dctck-credentials={CREDENTIALS}"],
            "ERROR: dctck: driver path 'no-colon' is not of the form MODULE:ATTR"
            " (e.g. mypackage.driver:MyDriver)",
        ),
        (
            [f"--dctck-driver={MOCK}", "--dctck-credentials=nocolon"],
            "ERROR: dctck: --dctck-credentials must be NAME:PASSWORD",
        ),
        (
            [f"--dctck-driver={MOCK}", f"--dctck-credentials={CREDENTIALS}", "--dctck-timeout=0"],
            "ERROR: dctck: --dctck-timeout must be a positive number of seconds, got '0'",
        ),
        (
            [f"--dctck-driver={MOCK}", f"--dctck-credentials={CREDENTIALS}", "--dctck-timeout=x"],
            "ERROR: dctck: --dctck-timeout must be a positive number of seconds, got 'x'",
        ),
    ],
)
def test_misuse_is_a_one_line_usage_error(pytester, options, message):
    result = pytester.runpytest_inprocess(*options)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == message
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_settings_can_live_in_the_ini_file(pytester):
    pytester.makeini(
        f"[pytest]\ndctck_driver = {MOCK}\ndctck_credentials = {CREDENTIALS}\n"
        "dctck_report = out/report.json\n"
    )
    result = pytester.runpytest_inprocess("-m", "models", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert (outcomes["passed"], outcomes.get("failed", 0)) == (14, 0)
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    assert report["driver"] == MOCK
    assert report["areas"]["models"] == {"passed": 14, "failed": 0, "skipped": 3}


def test_conftest_can_build_the_driver_itself(pytester):
    pytester.makeconftest(
        "import pytest\n"
        "import simulator\n"
        "from reference_drivers import MockDriver\n\n"
        "@pytest.fixture(scope='session')\n"
        "def dctck_driver():\n"
        "    sim = simulator.Simulator()\n"
        "    sim.set_durations(boot_seconds=5)\n"
        "    return MockDriver(simulator=sim)\n\n"
        "@pytest.fixture(scope='session')\n"
        "def dctck_credentials():\n"
        "    return {'name': 'mockuser', 'password': 'mockpassword'}\n"
    )
    result = pytester.runpytest_inprocess("-m", "models", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert (outcomes["passed"], outcomes.get("failed", 0)) == (14, 0)
    result.stdout.fnmatch_lines(
        ["NOT CERTIFYING: dctck_driver fixture: 14 checks ran, but checks chosen by -m 'models'"]
    )


def test_user_tests_given_explicitly_run_beside_the_suites(pytester):
    pytester.makepyfile(test_mine="def test_mine():\n    pass\n")
    result = pytester.runpytest_inprocess(
        f"--dctck-driver={MOCK}",
        f"--dctck-credentials={CREDENTIALS}",
        "-m",
        "models or not dctck_rule",
        "test_mine.py",
        "-p",
        "no:cacheprovider",
    )
    outcomes = result.parseoutcomes()
    assert outcomes["passed"] == 15


def test_report_lists_every_check_with_area_outcome_and_rule(certification):
    result, report = certification.run(MOCK, "-m", "models")
    assert result.ret == 0
    assert set(report) == {
        *("kit_version", "driver", "certified", "not_certifying", "check_set_hash", "areas"),
        *("checks", "causes", "transitions", "machine", "features", "facts"),
        *("run_id", "finished", "interrupted", "leaks"),
    }
    # a run restricted to one area proves that area only: it does not certify
    assert report["certified"] is False
    assert report["not_certifying"] == ["checks chosen by -m 'models'"]
    assert len(report["check_set_hash"]) == 64
    assert report["finished"] is True
    assert report["interrupted"] is False
    assert report["leaks"] == 0
    assert list(report["areas"]) == AREAS
    assert len(report["checks"]) == 17
    for check in report["checks"]:
        assert set(check) == {
            *("id", "area", "outcome", "message", "rule", "leaks"),
            *("cause", "call", "happened", "expected"),  # of a failure, empty otherwise
        }
        assert check["id"].startswith("models::test_")
        assert check["rule"].startswith("SPEC ")
        if check["rule"] == RULE_FACTS:
            assert check["outcome"] == "skipped"
            assert check["message"] == "not applicable: no --dctck-facts given"
        else:
            assert (check["outcome"], check["message"]) == ("passed", "")


def test_area_markers_select_checks(certification):
    _, report = certification.run(MOCK, "-m", "models")
    assert {check["area"] for check in report["checks"]} == {"models"}


def test_keyword_selection_by_area_works(certification):
    _, report = certification.run(MOCK, "-k", "models and instances")
    assert {check["id"] for check in report["checks"]} == {
        "models::test_listing_returns_a_list_of_models[instances]",
        "models::test_model_attributes_have_spec_types[instances]",
    }


SECRET_LEAKER = """
from dctck import Image
from reference_drivers import MockDriver


class LeaksSecrets(MockDriver):
    def images(self, credentials, opts=None):
        raise RuntimeError(f"cannot list with {credentials!r}")
"""


def test_credentials_never_appear_in_output_or_report(pytester, certification):
    pytester.makepyfile(leaker=SECRET_LEAKER)
    pytester.syspathinsert()
    result, report = certification.run("leaker:LeaksSecrets", "-m", "models")
    output = result.stdout.str() + result.stderr.str() + json.dumps(report)
    assert "RuntimeError: cannot list with" in output
    assert "mockpassword" not in output
    assert "otherpassword" not in output


HANGING = """
import threading

from reference_drivers import MockDriver


class Hangs(MockDriver):
    def realms(self, credentials, opts=None):
        threading.Event().wait()
"""


def test_a_hanging_driver_call_fails_its_check_and_the_run_ends(pytester, certification):
    pytester.makepyfile(hanging=HANGING)
    pytester.syspathinsert()
    result, report = certification.run(
        "hanging:Hangs", "-m", "models", "-k", "realms", "--dctck-timeout=0.3"
    )
    assert result.ret == 1
    messages = [c["message"] for c in report["checks"] if c["outcome"] == "failed"]
    assert (
        messages
        == [
            "realms(opts=None) [SPEC 4: listing methods return a list (never None, never a"
            " generator) of models] did not return within 0.3 s [kit --timeout], expected a list"
            " of Realm",
            "realms(opts=None) [SPEC 4: listing methods return a list (never None, never a"
            " generator) of models] did not return within 0.3 s [kit --timeout], expected a list"
            " of Realm",
        ][: len(messages)]
    )
    assert len(messages) == 1


FEATURES_HANG = """
import threading

from reference_drivers import MockDriver


class FeaturesHang(MockDriver):
    def features(self):
        threading.Event().wait()
"""


def test_a_driver_whose_features_hang_does_not_hold_up_the_report(pytester, certification):
    """The report asks the driver for its machine and features at the end of the run: within
    the timeout, as the checks ask it (it used to call the driver unbounded)."""
    pytester.makepyfile(hanging=FEATURES_HANG)
    pytester.syspathinsert()
    result, report = certification.run(
        "hanging:FeaturesHang", "-m", "models", "-k", "realms", "--dctck-timeout=0.3"
    )
    assert report is not None, result.stdout.str()
    assert report["features"] is None  # it did not answer in time
    assert report["machine"]  # the rest of the driver's description is there
    assert "failed" not in {c["outcome"] for c in report["checks"]}


@pytest.mark.slow
def test_xdist_gives_the_same_outcomes_as_a_serial_run(certification):
    _, serial = certification.run(MOCK)
    result, parallel = certification.run(MOCK, "-n", "2")
    assert result.ret == 0
    outcomes = lambda report: sorted((c["id"], c["outcome"]) for c in report["checks"])  # noqa: E731
    assert outcomes(parallel) == outcomes(serial)
    assert parallel["areas"] == serial["areas"]


# -- --dctck-facts ---------------------------------------------------------------------------------

MOCK_FACTS = Path(__file__).with_name("bank") / "mock_facts.toml"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read it: No such file or directory"),
        ("[hardware_profiles.t2\ncpu = 1\n", "not a TOML file: "),
        ('[flavours."m1"]\ncpu = 1\n', "unknown table 'flavours' (known: hardware_profiles,"),
        (
            '[hardware_profiles."t2.micro"]\nvcpus = 1\n',
            "hardware_profiles.\"t2.micro\": HardwareProfile has no attribute 'vcpus'"
            " (it has architecture, memory, storage, cpu; the id is the key)",
        ),
        ('[realms."r1"]\nstate = 1\n', 'realms."r1".state must be a string, got 1'),
        ('[hardware_profiles."p"]\nmemory = "1 GiB"\n', "memory must be a number, got '1 GiB'"),
        ('images = ["ami-1"]\n', "images must be a table of ids, got ['ami-1']"),
        ('[images]\nami-1 = "x"\n', 'images."ami-1" must be a table of attributes, got \'x\''),
    ],
    ids=["missing", "not-toml", "unknown-table", "unknown-attribute", "string-type",
         "number-type", "not-a-table", "id-not-a-table"],
)  # fmt: skip
def test_bad_facts_file_is_a_one_line_usage_error(pytester, content, problem):
    if content is not None:
        (pytester.path / "facts.toml").write_text(content)
    result = pytester.runpytest_inprocess(
        f"--dctck-driver={MOCK}", f"--dctck-credentials={CREDENTIALS}", "--dctck-facts=facts.toml"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    (line,) = [line for line in result.stderr.lines if line]
    assert line.startswith("ERROR: dctck: --dctck-facts facts.toml: ")
    assert problem in line
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_true_facts_are_checked_and_pass(certification):
    result, report = certification.run(MOCK, f"--dctck-facts={MOCK_FACTS}", "-m", "models")
    assert result.ret == 0, result.stdout.str()
    facts = {c["id"]: c["outcome"] for c in report["checks"] if c["rule"] == RULE_FACTS}
    assert facts == {
        f"models::test_declared_facts_are_reported[{collection}]": "passed"
        for collection in ("hardware_profiles", "realms", "images")
    }


def test_facts_can_live_in_the_ini_file(pytester):
    pytester.makeini(
        f"[pytest]\ndctck_driver = {MOCK}\ndctck_credentials = {CREDENTIALS}\n"
        f"dctck_facts = {MOCK_FACTS}\n"
    )
    result = pytester.runpytest_inprocess(
        "-m", "models", "-k", "declared_facts", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=3, deselected=result.parseoutcomes()["deselected"])


def test_wrong_and_missing_facts_are_violations_and_undeclared_collections_skipped(
    pytester, certification
):
    (pytester.path / "facts.toml").write_text(
        '[hardware_profiles."t2.micro"]\n'
        'cpu = 2\nmemory = 1.0\narchitecture = "X86_64"\n'
        '[hardware_profiles."x9.huge"]\n'
    )
    result, report = certification.run(MOCK, "--dctck-facts=facts.toml", "-m", "models")
    assert result.ret == 1
    checks = {c["id"].partition("[")[2].rstrip("]"): c for c in report["checks"]
              if c["rule"] == RULE_FACTS}  # fmt: skip
    assert {name: c["outcome"] for name, c in checks.items()} == {
        "hardware_profiles": "failed",
        "realms": "skipped",
        "images": "skipped",
    }
    assert checks["realms"]["message"] == "not applicable: --dctck-facts declares no realms"
    rule = f"hardware_profiles(opts=None) [{RULE_FACTS}]"
    assert checks["hardware_profiles"]["message"].splitlines() == [
        "3 violations:",
        f"- {rule} gave HardwareProfile 't2.micro'.cpu = 1, expected 2 as --dctck-facts declares",
        f"- {rule} gave HardwareProfile 't2.micro'.architecture = 'x86_64', expected 'X86_64'"
        " as --dctck-facts declares",
        f"- {rule} listed no HardwareProfile 'x9.huge', expected HardwareProfile 'x9.huge',"
        " declared in --dctck-facts",
    ]


def test_a_run_stopped_early_says_it_is_not_certifying(certification):
    broken = "tests.kit.bank.broken_auth:PublicRealmsDifferByCaller"
    result, report = certification.run(broken, "-m", "auth", "-x")
    assert result.ret == 1
    assert report["not_certifying"] == [
        "checks chosen by -m 'auth'",
        "the run stopped before every check ran",
    ]
    result.stdout.fnmatch_lines(["not certifying either: checks chosen by -m 'auth'; the run *"])
