"""Constants and helpers shared by the simulator tests."""

from __future__ import annotations

from simulator import Simulator

START = 1_700_000_000.0
X86_IMAGE = "ami-0a1b2c3d4e5f60718"
ARM_IMAGE = "ami-0b2c3d4e5f6071829"
LEGACY_IMAGE = "ami-1f2e3d4c"
MOCKUSER_IMAGE = "ami-0c3d4e5f607182930"
OTHERUSER_IMAGE = "ami-0d4e5f60718293a41"
ME = "mockuser"
OTHER = "otheruser"
ME_ID = "323934552305"
OTHER_ID = "324239804746"
"""The 12-digit account ids the default accounts get, derived from their names."""
BOOT = 40.0
STOP = 20.0
RETENTION = 3600.0

# The EC2 lifecycle, written out independently of the simulator's table:
# (action, state) -> the state right after the call; absent pairs are refused.
OUTCOMES = {
    ("start", "pending"): "pending",
    ("start", "running"): "running",
    ("start", "stopped"): "pending",
    ("stop", "running"): "stopping",
    ("stop", "stopping"): "stopping",
    ("stop", "stopped"): "stopped",
    ("reboot", "running"): "running",
    ("terminate", "pending"): "shutting_down",
    ("terminate", "running"): "shutting_down",
    ("terminate", "stopping"): "shutting_down",
    ("terminate", "stopped"): "shutting_down",
    ("terminate", "shutting_down"): "shutting_down",
    ("terminate", "terminated"): "terminated",
}
AUTOMATIC = {"pending": "running", "stopping": "stopped", "shutting_down": "terminated"}
LEGAL_AUDIT = {
    (state, target, f"{action}_instances")
    for (action, state), target in OUTCOMES.items()
    if target != state or action == "reboot"
} | {(state, target, "auto") for state, target in AUTOMATIC.items()}
STATES = ("pending", "running", "stopping", "stopped", "shutting_down", "terminated")
ACTIONS = ("start", "stop", "reboot", "terminate")


def launch(sim: Simulator, account: str = ME, image: str = X86_IMAGE, **options) -> str:
    """Run one instance; its id."""
    [view] = sim.run_instances(account, image, **options)
    return view.id


def instance_in(sim: Simulator, state: str, account: str = ME) -> str:
    """An instance brought to `state` by actions and clock ticks (default durations)."""
    instance_id = launch(sim, account)
    if state == "pending":
        return instance_id
    sim.clock.tick(BOOT)
    if state == "shutting_down":
        sim.terminate_instances(account, [instance_id])
    elif state == "terminated":
        sim.terminate_instances(account, [instance_id])
        sim.clock.tick(STOP)
    elif state in ("stopping", "stopped"):
        sim.stop_instances(account, [instance_id])
        if state == "stopped":
            sim.clock.tick(STOP)
    assert state_of(sim, instance_id, account) == state
    return instance_id


def state_of(sim: Simulator, instance_id: str, account: str = ME) -> str:
    [view] = sim.describe_instances(account, [instance_id])
    return view.state


def observe(sim: Simulator):
    """Everything a caller can see: both accounts' instances and tags, and the audit log."""
    return (
        sim.describe_instances(ME),
        sim.describe_instances(OTHER),
        sim.describe_tags(ME),
        sim.describe_tags(OTHER),
        sim.audit_log(),
    )
