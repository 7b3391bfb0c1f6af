"""OpenStackDriver's pure parts: Nova's states, error answers, JSON models, lost-answer routes."""

import json

import pytest

from dctck import (
    ActionNotAllowed,
    AuthException,
    HardwareProfile,
    Image,
    NotFound,
    ProviderError,
    Realm,
    ValidationError,
)
from reference_drivers import _os_errors, _os_models
from reference_drivers._os_inprocess import operation_of
from reference_drivers.openstack import STATES, OpenStackDriver


@pytest.mark.parametrize(
    ("status", "task_state", "expected"),
    [
        ("BUILD", "spawning", "PENDING"),
        ("ACTIVE", None, "RUNNING"),
        ("ACTIVE", "powering-off", "SHUTTING_DOWN"),
        ("REBOOT", "reboot_started", "PENDING"),
        ("HARD_REBOOT", "reboot_started_hard", "PENDING"),
        ("SHUTOFF", None, "STOPPED"),
        ("SHUTOFF", "powering-on", "PENDING"),
        ("ACTIVE", "deleting", None),
        ("SHUTOFF", "deleting", None),
        ("DELETED", None, None),
        ("SOFT_DELETED", None, None),
        ("ERROR", None, "ERROR"),
        ("PAUSED", None, "PAUSED"),
        ("SHELVED_OFFLOADED", None, "SHELVED_OFFLOADED"),
    ],
)
def test_nova_status_and_task_state_read_as_the_spi_state(status, task_state, expected):
    assert _os_models.spi_state(status, task_state) == expected


def test_every_state_the_mapping_gives_for_nova_lifecycle_is_declared():
    declared = {state.upper() for state, _ in STATES} - {"BEGIN"}
    produced = {
        _os_models.spi_state(status, task)
        for status, task in [
            ("BUILD", "spawning"), ("ACTIVE", None), ("ACTIVE", "powering-off"),
            ("REBOOT", "reboot_started"), ("HARD_REBOOT", "reboot_started_hard"),
            ("SHUTOFF", None), ("SHUTOFF", "powering-on"),
        ]
    }  # fmt: skip
    assert produced == declared


@pytest.mark.parametrize(
    ("status", "body", "error", "text"),
    [
        (
            409,
            {"conflictingRequest": {"code": 409, "message": "Cannot 'stop' instance x while"
                                    " it is in vm_state stopped"}},
            ActionNotAllowed,
            "409 conflictingRequest: Cannot 'stop' instance x while it is in vm_state stopped",
        ),
        (
            404,
            {"itemNotFound": {"code": 404, "message": "Instance x could not be found."}},
            NotFound,
            "404 itemNotFound: Instance x could not be found.",
        ),
        (
            401,
            {"error": {"code": 401, "title": "Unauthorized",
                       "message": "The request you have made requires authentication."}},
            AuthException,
            "401 Unauthorized: The request you have made requires authentication.",
        ),
        (
            400,
            {"badRequest": {"code": 400, "message": "Flavor 99 could not be found."}},
            ValidationError,
            "400 badRequest: Flavor 99 could not be found.",
        ),
        (
            403,
            {"forbidden": {"code": 403, "message": "Quota exceeded for instances: Requested 1,"
                           " but already used 10 of 10 instances"}},
            ProviderError,
            "403 forbidden: Quota exceeded for instances: Requested 1, but already used 10 of"
            " 10 instances",
        ),
        (
            404,
            {"message": "No image found with ID x", "code": "404 Not Found", "title": "Not Found"},
            NotFound,
            "404 Not Found: No image found with ID x",
        ),
        (406, {"computeFault": {"code": 406, "message": "Version 2.200 is not supported"}},
         ProviderError, "406 computeFault: Version 2.200 is not supported"),
    ],
)  # fmt: skip
def test_error_answers_translate_to_the_spi_exception_keeping_the_message(
    status, body, error, text
):
    answer = _os_errors.read(status, json.dumps(body).encode())
    translated = _os_errors.translate(answer)
    assert type(translated) is error
    assert translated.args == (text,)


def test_an_answer_that_is_not_json_keeps_its_status_and_a_short_excerpt():
    answer = _os_errors.read(502, b"<html>\n  Bad   Gateway " + b"x" * 500)
    assert (answer.status, answer.name) == (502, "")
    assert answer.message.startswith("<html> Bad Gateway xxx")
    assert len(answer.message) == 200


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(408, True), (413, True), (429, True), (500, True), (503, True), (501, False),
     (400, False), (404, False), (409, False)],
)  # fmt: skip
def test_throttling_timeouts_and_transient_server_failures_are_retried(status, retryable):
    assert _os_errors.is_retryable(status) is retryable


def test_a_flavor_reads_as_a_hardware_profile_in_decimal_gb():
    flavor = {"id": "2", "name": "m1.small", "ram": 2048, "disk": 20, "vcpus": 1}
    assert _os_models.flavor(flavor) == HardwareProfile(
        id="2", architecture=None, memory=2, storage=20, cpu=1
    )
    assert _os_models.flavor({"id": "t", "ram": 512, "disk": 0, "vcpus": 1}).memory == 0.5
    assert _os_models.flavor({"id": "t", "ram": 512, "disk": 0, "vcpus": 1}).storage is None


def test_a_zone_and_an_image_read_as_realm_and_image():
    assert _os_models.zone({"zoneName": "nova", "zoneState": {"available": False}}) == Realm(
        id="nova", name="nova", state="UNAVAILABLE", limit=None
    )
    image = {"id": "u-1", "name": "cirros", "owner": "p-1", "architecture": "x86_64"}
    assert _os_models.image(image) == Image(
        id="u-1", name="cirros", architecture="x86_64", owner_id="p-1", description=None
    )


def test_a_server_reads_as_an_instance_with_floating_addresses_public():
    server = {
        "id": "s-1", "name": "web", "status": "ACTIVE", "tenant_id": "p-1",
        "image": {"id": "u-1"}, "flavor": {"id": "1"},
        "OS-EXT-AZ:availability_zone": "nova", "OS-EXT-STS:task_state": None,
        "addresses": {"private": [
            {"version": 4, "addr": "10.0.0.5", "OS-EXT-IPS:type": "fixed"},
            {"version": 4, "addr": "203.0.113.5", "OS-EXT-IPS:type": "floating"},
        ]},
    }  # fmt: skip
    instance = _os_models.instance(server, OpenStackDriver.instance_actions_for.__get__(DRIVER))
    assert instance is not None
    assert (instance.id, instance.name, instance.owner_id, instance.state) == (
        "s-1", "web", "p-1", "RUNNING"
    )  # fmt: skip
    assert (instance.image, instance.realm, instance.hardware_profile) == ("u-1", "nova", "1")
    assert (instance.public_addresses, instance.private_addresses) == (
        ["203.0.113.5"], ["10.0.0.5"]
    )  # fmt: skip
    assert instance.actions == ["reboot", "stop", "destroy"]


@pytest.mark.parametrize(
    ("method", "path", "body", "operation"),
    [
        ("POST", "/compute/v2.1/servers", b"{}", "create_server"),
        ("DELETE", "/compute/v2.1/servers/abc", None, "delete_server"),
        ("POST", "/compute/v2.1/servers/abc/action", b'{"os-stop": null}', "stop_server"),
        ("POST", "/compute/v2.1/servers/abc/action", b'{"os-start": null}', "start_server"),
        ("POST", "/compute/v2.1/servers/abc/action", b'{"reboot": {"type": "SOFT"}}',
         "reboot_server"),
        ("GET", "/compute/v2.1/servers/detail", None, "servers"),
        ("GET", "/compute/v2.1/servers/abc", None, None),
        ("GET", "/image/v2/images", None, "images"),
    ],
)  # fmt: skip
def test_lost_answers_are_matched_to_the_operation_the_request_performs(
    method, path, body, operation
):
    assert operation_of(method, "http://h" + path + "?limit=1", body) == operation


class _Bare(OpenStackDriver):
    def __init__(self):  # no simulator: the SPI helpers alone
        pass


DRIVER = _Bare()
