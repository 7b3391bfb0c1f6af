"""EC2Driver in-process against the SPEC: credentials, privacy, models, create, machine, filters."""

import re

import pytest

import simulator
from dctck import (
    INSTANCE_STATES,
    ActionNotAllowed,
    AuthException,
    HardwareProfile,
    Image,
    Instance,
    NotFound,
    Realm,
    StateMachine,
    TransitionTracker,
    ValidationError,
)
from dctck._recording import Recorder
from reference_drivers import EC2Driver
from tests.reference._support import OTHER, VALID
from tests.simulator._support import ARM_IMAGE, ME_ID, MOCKUSER_IMAGE, OTHERUSER_IMAGE, X86_IMAGE

REJECTED = {
    "wrong password": {"name": "mockuser", "password": "nope"},
    "unknown name": {"name": "nobody", "password": "mockpassword"},
}
MISSING = {
    "none": {},
    "password only": {"password": "mockpassword"},
    "name only": {"name": "mockuser"},
    "empty password": {"name": "mockuser", "password": ""},
    "not a dict": None,
}
METHODS = ["hardware_profiles", "realms", "images", "instances"]
ACTIONS = ["reboot", "stop", "start", "destroy"]


@pytest.fixture
def driver():
    return EC2Driver()


def new_instance(driver, credentials=VALID, opts=None, image_id=X86_IMAGE):
    return driver.create_instance(credentials, image_id, opts)


def running(driver, credentials=VALID, opts=None):
    instance = new_instance(driver, credentials, opts)
    driver.clock.tick(40)
    return driver.instance(credentials, instance.id)


def stopped(driver):
    instance = running(driver)
    driver.stop_instance(VALID, instance.id)
    driver.clock.tick(20)
    return driver.instance(VALID, instance.id)


# -- SPEC 2: credentials ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", MISSING)
@pytest.mark.parametrize("method", METHODS)
def test_missing_credentials_raise_auth_exception_without_a_request(driver, method, kind):
    with Recorder() as recorder, pytest.raises(AuthException):
        getattr(driver, method)(MISSING[kind])
    assert recorder.exchanges == []


@pytest.mark.parametrize("kind", REJECTED)
@pytest.mark.parametrize("method", METHODS)
def test_rejected_credentials_raise_auth_exception_from_auth_failure(driver, method, kind):
    with pytest.raises(AuthException) as excinfo:
        getattr(driver, method)(REJECTED[kind])
    assert excinfo.value.args == (
        "AuthFailure: AWS was not able to validate the provided access credentials",
    )


@pytest.mark.parametrize("kind", [*REJECTED, "none"])
@pytest.mark.parametrize("action", ACTIONS)
def test_actions_with_bad_credentials_raise_auth_exception_and_change_nothing(driver, action, kind):
    instance = running(driver)
    credentials = REJECTED.get(kind, {})
    with pytest.raises(AuthException):
        getattr(driver, f"{action}_instance")(credentials, instance.id)
    assert driver.instance(VALID, instance.id) == instance


@pytest.mark.parametrize("kind", [*REJECTED, "none"])
def test_create_with_bad_credentials_creates_nothing(driver, kind):
    with pytest.raises(AuthException):
        driver.create_instance(REJECTED.get(kind, {}), X86_IMAGE, None)
    assert driver.instances(VALID) == []


def test_instance_states_needs_no_credentials_nor_a_request(driver):
    with Recorder() as recorder:
        machine = StateMachine(driver.instance_states())
    assert machine.problems == []
    assert recorder.exchanges == []


# -- SPEC 2: privacy -------------------------------------------------------------------------------


def test_private_image_is_visible_only_to_its_owner(driver):
    mine = {image.id for image in driver.images(VALID)}
    theirs = {image.id for image in driver.images(OTHER)}
    assert MOCKUSER_IMAGE in mine - theirs
    assert OTHERUSER_IMAGE in theirs - mine


def test_instances_of_one_account_are_invisible_to_another(driver):
    instance = new_instance(driver)
    assert driver.instances(OTHER) == []
    assert driver.instance(OTHER, instance.id) is None


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_on_another_accounts_instance_raise_not_found(driver, action):
    instance = running(driver)
    with pytest.raises(NotFound):
        getattr(driver, f"{action}_instance")(OTHER, instance.id)
    assert driver.instance(VALID, instance.id) == instance


def test_opts_are_never_mutated(driver):
    opts = {"hwp_id": "m5.large", "realm_id": "us-east-1b", "name": "web"}
    new_instance(driver, opts=opts)
    filters = {"id": ["t3.micro"], "architecture": "x86_64"}
    driver.hardware_profiles(VALID, filters)
    assert opts == {"hwp_id": "m5.large", "realm_id": "us-east-1b", "name": "web"}
    assert filters == {"id": ["t3.micro"], "architecture": "x86_64"}


# -- SPEC 3: models --------------------------------------------------------------------------------


def test_hardware_profiles_are_the_instance_types():
    profiles = {profile.id: profile for profile in EC2Driver().hardware_profiles(VALID)}
    assert len(profiles) == 182
    assert [profiles[name] for name in ("t2.micro", "m3.medium", "c6g.medium", "m5d.large")] == [
        HardwareProfile(id="t2.micro", architecture="x86_64", memory=1, storage=None, cpu=1),
        HardwareProfile(id="m3.medium", architecture="x86_64", memory=3.75, storage=4, cpu=1),
        HardwareProfile(id="c6g.medium", architecture="arm64", memory=2, storage=None, cpu=1),
        HardwareProfile(id="m5d.large", architecture="x86_64", memory=8, storage=75, cpu=2),
    ]


def test_realms_are_the_availability_zones(driver):
    assert driver.realms(VALID) == [
        Realm(id="us-east-1a", name="us-east-1a", state="AVAILABLE", limit=None),
        Realm(id="us-east-1b", name="us-east-1b", state="AVAILABLE", limit=None),
    ]


def test_images_are_the_amis(driver):
    assert driver.image(VALID, X86_IMAGE) == Image(
        id=X86_IMAGE,
        name="dctck-linux-x86_64",
        architecture="x86_64",
        owner_id="dctck",
        description="Public Linux image for x86_64",
    )


def test_instance_model_has_spec_types_and_the_actions_of_its_state(driver):
    instance = running(driver, opts={"name": "web"})
    assert isinstance(instance, Instance)
    assert instance.name == "web"
    assert instance.owner_id == ME_ID  # the 12-digit account id, as on AWS
    assert instance.state in INSTANCE_STATES
    assert instance.actions == driver.instance_actions_for(instance.state)
    assert instance.public_addresses == ["198.18.0.1"]
    assert instance.private_addresses == ["10.0.0.1"]


# -- SPEC 4: create --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_id", "architecture"), [(X86_IMAGE, "x86_64"), (ARM_IMAGE, "arm64")]
)
def test_default_hardware_profile_fits_the_image_architecture(driver, image_id, architecture):
    instance = new_instance(driver, image_id=image_id)
    profile = driver.hardware_profile(VALID, instance.hardware_profile)
    assert instance.state == "PENDING"
    assert profile.architecture == architecture


def test_create_honours_hwp_id_realm_id_and_name(driver):
    instance = new_instance(driver, opts={"hwp_id": "m5.large", "realm_id": "us-east-1b"})
    assert (instance.image, instance.hardware_profile, instance.realm) == (
        X86_IMAGE,
        "m5.large",
        "us-east-1b",
    )


@pytest.mark.parametrize(
    ("image_id", "opts", "error"),
    [
        (None, None, ValidationError),
        ("", None, ValidationError),
        ("ami-00000000", None, NotFound),
        ("not-an-ami", None, NotFound),
        (OTHERUSER_IMAGE, None, NotFound),  # otheruser's private image
        (X86_IMAGE, {"hwp_id": "no.such"}, ValidationError),
        (X86_IMAGE, {"hwp_id": "c6g.medium"}, ValidationError),  # arm64 profile, x86_64 image
        (X86_IMAGE, {"realm_id": "us-west-9z"}, ValidationError),
        (X86_IMAGE, {"hwp_id": 42}, ValidationError),
        (X86_IMAGE, {"name": ["web"]}, ValidationError),
    ],
)
def test_bad_create_requests_are_refused_and_create_nothing(driver, image_id, opts, error):
    with pytest.raises(error):
        driver.create_instance(VALID, image_id, opts)
    assert driver.instances(VALID) == []


# -- SPEC 5: the machine and the EC2 states --------------------------------------------------------


def test_ec2_states_map_onto_the_declared_machine(driver):
    machine = StateMachine(driver.instance_states())
    instance = new_instance(driver)
    tracker = TransitionTracker(machine, "begin", "create")
    seen = [instance.state]
    assert tracker.observe(instance.state) is None
    steps = [
        (None, 40),
        ("stop", 0),
        (None, 20),
        ("start", 0),
        (None, 40),
        ("reboot", 0),
        ("destroy", 0),
    ]
    for action, seconds in steps:
        if action is not None:
            getattr(driver, f"{action}_instance")(VALID, instance.id)
            tracker = TransitionTracker(machine, tracker.current, action)
        driver.clock.tick(seconds)
        state = driver.instance(VALID, instance.id).state
        seen.append(state)
        assert tracker.observe(state) is None
    assert seen == [
        "PENDING",
        "RUNNING",
        "SHUTTING_DOWN",  # EC2 stopping
        "STOPPED",
        "PENDING",
        "RUNNING",
        "RUNNING",
        "SHUTTING_DOWN",  # EC2 shutting-down
    ]
    driver.clock.tick(20)
    assert driver.instance(VALID, instance.id) is None
    assert tracker.observe("end") is None


def test_destroying_a_stopped_instance_passes_through_shutting_down(driver):
    """EC2 terminates a stopped instance through shutting-down: the stop edge of stopped."""
    instance = stopped(driver)
    tracker = TransitionTracker(StateMachine(driver.instance_states()), "stopped", "destroy")
    assert driver.destroy_instance(VALID, instance.id) == instance
    assert driver.instance(VALID, instance.id).state == "SHUTTING_DOWN"
    assert tracker.observe("shutting_down") is None
    driver.clock.tick(20)
    assert driver.instance(VALID, instance.id) is None
    assert tracker.observe("end") is None
    assert tracker.completed


def test_stopping_a_stopped_instance_succeeds_and_changes_nothing(driver):
    instance = stopped(driver)
    assert driver.stop_instance(VALID, instance.id) == instance


@pytest.mark.parametrize(("state", "action"), [("pending", "reboot"), ("stopped", "reboot")])
def test_incorrect_instance_state_is_action_not_allowed_and_changes_nothing(driver, state, action):
    instance = new_instance(driver) if state == "pending" else stopped(driver)
    with pytest.raises(ActionNotAllowed) as excinfo:
        getattr(driver, f"{action}_instance")(VALID, instance.id)
    assert str(excinfo.value).startswith("IncorrectInstanceState: ")
    assert driver.instance(VALID, instance.id) == instance


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("instance_id", ["i-0123456789abcdef0", "i-bad", "", None, 7])
def test_actions_on_unknown_ids_raise_not_found(driver, action, instance_id):
    with pytest.raises(NotFound):
        getattr(driver, f"{action}_instance")(VALID, instance_id)


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_on_terminated_instances_raise_not_found(driver, action):
    instance = running(driver)
    driver.destroy_instance(VALID, instance.id)
    driver.clock.tick(20)  # terminated, but EC2 still describes it for an hour
    with pytest.raises(NotFound):
        getattr(driver, f"{action}_instance")(VALID, instance.id)


def test_destroy_returns_the_instance_as_last_seen_and_it_leaves_the_listing(driver):
    instance = running(driver)
    assert driver.destroy_instance(VALID, instance.id) == instance
    driver.clock.tick(20)
    assert driver.instances(VALID) == []


# -- SPEC 6: filters -------------------------------------------------------------------------------


def test_filters_on_every_spec_key(driver):
    arm = driver.hardware_profiles(VALID, {"architecture": "arm64"})
    assert {p.id.split(".")[0] for p in arm} == {"t4g", "m6g", "m7g", "c6g", "c7g", "r6g", "r7g"}
    assert driver.hardware_profiles(VALID, {"architecture": "ARM64"}) == []
    assert [r.id for r in driver.realms(VALID, {"id": ["us-east-1b", "nowhere"]})] == ["us-east-1b"]
    assert [i.id for i in driver.images(VALID, {"owner_id": ME_ID})] == [MOCKUSER_IMAGE]
    assert driver.images(VALID, {"id": "ami-0a1b2c3d"}) == []


def test_instance_filters_are_exact_even_where_ec2_filters_have_wildcards(driver):
    first, second = new_instance(driver), new_instance(driver)
    assert driver.instances(VALID, {"id": first.id}) == [first]
    assert driver.instances(VALID, {"id": [second.id, "i-00000000"]}) == [second]
    assert driver.instances(VALID, {"id": "i-*"}) == []
    assert driver.instances(VALID, {"id": first.id[:-1] + "?"}) == []
    assert driver.instances(VALID, {"id": first.id.upper()}) == []
    assert driver.instances(VALID, {"state": "PENDING"}) == [first, second]


# -- SPEC 7: virtual time --------------------------------------------------------------------------


def test_clock_is_the_embedded_simulators_and_time_passes_only_when_ticked(driver):
    instance = new_instance(driver)
    assert driver.clock is driver.simulator.clock
    assert driver.instance(VALID, instance.id).state == "PENDING"
    driver.clock.tick(39)
    assert driver.instance(VALID, instance.id).state == "PENDING"
    driver.clock.tick(1)
    assert driver.instance(VALID, instance.id).state == "RUNNING"


def test_drivers_can_share_one_simulator():
    cloud = simulator.Simulator()
    first, second = EC2Driver(simulator=cloud), EC2Driver(simulator=cloud)
    instance = new_instance(first)
    assert second.instance(VALID, instance.id) == instance


def test_each_default_driver_has_its_own_simulator():
    first, second = EC2Driver(), EC2Driver()
    new_instance(first)
    assert second.instances(VALID) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"clock": simulator.ManualClock()}, "an in-process EC2Driver runs on its simulator's"),
        (
            {"endpoint": "http://127.0.0.1:1/", "simulator": simulator.Simulator()},
            "simulator= is for the in-process mode: give no endpoint",
        ),
    ],
)
def test_contradictory_constructor_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        EC2Driver(**kwargs)
