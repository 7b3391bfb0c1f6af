"""The Query protocol as raw requests see it: exact documents, and every refusal EC2 makes."""

from __future__ import annotations

import pytest

from simulator.ec2 import MAX_BODY
from tests.ec2._support import (
    NS,
    X86_IMAGE,
    call,
    error_of,
    form,
    parse,
    send,
    signed_headers,
)


def refused(app, action, params=None):
    status, content = call(app, action, params)
    return (status, *error_of(content))


# Documents


def test_a_success_document_is_the_action_response_in_ec2s_namespace(app):
    status, content = call(app, "DescribeRegions")
    assert status == 200
    assert content == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        b"<requestId>5e1a0000-0000-4000-8000-000000000001</requestId><regionInfo><item>"
        b"<regionName>us-east-1</regionName><regionEndpoint>ec2.simulator.invalid</regionEndpoint>"
        b"<optInStatus>opt-in-not-required</optInStatus></item></regionInfo>"
        b"</DescribeRegionsResponse>"
    )


def test_an_error_document_has_code_message_and_request_id(app):
    status, content = call(app, "FlyToTheMoon")
    assert status == 400
    assert content == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b"<Response><Errors><Error><Code>InvalidAction</Code>"
        b"<Message>The action FlyToTheMoon is not valid for this web service.</Message>"
        b"</Error></Errors><RequestID>5e1a0000-0000-4000-8000-000000000001</RequestID>"
        b"</Response>"
    )


def test_each_request_gets_its_own_request_id(app):
    ids = [parse(call(app, "DescribeRegions")[1]).findtext(f"{NS}requestId") for _ in range(3)]
    assert ids == [f"5e1a0000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3)]


def test_user_text_is_escaped_in_tags(app, sim):
    tags = {
        "TagSpecification.1.ResourceType": "instance",
        "TagSpecification.1.Tag.1.Key": "Name",
        "TagSpecification.1.Tag.1.Value": '<b>&"x"</b>',
    }
    status, content = call(app, "RunInstances", {"ImageId": X86_IMAGE, "MinCount": "1",
                                                  "MaxCount": "1", **tags})  # fmt: skip
    assert status == 200
    assert b'<value>&lt;b&gt;&amp;"x"&lt;/b&gt;</value>' in content
    value = parse(content).find(f".//{NS}tagSet/{NS}item/{NS}value")
    assert value is not None
    assert value.text == '<b>&"x"</b>'


def test_user_text_echoed_in_an_error_message_is_escaped(app):
    status, code, message = refused(app, "DescribeInstances", {"InstanceId.1": "<i-&>"})
    assert (status, code, message) == (400, "InvalidInstanceID.Malformed", "Invalid id: '<i-&>'")


def test_a_stopped_instance_carries_its_state_reason(app, sim):
    (view,) = sim.run_instances("mockuser", X86_IMAGE)
    sim.clock.tick(40)
    sim.stop_instances("mockuser", [view.id])
    instance = parse(call(app, "DescribeInstances")[1]).find(f".//{NS}instancesSet/{NS}item")
    assert instance is not None
    assert instance.findtext(f"{NS}instanceState/{NS}code") == "64"
    assert instance.findtext(f"{NS}stateReason/{NS}code") == "Client.UserInitiatedShutdown"
    assert instance.find(f"{NS}ipAddress") is None


# The request line, body and encoding


def test_a_put_is_method_not_allowed_405(app):
    status, content = send(app, b"", method="PUT")
    assert (status, error_of(content)[0]) == (405, "MethodNotAllowed")


def test_a_get_with_the_parameters_in_the_query_string_works(app):
    url = "https://ec2.simulator.invalid/?Action=DescribeRegions&Version=2016-11-15"
    headers = signed_headers(b"", url=url, method="GET")
    status, content = send(app, b"", headers, method="GET", url=url)
    assert status == 200
    assert parse(content).findtext(f".//{NS}regionName") == "us-east-1"


def test_a_body_over_the_limit_is_request_entity_too_large_413(app):
    body = form("DescribeRegions", {"Pad": "x" * MAX_BODY})
    status, content = send(app, body)
    assert (status, error_of(content)[0]) == (413, "RequestEntityTooLarge")


def test_a_query_string_over_the_limit_is_request_entity_too_large_413(app):
    url = (
        "https://ec2.simulator.invalid/?"
        + form("DescribeRegions", {"Pad": "x" * MAX_BODY}).decode()
    )
    status, content = send(
        app, b"", signed_headers(b"", url=url, method="GET"), method="GET", url=url
    )
    assert (status, error_of(content)[0]) == (413, "RequestEntityTooLarge")


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"Action=DescribeRegions&Version=2016-11-15&X=%zz", "percent-escape"),
        (b"Action=DescribeRegions&Version=2016-11-15&X=%ff%fe", "not UTF-8"),
        ("Action=DescribeRegions&Version=2016-11-15&X=é".encode(), "not ASCII"),
        (b"Action=DescribeRegions&Version=2016-11-15&X", "bad query field"),
    ],
    ids=["bad-escape", "bad-utf8", "raw-non-ascii", "field-without-equals"],
)
def test_a_malformed_body_is_malformed_query_string_404(app, sim, body, why):
    status, content = send(app, body)
    code, message = error_of(content)
    assert (status, code) == (404, "MalformedQueryString")
    assert why in message


def test_a_non_form_content_type_is_refused(app):
    body = b'{"Action": "DescribeRegions"}'
    headers = signed_headers(body, content_type="application/json")
    status, content = send(app, body, headers)
    assert (status, error_of(content)[0]) == (400, "InvalidParameterValue")


def test_a_parameter_given_twice_is_invalid_query_parameter(app):
    body = b"Action=DescribeRegions&Version=2016-11-15&RegionName.1=a&RegionName.1=b"
    status, content = send(app, body)
    assert (status, *error_of(content)) == (
        400,
        "InvalidQueryParameter",
        "The parameter RegionName.1 appears more than once",
    )


def test_a_value_xml_cannot_carry_is_invalid_parameter_value(app):
    assert refused(app, "DescribeRegions", {"RegionName.1": "a\x01b"}) == (
        400,
        "InvalidParameterValue",
        "The value of parameter RegionName.1 holds characters that are not allowed",
    )


# Action and version


def test_no_action_is_missing_action(app):
    status, content = send(app, b"Version=2016-11-15")
    assert (status, error_of(content)[0]) == (400, "MissingAction")


def test_no_version_is_missing_parameter(app):
    status, content = send(app, b"Action=DescribeRegions")
    assert (status, *error_of(content)) == (
        400,
        "MissingParameter",
        "The request must contain the parameter Version",
    )


def test_another_api_version_is_no_such_version(app):
    status, content = send(app, form("DescribeRegions", version="2014-10-01"))
    assert (status, error_of(content)[0]) == (400, "NoSuchVersion")


def test_an_unknown_parameter_is_unknown_parameter(app):
    assert refused(app, "DescribeRegions", {"Colour": "blue"}) == (
        400,
        "UnknownParameter",
        "The parameter Colour is not recognized",
    )


def test_an_unknown_member_of_a_structure_is_named_in_full(app):
    assert refused(app, "DescribeInstances", {"Filter.2.Name": "image-id", "Filter.2.Value.1": "x",
                                              "Filter.2.Colour": "blue"}) == (
        400, "UnknownParameter", "The parameter Filter.2.Colour is not recognized",
    )  # fmt: skip


@pytest.mark.parametrize("index", ["-1", "01", "x", "100000"])
def test_a_list_index_that_is_not_a_number_from_0_is_unknown(app, index):
    assert refused(app, "DescribeInstances", {f"InstanceId.{index}": "i-0123456789abcdef0"})[1] == (
        "UnknownParameter"
    )


def test_lists_numbered_from_0_as_libcloud_sends_them_are_read_in_index_order(app, sim):
    """CreateTags as Libcloud's ex_create_tags words it: ResourceId.0, Tag.0.Key, Tag.1.Key."""
    first, second = (view.id for view in sim.run_instances("mockuser", X86_IMAGE, max_count=2))
    params = {"ResourceId.0": first, "ResourceId.1": second, "Tag.0.Key": "Name",
              "Tag.0.Value": "web", "Tag.1.Key": "team", "Tag.1.Value": "a"}  # fmt: skip
    status, content = call(app, "CreateTags", params)
    assert (status, parse(content).findtext(f"{NS}return")) == (200, "true")
    assert sim.describe_tags("mockuser") == [
        (first, "Name", "web"), (first, "team", "a"),
        (second, "Name", "web"), (second, "team", "a"),
    ]  # fmt: skip
    reversed_ids = {"InstanceId.1": second, "InstanceId.0": first}
    status, content = call(app, "DescribeInstances", reversed_ids)
    ids = [item.text for item in parse(content).iter(f"{NS}instanceId")]
    assert (status, ids) == (200, [first, second])


def test_ignored_run_instances_parameters_are_accepted(app, sim):
    status, _ = call(app, "RunInstances", {"ImageId": X86_IMAGE, "MinCount": "1",
                                           "MaxCount": "1", "SubnetId": "subnet-1",
                                           "UserData": "eA=="})  # fmt: skip
    assert status == 200
    assert len(sim.describe_instances("mockuser")) == 1


# Parameters of the actions


def test_run_instances_without_image_is_missing_parameter(app):
    assert refused(app, "RunInstances", {"MinCount": "1", "MaxCount": "1"}) == (
        400,
        "MissingParameter",
        "The request must contain the parameter ImageId",
    )


@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999", " 1", "0x10"])
def test_a_count_that_is_not_an_integer_is_invalid_parameter_value(app, value):
    params = {"ImageId": X86_IMAGE, "MinCount": value, "MaxCount": "1"}
    assert refused(app, "RunInstances", params)[:2] == (400, "InvalidParameterValue")


def test_min_count_above_max_count_is_invalid_parameter_value(app, sim):
    params = {"ImageId": X86_IMAGE, "MinCount": "3", "MaxCount": "2"}
    assert refused(app, "RunInstances", params)[:2] == (400, "InvalidParameterValue")
    assert sim.audit_log() == []


def test_min_count_above_the_launch_limit_is_instance_limit_exceeded(app):
    params = {"ImageId": X86_IMAGE, "MinCount": "1001", "MaxCount": "2000"}
    assert refused(app, "RunInstances", params)[:2] == (400, "InstanceLimitExceeded")


def test_max_count_above_the_launch_limit_launches_the_limit(app, sim):
    params = {"ImageId": X86_IMAGE, "MinCount": "1", "MaxCount": "1000000"}
    assert call(app, "RunInstances", params)[0] == 200
    assert len(sim.describe_instances("mockuser")) == 1000


def test_only_the_later_instances_of_a_reservation_are_remembered(app, sim):
    """The first instance's place (its own reservation, index 0) is derived, not stored."""
    call(app, "RunInstances", {"ImageId": X86_IMAGE, "MinCount": "1", "MaxCount": "1"})
    call(app, "RunInstances", {"ImageId": X86_IMAGE, "MinCount": "3", "MaxCount": "3"})
    _, first, second, third = [view.id for view in sim.describe_instances("mockuser")]
    reservation = f"r-{first[2:]}"
    assert app.launches._places == {second: (reservation, 1), third: (reservation, 2)}
    assert [app.launches.place(instance_id) for instance_id in (first, second, third)] == [
        (reservation, 0),
        (reservation, 1),
        (reservation, 2),
    ]


def test_a_malformed_image_id_is_invalid_ami_id_malformed(app):
    params = {"ImageId": "img-1", "MinCount": "1", "MaxCount": "1"}
    assert refused(app, "RunInstances", params)[:2] == (400, "InvalidAMIID.Malformed")


def test_tagging_another_resource_type_at_launch_is_refused(app):
    params = {"ImageId": X86_IMAGE, "MinCount": "1", "MaxCount": "1",
              "TagSpecification.1.ResourceType": "volume",
              "TagSpecification.1.Tag.1.Key": "Name"}  # fmt: skip
    assert refused(app, "RunInstances", params)[:2] == (400, "InvalidParameterValue")


@pytest.mark.parametrize(
    ("key", "value"), [("aws:owner", "x"), ("k" * 129, "x"), ("", "x"), ("k", "v" * 257)]
)
def test_tags_outside_ec2s_limits_are_invalid_parameter_value(app, sim, key, value):
    (view,) = sim.run_instances("mockuser", X86_IMAGE)
    params = {"ResourceId.1": view.id, "Tag.1.Key": key, "Tag.1.Value": value}
    assert refused(app, "CreateTags", params)[:2] == (400, "InvalidParameterValue")
    assert sim.describe_tags("mockuser") == []


def test_tagging_something_that_is_not_an_instance_is_invalid_id(app):
    params = {"ResourceId.1": X86_IMAGE, "Tag.1.Key": "Name", "Tag.1.Value": "x"}
    assert refused(app, "CreateTags", params)[:2] == (400, "InvalidID")


def test_instance_ids_with_max_results_is_invalid_parameter_combination(app):
    params = {"InstanceId.1": "i-0123456789abcdef0", "MaxResults": "5"}
    assert refused(app, "DescribeInstances", params)[:2] == (400, "InvalidParameterCombination")


@pytest.mark.parametrize("value", ["4", "1001"])
def test_max_results_outside_5_to_1000_is_invalid_parameter_value(app, value):
    assert refused(app, "DescribeInstances", {"MaxResults": value})[:2] == (
        400,
        "InvalidParameterValue",
    )


@pytest.mark.parametrize("token", ["garbage", "", "RGVzY3JpYmVUYWdzCjUKeA"])
def test_a_token_that_is_not_ours_is_invalid_pagination_token(app, token):
    assert refused(app, "DescribeInstances", {"NextToken": token})[:2] == (
        400,
        "InvalidPaginationToken",
    )


def test_an_unknown_filter_is_invalid_parameter_value(app):
    params = {"Filter.1.Name": "colour", "Filter.1.Value.1": "blue"}
    assert refused(app, "DescribeInstances", params) == (
        400,
        "InvalidParameterValue",
        "The filter 'colour' is invalid",
    )


def test_a_filter_without_values_is_invalid_parameter_value(app):
    assert refused(app, "DescribeInstances", {"Filter.1.Name": "image-id"})[:2] == (
        400,
        "InvalidParameterValue",
    )


def test_an_unknown_zone_name_is_invalid_parameter_value(app):
    assert refused(app, "DescribeAvailabilityZones", {"ZoneName.1": "us-east-1z"}) == (
        400,
        "InvalidParameterValue",
        "Invalid availability zone: [us-east-1z]",
    )


def test_an_unknown_instance_type_name_is_invalid_instance_type(app):
    assert refused(app, "DescribeInstanceTypes", {"InstanceType.1": "x9.huge"})[:2] == (
        400,
        "InvalidInstanceType",
    )


def test_a_refused_stop_names_the_offending_instance_and_changes_nothing(app, sim):
    running, _ = sim.run_instances("mockuser", X86_IMAGE, max_count=2)
    sim.clock.tick(40)
    sim.run_instances("mockuser", X86_IMAGE)
    fresh = sim.describe_instances("mockuser")[-1].id
    before = sim.audit_log()
    status, code, message = refused(
        app, "StopInstances", {"InstanceId.1": running.id, "InstanceId.2": fresh}
    )
    assert (status, code) == (400, "IncorrectInstanceState")
    assert fresh in message
    assert sim.audit_log() == before


# DescribeAddresses: no Elastic IPs are ever allocated


def test_describe_addresses_lists_none_even_for_instances_with_public_addresses(app, sim):
    (view,) = sim.run_instances("mockuser", X86_IMAGE)
    sim.clock.tick(40)
    status, content = call(app, "DescribeAddresses")
    assert (status, parse(content).find(f"{NS}addressesSet") is not None) == (200, True)
    assert list(parse(content).find(f"{NS}addressesSet")) == []
    libcloud_asks = {"Filter.1.Name": "instance-id", "Filter.1.Value.1": view.id}
    status, content = call(app, "DescribeAddresses", libcloud_asks)
    assert (status, list(parse(content).find(f"{NS}addressesSet"))) == (200, [])


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"PublicIp.1": "203.0.113.7"}, "InvalidAddress.NotFound",
         "Address '203.0.113.7' not found."),
        ({"AllocationId.1": "eipalloc-1"}, "InvalidAllocationID.NotFound",
         "The allocation ID 'eipalloc-1' does not exist"),
        ({"Filter.1.Name": "colour", "Filter.1.Value.1": "x"}, "InvalidParameterValue",
         "The filter 'colour' is invalid"),
    ],
    ids=["public-ip", "allocation-id", "unknown-filter"],
)  # fmt: skip
def test_describe_addresses_refuses_what_does_not_exist(app, params, code, message):
    assert refused(app, "DescribeAddresses", params) == (400, code, message)
