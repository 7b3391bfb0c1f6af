"""moto's server (a third-party EC2 implementation) certified with ``--endpoint --protocol ec2``:
its findings, as the README's "Certified endpoints" publishes them, are pinned here.

Bounded: the auth and isolation areas without the checks on hardware profiles (moto lists 1,395
instance types, 14 pages of DescribeInstanceTypes that take minutes) or on instance actions.
"""

import json
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.reference._support import dctck

pytestmark = [pytest.mark.live, pytest.mark.slow]
pytest.importorskip("moto.server")

SELECTION = ("-m", "auth or isolation", "-k", "not hardware_profiles and not action_refuses")


@pytest.fixture
def moto_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url + "moto-api/", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "moto's server did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_moto_server_findings_are_pinned(moto_url, tmp_path):
    result = dctck(
        "certify", "--endpoint", moto_url, "--protocol", "ec2",
        "--credentials", "testing:testing", "--other-credentials", "other:othersecret",
        "--timeout", "60", "--report", "r.json", "--", *SELECTION,
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:]
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["endpoint"]["protocol"] == "ec2"
    assert report["areas"]["auth"] == {"passed": 20, "failed": 6, "skipped": 0}
    assert report["areas"]["isolation"] == {"passed": 0, "failed": 7, "skipped": 0}
    failed = {}
    for check in report["checks"]:
        if check["outcome"] == "failed":
            failed.setdefault((check["area"], check["rule"]), []).append(check["id"])
    assert {key: len(ids) for key, ids in failed.items()} == {
        ("auth", "SPEC 2: a public method works with {} and with any credentials"): 2,
        ("auth", "SPEC 2: missing or rejected credentials raise AuthException"): 4,
        ("isolation", "SPEC 2: another account's instance is not listed"): 2,
        ("isolation", "SPEC 2: another account's instance is not found by id"): 1,
        ("isolation", "SPEC 2: an action on another account's instance raises NotFound"): 4,
    }
    assert "EC2 DescribeInstances " in result.stdout  # the reproduction: action, parameters
    assert "testing:testing" not in result.stdout
