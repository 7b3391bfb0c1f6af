"""The package surface: exactly the contract's names, and no dependency on dctck."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import simulator
from simulator import _lifecycle
from simulator._instances import Record

CONTRACT = {
    "Account", "AuditEntry", "AuthFailure", "CapacityExceeded", "Clock", "ConfigError",
    "FaultInjector", "IncorrectState", "InjectedFault", "InstanceType", "InstanceView",
    "InvalidParameter", "MachineImage", "MalformedInstanceId", "ManualClock", "RealClock",
    "STATES", "STATE_CODES", "Simulator", "SimulatorConfig", "SimulatorError", "StateChange",
    "Throttled", "UnknownImage", "UnknownInstance", "UnknownInstanceType", "UnknownZone",
    "Zone", "default_config", "load_config",
}  # fmt: skip
ADDITIONS = {"InstanceFacts", "OPERATIONS"}
RESOURCES = {
    "CannotDelete", "DependencyViolation", "DuplicateGroup", "DuplicateKeyPair",
    "DuplicatePermission", "IngressRuleSpec", "InvalidKeyFormat", "KeyPair", "KeyPairSpec",
    "MalformedGroupId", "Permission", "ReservedGroup", "Rule", "SecurityGroup",
    "SecurityGroupSpec", "UnknownGroup", "UnknownKeyPair", "UnknownPermission",
}  # fmt: skip
"""Key pairs and security groups (issue 9): their values and their errors."""
ROOT = Path(__file__).resolve().parents[2]


def test_all_is_exactly_the_contract_plus_documented_additions():
    assert set(simulator.__all__) == CONTRACT | ADDITIONS | RESOURCES


def test_all_is_sorted_isort_style_as_ruff_wants_constants_classes_functions():
    def group(name):
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert simulator.__all__ == sorted(simulator.__all__, key=group)


def test_every_exported_name_is_importable_and_documented():
    for name in simulator.__all__:
        value = getattr(simulator, name)
        if isinstance(value, type) or callable(value):
            assert value.__doc__, name


def test_importing_simulator_imports_nothing_of_dctck_suites_or_reference_drivers():
    code = (
        "import sys, simulator; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in {'dctck', 'suites', 'reference_drivers'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


def test_states_and_codes_are_ec2s():
    assert simulator.STATES == (
        "pending", "running", "stopping", "stopped", "shutting_down", "terminated",
    )  # fmt: skip
    assert simulator.STATE_CODES == {
        "pending": 0, "running": 16, "shutting_down": 32,
        "terminated": 48, "stopping": 64, "stopped": 80,
    }  # fmt: skip


def test_operations_are_the_cloud_methods_and_exclude_test_controls():
    assert simulator.OPERATIONS == (
        "addresses", "authenticate", "authorize_security_group_ingress", "create_key_pair",
        "create_security_group", "create_tags", "delete_key_pair", "delete_security_group",
        "delete_tags", "describe_instance_attribute", "describe_instance_status",
        "describe_instances", "describe_key_pairs", "describe_security_groups", "describe_tags",
        "get_console_output", "images", "import_key_pair", "instance_types",
        "modify_instance_attribute", "reboot_instances", "regions",
        "revoke_security_group_ingress", "run_instances", "start_instances", "stop_instances",
        "terminate_instances", "zones",
    )  # fmt: skip


def test_instances_are_slot_records_never_registered_with_the_shared_machine(sim):
    views = sim.run_instances("mockuser", "ami-0a1b2c3d4e5f60718", max_count=5)
    sim.clock.tick(40)
    sim.stop_instances("mockuser", [view.id for view in views])
    assert _lifecycle.EC2._machine.models == []
    assert not hasattr(Record("i-0", "a", "ami-0", None, "z", 0.0, 1), "__dict__")  # type: ignore[arg-type]
