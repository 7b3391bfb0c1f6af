"""The test command of the mutation sessions: ``dctck certify`` on the (mutated) reference driver.

    python benchmarks/mutation_certify.py mock|ec2|_ec2_models|_credentials|openstack|_os_models

Exit status 0 when every certification passed (the mutant survived), non-zero when one failed
(killed). ``mock`` certifies MockDriver. ``ec2``, ``_ec2_models`` and ``_credentials`` certify
EC2Driver in-process (``EC2Driver()``, with the facts EC2 documents of the default cloud,
``reference_drivers/ec2_facts.toml``: the other runs are of other catalogues); then its REST
front (``--via-rest``, the ``api`` area alone: the regions ``dctck serve`` offers as providers
are the driver's ``for_provider``); then EC2Driver over a simulator of another region with 130
instance types (DescribeInstanceTypes in two pages); then ``reference_drivers.ec2:from_environment``
against a live ``dctck simulate`` of that cloud on a manual clock with faults through its control
API (the faults area must then run), so the endpoint code is certified too. Every run stops at
its first failure (``-x``). ``openstack`` and ``_os_models`` certify OpenStackDriver in-process
(with ``reference_drivers/openstack_facts.toml``), then its REST front (the ``api`` area), then
``reference_drivers.openstack:from_environment``
against a live ``dctck simulate --api openstack`` on a manual clock with its control API (the
faults area must then run).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.reference._support import long_catalogue_config  # noqa: E402  (the suite's cloud)

CREDENTIALS = ["--credentials", "mockuser:mockpassword"]
OTHER = ["--other-credentials", "otheruser:otherpassword"]
STOP_EARLY = ["-x", "-q"]
#: Not the default region: from_environment must sign for the one DCTCK_EC2_REGION names.
REGION = "eu-west-3"
FACTS = ROOT / "reference_drivers" / "ec2_facts.toml"
OPENSTACK_FACTS = ROOT / "reference_drivers" / "openstack_facts.toml"
SIMULATE = [sys.executable, "-m", "dctck", "simulate", "--port", "0", "--clock", "manual"]


def certify(*args: str, env: dict[str, str] | None = None, pytest: tuple[str, ...] = ()) -> int:
    """``dctck certify ARGS`` with both accounts, stopping at the first failure; its status."""
    command = [
        sys.executable,
        "-m",
        "dctck",
        "certify",
        *args,
        *CREDENTIALS,
        *OTHER,
        "--",
        *STOP_EARLY,
        *pytest,
    ]
    return subprocess.run(
        command, env={**os.environ, **(env or {})}, capture_output=True, check=False
    ).returncode


FACTORY = """
import simulator
from reference_drivers import EC2Driver

def elsewhere():
    config = simulator.load_config({path!r})
    return EC2Driver(simulator=simulator.Simulator(config))
"""


def certify_in_another_region() -> int:
    """EC2Driver in-process over a simulator of REGION with 130 instance types."""
    with tempfile.TemporaryDirectory() as directory:
        config = long_catalogue_config(Path(directory) / "cloud.toml", REGION)
        (Path(directory) / "elsewhere.py").write_text(FACTORY.format(path=str(config)))
        path = os.pathsep.join([directory, os.environ.get("PYTHONPATH", "")])
        return certify("elsewhere:elsewhere", env={"PYTHONPATH": path})


def certify_endpoint() -> int:
    """EC2Driver's from_environment against a live simulator of REGION, faults included."""
    with tempfile.TemporaryDirectory() as directory:
        config = long_catalogue_config(Path(directory) / "cloud.toml", REGION)

        def variables(url: str) -> dict[str, str]:
            return {
                "DCTCK_EC2_ENDPOINT": url + "/",
                "DCTCK_EC2_REGION": REGION,
                "DCTCK_EC2_CONTROL": url + "/_sim",
            }

        return certify_served(
            ["--config", str(config)], "reference_drivers.ec2:from_environment", variables
        )


def certify_openstack_endpoint() -> int:
    """OpenStackDriver's from_environment against a live OpenStack simulator, faults included."""

    def variables(url: str) -> dict[str, str]:
        return {"DCTCK_OS_AUTH_URL": url + "/identity", "DCTCK_OS_CONTROL": url + "/_sim"}

    return certify_served(
        ["--api", "openstack"], "reference_drivers.openstack:from_environment", variables
    )


def certify_served(
    options: list[str], factory: str, variables: Callable[[str], dict[str, str]]
) -> int:
    """``dctck certify FACTORY`` with the ``variables`` of a live ``dctck simulate OPTIONS``;
    with a control URL the driver promises faults, so a run where none passed fails (4)."""
    with tempfile.TemporaryDirectory() as directory:
        server = subprocess.Popen(
            [*SIMULATE, *options], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            assert server.stdout is not None
            match = re.search(r" at (http://\S+?)/?$", server.stdout.readline())
            if match is None:
                return 3
            report = Path(directory) / "report.json"
            status = certify(factory, "--report", str(report), env=variables(match.group(1)))
            if status == 0 and json.loads(report.read_text())["areas"]["faults"]["passed"] == 0:
                return 4
            return status
        finally:
            server.terminate()
            server.wait(10)
            server.stdout.close()  # type: ignore[union-attr]


def main() -> int:
    target = sys.argv[1] if len(sys.argv) > 1 else ""
    if target == "mock":
        return certify("reference_drivers.mock:MockDriver")
    if target in ("ec2", "_ec2_models", "_credentials"):
        return (
            certify("reference_drivers.ec2:EC2Driver", "--facts", str(FACTS))
            or certify("reference_drivers.ec2:EC2Driver", "--via-rest", pytest=("-m", "api"))
            or certify_in_another_region()
            or certify_endpoint()
        )
    if target in ("openstack", "_os_models"):
        return (
            certify("reference_drivers.openstack:OpenStackDriver", "--facts", str(OPENSTACK_FACTS))
            or certify(
                "reference_drivers.openstack:OpenStackDriver", "--via-rest", pytest=("-m", "api")
            )
            or certify_openstack_endpoint()
        )
    print(
        f"usage: {sys.argv[0]} mock|ec2|_ec2_models|_credentials|openstack|_os_models",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
