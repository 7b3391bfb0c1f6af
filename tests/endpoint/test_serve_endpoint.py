"""``dctck serve`` in a separate process, certified by its URL: the same verdicts as the same
driver certified in-process (faults aside: an endpoint offers no fault injection)."""

import pytest

from tests.endpoint._support import CREDENTIALS, OTHER_CREDENTIALS, certify, outcomes
from tests.rest._served import Served

pytestmark = [pytest.mark.live, pytest.mark.slow]


def in_process(pytester, driver, *options):
    import json

    pytester.runpytest_inprocess(
        f"--dctck-driver={driver}",
        f"--dctck-credentials={CREDENTIALS}",
        f"--dctck-other-credentials={OTHER_CREDENTIALS}",
        "--dctck-report=local.json",
        "-p",
        "no:cacheprovider",
        *options,
    )
    return json.loads((pytester.path / "local.json").read_text())


def test_the_mock_served_certifies_as_it_does_in_process(pytester):
    """The one whole run over an endpoint: every check but the faults area's."""
    with Served("--clock-rate", "500") as server:
        result, remote = certify(pytester, server.url + "/api", "--dctck-timeout=20")
    local = in_process(pytester, "reference_drivers.mock:MockDriver")
    compared = {k: v for k, v in outcomes(local).items() if not k.startswith("faults::")}
    assert {k: v for k, v in outcomes(remote).items() if k in compared} == compared
    assert set(compared) <= set(outcomes(remote))
    assert remote["areas"]["faults"] == {"passed": 0, "failed": 0, "skipped": 54}
    assert remote["certified"] is True
    assert remote["endpoint"] == {
        "url": server.url + "/api",
        "protocol": "deltacloud",
        "driver": "mock",
        "version": "1.1",
        "provider": None,
        "server": "Apache-Deltacloud/1.1",
    }
    result.stdout.fnmatch_lines(["*dctck discovery*", "protocol   deltacloud", "CERTIFIED: *"])


def test_the_ec2_driver_served_certifies_as_it_does_in_process(pytester):
    areas = "create or isolation"
    with Served("--clock-rate", "500") as server:
        _, remote = certify(
            pytester, server.url + "/api", "--dctck-server-driver=ec2", "--dctck-timeout=20",
            "-m", areas,
        )  # fmt: skip
    local = in_process(pytester, "reference_drivers.ec2:EC2Driver", "-m", areas)
    assert outcomes(remote) == outcomes(local)
    assert remote["endpoint"]["driver"] == "ec2"
    assert remote["not_certifying"] == [f"checks chosen by -m '{areas}'"]
