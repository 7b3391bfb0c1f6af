"""The error tree: EC2 codes, messages, docstrings."""

from __future__ import annotations

import pytest

import simulator
from simulator import _errors

CODES = {
    simulator.AuthFailure: "AuthFailure",
    simulator.UnknownInstance: "InvalidInstanceID.NotFound",
    simulator.MalformedInstanceId: "InvalidInstanceID.Malformed",
    simulator.UnknownImage: "InvalidAMIID.NotFound",
    simulator.UnknownInstanceType: "InvalidParameterValue",
    simulator.InvalidParameter: "InvalidParameterValue",
    simulator.UnknownZone: "InvalidParameterValue",
    simulator.IncorrectState: "IncorrectInstanceState",
    simulator.CapacityExceeded: "InsufficientInstanceCapacity",
    simulator.Throttled: "RequestLimitExceeded",
    simulator.ConfigError: "InvalidConfiguration",
}


@pytest.mark.parametrize(
    ("cls", "code"), CODES.items(), ids=lambda value: getattr(value, "__name__", value)
)
def test_error_carries_its_ec2_code_and_message(cls, code):
    error = cls("something went wrong")
    assert isinstance(error, simulator.SimulatorError)
    assert (error.code, error.message, str(error), error.args) == (
        code, "something went wrong", "something went wrong", ("something went wrong",),
    )  # fmt: skip


def test_injected_fault_carries_the_injected_code():
    error = simulator.InjectedFault("Unavailable")
    assert (error.code, error.message) == ("Unavailable", "Injected fault: Unavailable")


def test_every_error_class_has_a_docstring_and_appears_in_the_module_tree():
    classes = [*CODES, simulator.InjectedFault, simulator.SimulatorError]
    for cls in classes:
        assert cls.__doc__, cls.__name__
        assert cls.__name__ in _errors.__doc__


def test_instance_id_errors_list_the_offending_ids():
    error = simulator.UnknownInstance("gone", ["i-1", "i-2"])
    assert error.ids == ("i-1", "i-2")
