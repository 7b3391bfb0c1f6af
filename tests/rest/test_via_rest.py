"""Certifying driver and REST front together: --dctck-via-rest and dctck certify --via-rest."""

import json
import subprocess
import sys

import pytest

from tests.kit.conftest import CREDENTIALS, OTHER_CREDENTIALS, Certification

pytestmark = pytest.mark.live

MOCK = "reference_drivers.mock:MockDriver"
EC2 = "reference_drivers.ec2:EC2Driver"
AREAS = ["models", "ids", "filters", "auth", "isolation", "fsm", "create", "faults"]
#: The api area on MockDriver: every check applies but the 405 for destroy (every stable state
#: of its machine offers destroy) and the providers one (it serves a single provider).
API_ON_MOCK = {"passed": 80, "failed": 0, "skipped": 2}


@pytest.fixture
def certification(pytester):
    return Certification(pytester)


@pytest.mark.slow
def test_mock_driver_via_rest_passes_every_area_and_the_api(certification):
    result, report = certification.run(MOCK, "--dctck-via-rest")
    assert result.ret == 0, result.stdout.str()
    assert report["certified"] is True
    assert list(report["areas"]) == [*AREAS, "api"]
    assert [c["message"] for c in report["checks"] if c["outcome"] == "failed"] == []
    assert all(report["areas"][area]["passed"] > 0 for area in AREAS if area != "isolation")
    assert report["areas"]["api"] == API_ON_MOCK
    api_rules = {c["rule"] for c in report["checks"] if c["area"] == "api"}
    assert len(api_rules) == 22
    assert all(rule.startswith("REST: ") for rule in api_rules)
    result.stdout.fnmatch_lines(["api *80*0*2", "CERTIFIED: *"])


def test_a_run_without_via_rest_has_the_kit_areas_and_no_api_check(certification):
    result, report = certification.run(MOCK, "-m", "api or models")
    assert list(report["areas"]) == AREAS
    assert [c for c in report["checks"] if c["area"] == "api"] == []
    assert "suite_api" not in result.stdout.str()


def test_the_api_area_can_be_selected_by_its_marker(certification):
    result, report = certification.run(MOCK, "--dctck-via-rest", "-m", "api")
    assert result.ret == 0
    assert {c["area"] for c in report["checks"]} == {"api"}
    assert report["areas"]["api"] == API_ON_MOCK


def test_a_broken_front_fails_only_in_the_api_area_when_the_driver_is_sound(certification):
    app = "--dctck-rest-app=tests.kit.bank.broken_api:ActionsUncheckedApp"
    result, report = certification.run(MOCK, "--dctck-via-rest", app, "-m", "api")
    assert result.ret == 1
    failed = [c for c in report["checks"] if c["outcome"] == "failed"]
    assert [c["id"] for c in failed] == [
        "api::test_action_not_offered_answers_405[reboot]",
        "api::test_action_not_offered_answers_405[stop]",
        "api::test_action_not_offered_answers_405[start]",
    ]
    messages = {c["id"].rpartition("[")[2]: c["message"] for c in failed}
    assert messages["start]"].startswith("POST /api/instances/i-")
    assert (
        "[REST: an action not among the instance's actions answers 405, changing nothing]"
        " answered 202" in messages["start]"]
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--dctck-rest-app=dctck.rest:RestApp"],
            "ERROR: dctck: --dctck-rest-app needs --dctck-via-rest",
        ),
        (
            ["--dctck-via-rest", "--dctck-rest-app=no_such_module:App"],
            "ERROR: dctck: REST app module 'no_such_module' not found",
        ),
        (
            ["--dctck-via-rest", "--dctck-rest-app=dctck.rest:NoSuchApp"],
            "ERROR: dctck: REST app path 'dctck.rest:NoSuchApp': module 'dctck.rest' has no"
            " attribute 'NoSuchApp'",
        ),
        (
            ["--dctck-via-rest", "--dctck-rest-app=nocolon"],
            "ERROR: dctck: REST app path 'nocolon' is not of the form MODULE:ATTR"
            " (e.g. mypackage.driver:MyDriver)",
        ),
    ],
)
def test_rest_app_misuse_is_a_one_line_usage_error(pytester, options, message):
    result = pytester.runpytest_inprocess(
        f"--dctck-driver={MOCK}", f"--dctck-credentials={CREDENTIALS}", *options
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == message


def test_help_explains_the_via_rest_options(pytester):
    result = pytester.runpytest_inprocess("--help")
    result.stdout.fnmatch_lines(["*--dctck-via-rest*", "*--dctck-rest-app=MODULE:ATTR*"])


def test_a_conftest_driver_is_served_too(pytester):
    pytester.makeconftest(
        """
        import pytest
        from reference_drivers import MockDriver

        @pytest.fixture(scope="session")
        def dctck_driver():
            return MockDriver()
        """
    )
    result = pytester.runpytest_inprocess(
        "--dctck",
        "--dctck-via-rest",
        f"--dctck-credentials={CREDENTIALS}",
        f"--dctck-other-credentials={OTHER_CREDENTIALS}",
        "-m",
        "api or models",
        "--dctck-report=report.json",
    )
    report = json.loads((pytester.path / "report.json").read_text())
    assert result.ret == 0
    assert report["areas"]["api"] == API_ON_MOCK


@pytest.mark.slow
def test_ec2_driver_via_rest_is_certified_by_the_cli(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dctck",
            "certify",
            EC2,
            "--credentials",
            CREDENTIALS,
            "--other-credentials",
            OTHER_CREDENTIALS,
            "--via-rest",
            "--report",
            str(tmp_path / "report.json"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    report = json.loads((tmp_path / "report.json").read_text())
    failed = [f"{c['id']}: {c['message']}" for c in report["checks"] if c["outcome"] == "failed"]
    assert failed == []
    assert result.returncode == 0
    assert report["certified"] is True
    assert list(report["areas"]) == [*AREAS, "api"]
    assert report["areas"]["api"]["failed"] == 0
    assert report["areas"]["api"]["passed"] >= 50
    assert f"CERTIFIED: {EC2} passed all" in result.stdout
