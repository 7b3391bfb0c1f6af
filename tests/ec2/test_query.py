"""The Query protocol's input: form decoding, flattened lists and structures, leftovers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.ec2 import RequestError
from simulator.ec2._query import Params, decode_pairs


def code_of(call):
    with pytest.raises(RequestError) as excinfo:
        call()
    return excinfo.value.code, excinfo.value.message


def test_pairs_are_percent_and_plus_decoded():
    assert decode_pairs(b"A=x%20y&B=a+b&C=%E2%82%AC&D=") == [
        ("A", "x y"), ("B", "a b"), ("C", "\u20ac"), ("D", ""),
    ]  # fmt: skip


def test_an_empty_body_has_no_pairs():
    assert decode_pairs(b"") == []


@given(st.binary(max_size=200))
def test_any_bytes_decode_or_are_refused_with_malformed_query_string(raw):
    try:
        pairs = decode_pairs(raw)
    except RequestError as exc:
        code = exc.code
    else:
        code = "decoded"
        assert all(isinstance(name, str) and isinstance(value, str) for name, value in pairs)
    assert code in {"decoded", "MalformedQueryString"}


def test_lists_are_read_in_index_order_not_text_order():
    params = Params({"Id.10": "j", "Id.2": "b", "Id.1": "a"})
    assert params.strings("Id") == ["a", "b", "j"]
    params.finish()


def test_structures_group_their_members_by_index():
    params = Params({"Filter.2.Name": "b", "Filter.1.Name": "a", "Filter.1.Value.1": "x",
                     "Filter.1.Value.2": "y"})  # fmt: skip
    first, second = params.structs("Filter")
    assert (first.string("Name"), first.strings("Value")) == ("a", ["x", "y"])
    assert (second.string("Name"), second.strings("Value")) == ("b", [])
    params.finish()


def test_a_member_left_unread_in_a_structure_is_unknown_parameter_with_its_full_name():
    params = Params({"Filter.1.Name": "a", "Filter.1.Colour": "red"})
    (spec,) = params.structs("Filter")
    spec.string("Name")
    assert code_of(params.finish) == (
        "UnknownParameter",
        "The parameter Filter.1.Colour is not recognized",
    )


@pytest.mark.parametrize("name", ["Id", "Id.-1", "Id.01", "Id.x", "Id.1.2", "Id.123456"])
def test_names_that_are_not_list_members_stay_unread(name):
    params = Params({name: "v"})
    assert params.strings("Id") == []
    assert code_of(params.finish)[0] == "UnknownParameter"


def test_lists_may_be_numbered_from_0_and_are_read_in_index_order():
    params = Params({"Id.1": "b", "Id.0": "a", "Id.10": "c", "Tag.0.Key": "k", "Tag.1.Key": "l"})
    assert params.strings("Id") == ["a", "b", "c"]
    assert [tag.string("Key") for tag in params.structs("Tag")] == ["k", "l"]
    params.finish()


def test_a_required_list_that_is_empty_is_missing_parameter():
    assert code_of(lambda: Params({}).strings("InstanceId", required=True)) == (
        "MissingParameter",
        "The request must contain the parameter InstanceId",
    )


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("-3", -3), ("2147483647", 2147483647)])
def test_integers_are_32_bit_decimal(text, value):
    assert Params({"N": text}).integer("N") == value


@pytest.mark.parametrize("text", ["", "+1", "1_000", "2147483648", "1e3", "\u0661"])
def test_anything_else_is_not_an_integer(text):
    assert code_of(lambda: Params({"N": text}).integer("N"))[0] == "InvalidParameterValue"


@pytest.mark.parametrize(("text", "value"), [("true", True), ("FALSE", False)])
def test_booleans_are_true_or_false_in_any_case(text, value):
    assert Params({"B": text}).boolean("B") is value


def test_ignored_parameters_and_their_members_are_accepted():
    params = Params({"KeyName": "k", "SecurityGroupId.1": "sg", "Other": "x"})
    params.ignore("KeyName", "SecurityGroupId")
    assert code_of(params.finish)[1] == "The parameter Other is not recognized"
