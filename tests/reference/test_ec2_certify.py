"""EC2Driver certified by the kit: in-process, and against live ``dctck simulate`` servers."""

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

import reference_drivers
from dctck._recording import Recorder
from reference_drivers import DEFAULT_TARGET, _ec2_models
from suites.suite_models import RULE_FACTS
from tests.reference._support import VALID, SimulateServer, dctck, long_catalogue_config
from tests.simulator._support import X86_IMAGE

CREDENTIALS = ["--credentials", "mockuser:mockpassword"]
#: Not the default region: from_environment must sign for the one DCTCK_EC2_REGION names.
REGION = "eu-west-3"
OTHER = ["--other-credentials", "otheruser:otherpassword"]
#: What EC2 documents of the simulator's default cloud (absolute: pytester runs elsewhere).
EC2_FACTS = Path(reference_drivers.__file__).with_name("ec2_facts.toml")
FACTS_CHECKS = [
    f"models::test_declared_facts_are_reported[{c}]"
    for c in ("hardware_profiles", "realms", "images")
]


@pytest.fixture
def manual_server():
    server = SimulateServer("--clock", "manual")
    yield server
    server.stop()


def summary(report):
    return Counter(check["outcome"] for check in report["checks"])


def test_reference_drivers_export_the_three_drivers_and_the_targets():
    import reference_drivers

    assert reference_drivers.__all__ == [
        "DEFAULT_TARGET",
        "EC2Driver",
        "MOCK_TARGET",
        "MockDriver",
        "OPENSTACK_TARGET",
        "OpenStackDriver",
    ]
    assert reference_drivers.EC2Driver.__module__ == "reference_drivers.ec2"


def test_the_bundled_default_target_is_ec2_driver_in_process():
    target = dict(DEFAULT_TARGET)
    assert target == {
        "driver": "reference_drivers.ec2:EC2Driver",
        "credentials": "mockuser:mockpassword",
        "other_credentials": "otheruser:otherpassword",
        "facts": str(EC2_FACTS),
    }


def test_ec2_driver_in_process_is_certified_by_the_plugin(pytester):
    result = pytester.runpytest_inprocess(
        "--dctck-driver=reference_drivers.ec2:EC2Driver",
        "--dctck-credentials=mockuser:mockpassword",
        "--dctck-other-credentials=otheruser:otherpassword",
        f"--dctck-facts={EC2_FACTS}",
        "--dctck-report=report.json",
        "-p",
        "no:cacheprovider",
    )
    assert result.ret == 0, result.stdout.str()
    report = json.loads((pytester.path / "report.json").read_text())
    assert report["certified"] is True
    assert summary(report) == {"passed": len(report["checks"])}
    facts_checks = [c for c in report["checks"] if c["rule"] == RULE_FACTS]
    assert len(facts_checks) == 3  # the EC2 facts hold for every catalogue collection
    result.stdout.fnmatch_lines(
        ["CERTIFIED: reference_drivers.ec2:EC2Driver passed all * checks that apply"]
    )


@pytest.mark.live
def test_ec2_driver_is_certified_live_on_a_manual_clock_through_the_control_api(tmp_path):
    """from_environment against ``dctck simulate`` in another region than the default, with 130
    instance types: the catalogue comes in pages, and the faults area runs through the control
    API (RemoteFaults)."""
    config = long_catalogue_config(tmp_path / "cloud.toml", REGION)
    server = SimulateServer("--clock", "manual", "--config", str(config))
    try:
        env = {
            **server.env,
            "DCTCK_EC2_CONTROL": server.url + "/_sim",
            "DCTCK_EC2_REGION": REGION,
        }
        result = dctck(
            "certify",
            "reference_drivers.ec2:from_environment",
            *CREDENTIALS,
            *OTHER,
            "--report",
            str(tmp_path / "report.json"),
            env=env,
            cwd=tmp_path,
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    not_passed = {c["id"]: c["message"] for c in report["checks"] if c["outcome"] != "passed"}
    assert not_passed == dict.fromkeys(FACTS_CHECKS, "not applicable: no --dctck-facts given")
    assert report["areas"]["faults"]["passed"] == 54
    assert "CERTIFIED: reference_drivers.ec2:from_environment passed all" in result.stdout


@pytest.mark.live
def test_ec2_driver_is_certified_live_on_real_time_without_a_clock(tmp_path):
    server = SimulateServer("--clock", "real", "--boot-seconds", "0", "--stop-seconds", "0")
    try:
        result = dctck(
            "certify",
            "reference_drivers.ec2:from_environment",
            *CREDENTIALS,
            *OTHER,
            "--timeout",
            "10",
            env=server.env,
            cwd=tmp_path,
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CERTIFIED: reference_drivers.ec2:from_environment passed all" in result.stdout


@pytest.mark.live
def test_remote_clock_moves_the_servers_virtual_time(manual_server, monkeypatch):
    from reference_drivers.ec2 import from_environment

    for name, value in manual_server.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DCTCK_EC2_CONTROL", manual_server.url + "/_sim")
    driver = from_environment()
    instance = driver.create_instance(VALID, X86_IMAGE)
    before = driver.clock.now()
    driver.clock.tick(40)
    assert driver.clock.now() == before + 40
    assert driver.instance(VALID, instance.id).state == "RUNNING"
    with Recorder() as recorder:
        driver.destroy_instance(VALID, instance.id)
    assert {exchange.url for exchange in recorder.exchanges} == {manual_server.url + "/"}


def test_from_environment_needs_an_endpoint(monkeypatch):
    from reference_drivers.ec2 import from_environment

    monkeypatch.delenv("DCTCK_EC2_ENDPOINT", raising=False)
    with pytest.raises(ValueError, match=r"^set DCTCK_EC2_ENDPOINT to the URL of an EC2"):
        from_environment()


def test_certify_from_environment_without_an_endpoint_is_a_usage_error(tmp_path):
    env = {"DCTCK_EC2_ENDPOINT": ""}
    result = dctck("certify", "reference_drivers.ec2:from_environment", *CREDENTIALS, env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "ERROR: dctck: constructing reference_drivers.ec2:from_environment raised"
        " ValueError: set DCTCK_EC2_ENDPOINT to the URL of an EC2-compatible endpoint"
    )


def _memory_by_1025(monkeypatch):
    monkeypatch.setattr(_ec2_models, "_MIB_PER_GB", 1025)


def _realm_state_lost(monkeypatch):
    realm = _ec2_models.realm
    monkeypatch.setattr(_ec2_models, "realm", lambda item: replace(realm(item), state=None))


def _image_owner_lost(monkeypatch):
    image = _ec2_models.image
    monkeypatch.setattr(_ec2_models, "image", lambda item: replace(image(item), owner_id=None))


@pytest.mark.parametrize(
    ("mutate", "collection", "wrong"),
    [
        (_memory_by_1025, "hardware_profiles", "gave HardwareProfile 't2.micro'.memory = "),
        (_realm_state_lost, "realms", "gave Realm 'us-east-1a'.state = None, expected 'AVAILABLE'"),
        (_image_owner_lost, "images", "owner_id = None, expected '323934552305'"),
    ],
    ids=["memory-1025-mib-per-gb", "realm-state-none", "image-owner-none"],
)
def test_ec2_facts_catch_well_typed_wrong_values(pytester, monkeypatch, mutate, collection, wrong):
    """Mutants of the EC2 translation that every SPEC type check lets through."""
    mutate(monkeypatch)
    result = pytester.runpytest_inprocess(
        "--dctck-driver=reference_drivers.ec2:EC2Driver",
        "--dctck-credentials=mockuser:mockpassword",
        f"--dctck-facts={EC2_FACTS}",
        "--dctck-report=report.json",
        "-m",
        "models",
        "-p",
        "no:cacheprovider",
    )
    assert result.ret == 1, result.stdout.str()
    report = json.loads((pytester.path / "report.json").read_text())
    (failed,) = [c for c in report["checks"] if c["outcome"] == "failed"]
    assert failed["id"] == f"models::test_declared_facts_are_reported[{collection}]"
    assert f"[{RULE_FACTS}] " in failed["message"]
    assert wrong in failed["message"]
