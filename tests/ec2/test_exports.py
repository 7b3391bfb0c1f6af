"""The public surface of `simulator.ec2`, and the simulator's independence from dctck."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import simulator.ec2

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED = {
    "ACTIONS", "API_VERSION", "CONTROL_PATH", "DEFAULT_ENDPOINT", "EC2_STATE_NAMES", "MAX_BODY",
    "Ec2App", "Ec2Server", "InProcessEc2", "RequestError", "call_wsgi", "http_status",
    "in_process", "register_ec2", "route_botocore",
}  # fmt: skip


def test_all_is_exactly_the_documented_set():
    assert set(simulator.ec2.__all__) == DOCUMENTED


def test_all_is_sorted_constants_then_classes_then_functions():
    def group(name):
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert simulator.ec2.__all__ == sorted(simulator.ec2.__all__, key=group)


def test_every_exported_class_and_function_has_a_docstring():
    for name in simulator.ec2.__all__:
        value = getattr(simulator.ec2, name)
        if isinstance(value, type) or callable(value):
            assert value.__doc__, name


def test_the_actions_are_the_twelve_first_those_of_issue_9_and_describe_addresses():
    assert sorted(simulator.ec2.ACTIONS) == [
        "AuthorizeSecurityGroupIngress", "CreateKeyPair", "CreateSecurityGroup", "CreateTags",
        "DeleteKeyPair", "DeleteSecurityGroup", "DeleteTags", "DescribeAddresses",
        "DescribeAvailabilityZones", "DescribeImages", "DescribeInstanceAttribute",
        "DescribeInstanceStatus", "DescribeInstanceTypes", "DescribeInstances", "DescribeKeyPairs",
        "DescribeRegions", "DescribeSecurityGroups", "DescribeTags", "GetConsoleOutput",
        "ImportKeyPair", "ModifyInstanceAttribute", "RebootInstances",
        "RevokeSecurityGroupIngress", "RunInstances", "StartInstances", "StopInstances",
        "TerminateInstances",
    ]  # fmt: skip


def test_no_simulator_module_imports_dctck_suites_or_reference_drivers():
    offenders = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if name.split(".")[0] in {"dctck", "suites", "reference_drivers"}
            ]
    assert offenders == []


def test_importing_simulator_ec2_and_the_cli_loads_nothing_of_dctck():
    code = (
        "import sys, simulator.ec2, simulator._cli; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in {'dctck', 'suites', 'reference_drivers', 'botocore'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


def readme_actions() -> list[str]:
    """The actions listed, one per line, under the README's "Supported EC2 actions"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Supported EC2 actions", 1)[1].split("\n#", 1)[0]
    return [line.split("`")[1] for line in section.splitlines() if line.startswith("- `")]


def test_the_readme_lists_every_served_action_once_and_nothing_else():
    listed = readme_actions()
    assert len(listed) == len(set(listed)), "an action is listed twice"
    assert set(listed) == set(simulator.ec2.ACTIONS)
