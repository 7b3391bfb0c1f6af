"""``dctck certify`` as a CI job runs it: exit codes, one-line usage errors, reports."""

import json

import pytest

from tests.reference._support import dctck

MOCK = "reference_drivers.mock:MockDriver"


def test_help_lists_the_commands():
    result = dctck("--help")
    assert result.returncode == 0
    assert "certify" in result.stdout


def test_certify_help_explains_its_options():
    result = dctck("certify", "--help")
    assert result.returncode == 0
    for option in ("MODULE:ATTR", "--credentials", "--other-credentials", "--timeout", "--report"):
        assert option in result.stdout
    assert "--facts FILE" in result.stdout
    assert "--junitxml" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no_such_module:Driver"], "driver module 'no_such_module' not found"),
        (["nocolon"], "driver path 'nocolon' is not of the form MODULE:ATTR"),
        ([MOCK], "--credentials NAME:PASSWORD is required for this driver"),
        ([MOCK, "--credentials", "x"], "--credentials must be NAME:PASSWORD"),
        (
            [MOCK, "--credentials", "a:b", "--timeout", "soon"],
            "--timeout must be a positive number of seconds, got 'soon'",
        ),
        (
            [MOCK, "--credentials", "a:b", "--facts", "nowhere.toml"],
            "--facts nowhere.toml: cannot read it: No such file or directory",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    result = dctck("certify", *args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("dctck certify: error: ")
    assert message in lines[0]


def test_certified_driver_exits_0_and_writes_reports(tmp_path):
    result = dctck(
        "certify",
        MOCK,
        "--credentials",
        "mockuser:mockpassword",
        "--other-credentials",
        "otheruser:otherpassword",
        "--report",
        "out/report.json",
        "--junitxml",
        "out/junit.xml",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"CERTIFIED: {MOCK} passed all" in result.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["certified"] is True
    assert "<testsuite" in (tmp_path / "out" / "junit.xml").read_text()
    assert "mockpassword" not in result.stdout + result.stderr


def test_failing_driver_exits_1(tmp_path):
    (tmp_path / "tupled.py").write_text(
        "from reference_drivers import MockDriver\n\n"
        "class Tupled(MockDriver):\n"
        "    def realms(self, credentials, opts=None):\n"
        "        return tuple(super().realms(credentials, opts))\n"
    )
    result = dctck(
        "certify", "tupled:Tupled", "--credentials", "mockuser:mockpassword", cwd=tmp_path
    )
    assert result.returncode == 1
    assert "NOT CERTIFIED: tupled:Tupled failed" in result.stdout


def test_without_a_driver_certifies_the_bundled_reference(tmp_path):
    # two areas: the whole certification of the bundled reference is test_ec2_certify's
    result = dctck(
        "certify", "--report", "report.json", "--", "-m", "models or create", cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout[-3000:]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["driver"] == "reference_drivers.ec2:EC2Driver"
    assert report["not_certifying"] == ["checks chosen by -m 'models or create'"]
    assert [c for c in report["checks"] if c["outcome"] == "failed"] == []
    # the bundled target brings its catalogue's facts: the facts checks ran, none was skipped
    assert report["areas"]["models"]["skipped"] == 0


def test_arguments_after_double_dash_go_to_pytest(tmp_path):
    result = dctck(
        "certify",
        MOCK,
        "--credentials",
        "mockuser:mockpassword",
        "--report",
        "r.json",
        "--",
        "-m",
        "models",
        cwd=tmp_path,
    )
    assert result.returncode == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert {check["area"] for check in report["checks"]} == {"models"}


def test_a_driver_whose_construction_fails_exits_2_with_one_line(tmp_path):
    (tmp_path / "broken_ctor.py").write_text(
        "class D:\n    def __init__(self):\n        raise RuntimeError('no endpoint configured')\n"
    )
    result = dctck("certify", "broken_ctor:D", "--credentials", "a:b", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ERROR: dctck: constructing broken_ctor:D raised RuntimeError: no endpoint configured"
    ]


def test_certify_freeze_time_ticks_frozen_time_for_a_driver_on_the_standard_clocks(tmp_path):
    report = tmp_path / "report.json"
    result = dctck(
        "certify",
        "tests.kit.bank.legal_machines:SlowBootOnRealTime",
        "--credentials",
        "mockuser:mockpassword",
        "--freeze-time",
        "--report",
        str(report),
        "--",
        "-m",
        "fsm",
        "-k",
        "settles",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    checks = json.loads(report.read_text())["checks"]
    assert [(c["id"], c["outcome"]) for c in checks] == [
        ("fsm::test_new_instance_settles_within_the_timeout", "passed")
    ]


def test_facts_file_is_validated_before_certifying(tmp_path):
    (tmp_path / "facts.toml").write_text('[images."ami-1"]\nsize = 8\n')
    result = dctck("certify", MOCK, "--credentials", "a:b", "--facts", "facts.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        'dctck certify: error: --facts facts.toml: images."ami-1": Image has no attribute'
        " 'size' (it has name, architecture, owner_id, description; the id is the key)"
    )
    assert result.stdout == ""


def test_facts_are_forwarded_to_the_models_checks(tmp_path):
    (tmp_path / "facts.toml").write_text('[realms."us-east-1b"]\nlimit = 19\n')
    result = dctck(
        "certify",
        MOCK,
        "--credentials",
        "mockuser:mockpassword",
        "--facts",
        "facts.toml",
        "--report",
        "report.json",
        "--",
        "-m",
        "models",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    report = json.loads((tmp_path / "report.json").read_text())
    outcomes = {c["id"]: c["outcome"] for c in report["checks"] if "facts" in c["id"]}
    assert outcomes == {
        "models::test_declared_facts_are_reported[hardware_profiles]": "skipped",
        "models::test_declared_facts_are_reported[realms]": "failed",
        "models::test_declared_facts_are_reported[images]": "skipped",
    }
    assert "gave Realm 'us-east-1b'.limit = 20, expected 19" in result.stdout
