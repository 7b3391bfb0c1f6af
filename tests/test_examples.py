"""The worked example of the README is certified, the way the README says to run it."""

import json
from pathlib import Path

import pytest

from tests.reference._support import SimulateServer, dctck

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_memory_cloud_example_is_certified(pytester):
    (pytester.path / "memory_cloud.py").write_text((EXAMPLES / "memory_cloud.py").read_text())
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess(
        "--dctck-driver=memory_cloud:MemoryCloudDriver",
        "--dctck-credentials=alice:wonderland",
        "--dctck-other-credentials=bob:builder",
        "--dctck-report=report.json",
        "-p",
        "no:cacheprovider",
    )
    report = json.loads((pytester.path / "report.json").read_text())
    assert [c["message"] for c in report["checks"] if c["outcome"] == "failed"] == []
    assert report["certified"] is True
    assert result.ret == 0


@pytest.mark.live
@pytest.mark.slow
def test_boto3_example_is_certified_against_a_live_dctck_simulate(tmp_path):
    """In-process (no socket) it is certified in tests/reference/test_certified_drivers.py."""
    server = SimulateServer("--clock", "manual")
    try:
        result = dctck(
            "certify", "boto3_ec2:from_environment", "--credentials", "mockuser:mockpassword",
            "--other-credentials", "otheruser:otherpassword", "--report", str(tmp_path / "r.json"),
            env={**server.env, "DCTCK_EC2_CONTROL": server.url + "/_sim"}, cwd=EXAMPLES,
        )  # fmt: skip
    finally:
        server.stop()
    report = json.loads((tmp_path / "r.json").read_text())
    assert [c["message"] for c in report["checks"] if c["outcome"] == "failed"] == []
    assert (result.returncode, report["certified"], len(report["checks"])) == (0, True, 301)
