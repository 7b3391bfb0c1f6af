"""An OpenStack cloud certified by its URL: ``dctck certify --endpoint AUTH_URL`` finds the
Keystone root, and OpenStackDriver speaks to it (``reference_drivers.openstack:for_endpoint``)."""

from __future__ import annotations

import json

from tests.reference._support import SimulateServer, dctck

ENV = {
    "DCTCK_CREDENTIALS": "mockuser:mockpassword",
    "DCTCK_OTHER_CREDENTIALS": "otheruser:otherpassword",
}


def test_a_keystone_url_is_detected_and_certified_through_openstack_driver(tmp_path):
    server = SimulateServer("--api", "openstack", "--clock", "manual")
    auth_url = server.url + "/identity"
    try:
        result = dctck(
            "certify", "--endpoint", auth_url, "--report", "r.json",
            "--", "-m", "models or auth or isolation",
            env={**ENV, "DCTCK_OS_CONTROL": server.url + "/_sim"}, cwd=tmp_path,
        )  # fmt: skip
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["endpoint"]["protocol"] == "openstack"
    assert report["endpoint"]["url"] == auth_url
    outcomes = [check["outcome"] for check in report["checks"]]
    assert "failed" not in outcomes
    assert outcomes.count("passed") > 30
    assert report["not_certifying"] == ["checks chosen by -m 'models or auth or isolation'"]
    assert "protocol   openstack" in result.stdout
