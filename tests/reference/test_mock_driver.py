"""MockDriver against the SPEC: credentials, privacy, models, create, actions, machine, filters."""

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
from reference_drivers import MockDriver
from tests.reference._support import OTHER, VALID

BAD_CREDENTIALS = {
    "none": {},
    "wrong password": {"name": "mockuser", "password": "nope"},
    "unknown name": {"name": "nobody", "password": "mockpassword"},
    "password only": {"password": "mockpassword"},
}


@pytest.fixture
def driver():
    return MockDriver()


def boot(driver, instance_id, credentials=VALID):
    driver.clock.tick(120)
    return driver.instance(credentials, instance_id)


def new_instance(driver, credentials=VALID, opts=None):
    image = driver.images(credentials, {"architecture": "x86_64"})[0]
    return driver.create_instance(credentials, image.id, opts)


# -- SPEC 2: credentials -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", BAD_CREDENTIALS)
@pytest.mark.parametrize("method", ["realms", "images", "instances"])
def test_private_listing_with_bad_credentials_raises_auth_exception(driver, method, kind):
    with pytest.raises(AuthException):
        getattr(driver, method)(BAD_CREDENTIALS[kind])


@pytest.mark.parametrize("kind", BAD_CREDENTIALS)
@pytest.mark.parametrize("method", ["hardware_profiles"])
def test_public_catalogue_is_the_same_for_every_caller(driver, method, kind):
    assert getattr(driver, method)(BAD_CREDENTIALS[kind]) == getattr(driver, method)(VALID)
    assert getattr(driver, method)(VALID) != []


@pytest.mark.parametrize("kind", BAD_CREDENTIALS)
@pytest.mark.parametrize("action", ["reboot", "stop", "start", "destroy"])
def test_actions_with_bad_credentials_raise_auth_exception_and_change_nothing(driver, action, kind):
    instance = boot(driver, new_instance(driver).id)
    with pytest.raises(AuthException):
        getattr(driver, f"{action}_instance")(BAD_CREDENTIALS[kind], instance.id)
    assert driver.instance(VALID, instance.id) == instance


@pytest.mark.parametrize("kind", BAD_CREDENTIALS)
def test_create_with_bad_credentials_raises_auth_exception_and_creates_nothing(driver, kind):
    image_id = driver.images(VALID)[0].id
    with pytest.raises(AuthException):
        driver.create_instance(BAD_CREDENTIALS[kind], image_id, None)
    assert driver.instances(VALID) == []


def test_instance_states_needs_no_credentials(driver):
    assert StateMachine(driver.instance_states()).problems == []


# -- SPEC 2: lists are private to the caller -----------------------------------------------------


def test_private_image_is_visible_only_to_its_owner(driver):
    owned = [i.id for i in driver.images(VALID, {"owner_id": "mockuser"})]
    assert len(owned) == 1
    assert driver.images(OTHER, {"id": owned[0]}) == []
    assert driver.image(OTHER, owned[0]) is None


def test_instances_of_one_account_are_invisible_to_another(driver):
    mine = new_instance(driver)
    theirs = new_instance(driver, OTHER)
    assert [i.id for i in driver.instances(VALID)] == [mine.id]
    assert [i.id for i in driver.instances(OTHER)] == [theirs.id]
    assert driver.instance(OTHER, mine.id) is None


@pytest.mark.parametrize("action", ["reboot", "stop", "start", "destroy"])
def test_actions_on_another_accounts_instance_raise_not_found(driver, action):
    instance = boot(driver, new_instance(driver).id)
    with pytest.raises(NotFound):
        getattr(driver, f"{action}_instance")(OTHER, instance.id)
    assert driver.instance(VALID, instance.id) == instance


def test_opts_are_never_mutated(driver):
    opts = {"architecture": ["x86_64"], "id": None}
    driver.images(VALID, opts)
    driver.hardware_profiles(VALID, opts)
    create_opts = {"hwp_id": "m5.large", "realm_id": "us-east-1b"}
    driver.create_instance(VALID, driver.images(VALID)[0].id, create_opts)
    assert opts == {"architecture": ["x86_64"], "id": None}
    assert create_opts == {"hwp_id": "m5.large", "realm_id": "us-east-1b"}


# -- SPEC 3: models ------------------------------------------------------------------------------


def test_catalogue_models_have_spec_types(driver):
    for profile in driver.hardware_profiles(VALID):
        assert isinstance(profile, HardwareProfile)
        assert isinstance(profile.memory, int | float)
        assert profile.storage is None or isinstance(profile.storage, int | float)
        assert type(profile.cpu) is int
    for realm in driver.realms(VALID):
        assert isinstance(realm, Realm)
        assert realm.state == "AVAILABLE"
        assert realm.limit is None or type(realm.limit) is int
    assert all(isinstance(image, Image) for image in driver.images(VALID))


def test_instance_model_has_spec_types_and_actions_of_its_state(driver):
    instance = boot(driver, new_instance(driver).id)
    assert isinstance(instance, Instance)
    assert instance.state in INSTANCE_STATES
    assert instance.actions == driver.instance_actions_for(instance.state)
    assert instance.owner_id == "mockuser"
    assert all(isinstance(a, str) for a in instance.public_addresses + instance.private_addresses)
    assert instance.public_addresses != []


# -- SPEC 4: create ------------------------------------------------------------------------------


@pytest.mark.parametrize("architecture", ["x86_64", "arm64"])
def test_default_hardware_profile_fits_the_image_architecture(driver, architecture):
    image = driver.images(VALID, {"architecture": architecture})[0]
    instance = driver.create_instance(VALID, image.id, None)
    assert driver.hardware_profile(VALID, instance.hardware_profile).architecture == architecture
    assert instance.image == image.id
    assert instance.state == "PENDING"


def test_create_honours_hwp_id_realm_id_and_name(driver):
    image = driver.images(VALID, {"architecture": "x86_64"})[0]
    opts = {"hwp_id": "m5.large", "realm_id": "us-east-1b", "name": "web"}
    instance = driver.create_instance(VALID, image.id, opts)
    assert (instance.hardware_profile, instance.realm, instance.name) == (
        "m5.large",
        "us-east-1b",
        "web",
    )


@pytest.mark.parametrize(
    ("image_id", "opts", "error"),
    [
        (None, None, ValidationError),
        ("", None, ValidationError),
        ("ami-00000000", None, NotFound),
        ("X86", {"hwp_id": "nope"}, ValidationError),
        ("X86", {"realm_id": "nope"}, ValidationError),
        ("X86", {"hwp_id": "c6g.medium"}, ValidationError),
        ("X86", {"hwp_id": 7}, ValidationError),
    ],
)
def test_bad_create_requests_are_refused_and_create_nothing(driver, image_id, opts, error):
    if image_id == "X86":
        image_id = driver.images(VALID, {"architecture": "x86_64"})[0].id
    with pytest.raises(error):
        driver.create_instance(VALID, image_id, opts)
    assert driver.instances(VALID) == []


def test_another_accounts_private_image_cannot_be_used(driver):
    private = driver.images(VALID, {"owner_id": "mockuser"})[0]
    with pytest.raises(NotFound):
        driver.create_instance(OTHER, private.id, None)


# -- SPEC 4 and 5: actions and the machine -------------------------------------------------------


def test_declared_machine_is_well_formed(driver):
    machine = StateMachine(driver.instance_states())
    assert machine.problems == []
    assert machine.stable_states() == ["running", "stopped"]


def follow(driver, instance_id, before, action):
    """Tick until settled, asserting every observed change is legal for ``action``."""
    machine = StateMachine(driver.instance_states())
    tracker = TransitionTracker(machine, before, action)
    for _ in range(20):
        found = driver.instance(VALID, instance_id)
        state = found.state if found else "end"
        assert tracker.observe(state) is None
        if tracker.completed and state.lower() in ("running", "stopped", "end"):
            return state
        driver.clock.tick(5)
    raise AssertionError(f"never settled: {tracker.observed}")


def test_lifecycle_follows_the_declared_machine(driver):
    created = new_instance(driver)
    assert follow(driver, created.id, "begin", "create") == "RUNNING"
    assert driver.reboot_instance(VALID, created.id).state == "RUNNING"
    assert follow(driver, created.id, "running", "reboot") == "RUNNING"
    assert driver.stop_instance(VALID, created.id).state == "SHUTTING_DOWN"
    assert follow(driver, created.id, "running", "stop") == "STOPPED"
    assert driver.start_instance(VALID, created.id).state == "PENDING"
    assert follow(driver, created.id, "stopped", "start") == "RUNNING"
    last_seen = driver.destroy_instance(VALID, created.id)
    assert last_seen.state == "RUNNING"
    assert follow(driver, created.id, "running", "destroy") == "end"


def test_stopping_a_stopped_instance_succeeds_and_changes_nothing(driver):
    instance = boot(driver, new_instance(driver).id)
    driver.stop_instance(VALID, instance.id)
    driver.clock.tick(120)
    assert driver.stop_instance(VALID, instance.id).state == "STOPPED"


@pytest.mark.parametrize(
    ("prepare", "action"),
    [("stopped", "reboot"), ("pending", "reboot"), ("pending", "stop"), ("shutting_down", "start")],
)
def test_action_the_machine_forbids_raises_action_not_allowed_and_changes_nothing(
    driver, prepare, action
):
    instance = new_instance(driver)
    if prepare != "pending":
        boot(driver, instance.id)
        driver.stop_instance(VALID, instance.id)
    if prepare == "stopped":
        driver.clock.tick(120)
    before = driver.instance(VALID, instance.id)
    with pytest.raises(ActionNotAllowed):
        getattr(driver, f"{action}_instance")(VALID, instance.id)
    assert driver.instance(VALID, instance.id) == before


@pytest.mark.parametrize("action", ["reboot", "stop", "start", "destroy"])
def test_actions_on_unknown_or_destroyed_ids_raise_not_found(driver, action):
    instance = new_instance(driver)
    driver.destroy_instance(VALID, instance.id)
    for unknown in ("i-0000000000000000f", instance.id, "not-an-id", None):
        with pytest.raises(NotFound):
            getattr(driver, f"{action}_instance")(VALID, unknown)


def test_destroyed_instance_is_no_longer_listed(driver):
    instance = new_instance(driver)
    driver.destroy_instance(VALID, instance.id)
    assert driver.instances(VALID) == []
    assert driver.instance(VALID, instance.id) is None


# -- SPEC 6: filters -----------------------------------------------------------------------------


def test_filters_on_every_spec_key(driver):
    arm = driver.hardware_profiles(VALID, {"architecture": "arm64"})
    assert {p.id.split(".")[0] for p in arm} == {"t4g", "m6g", "m7g", "c6g", "c7g", "r6g", "r7g"}
    assert driver.hardware_profiles(VALID, {"architecture": "ARM64"}) == []
    assert [r.id for r in driver.realms(VALID, {"id": ["us-east-1b"]})] == ["us-east-1b"]
    assert [i.owner_id for i in driver.images(VALID, {"owner_id": "mockuser"})] == ["mockuser"]
    first, second = new_instance(driver), new_instance(driver)
    assert [i.id for i in driver.instances(VALID, {"id": second.id})] == [second.id]
    assert [i.id for i in driver.instances(VALID, {"id": [first.id, second.id]})] == [
        first.id,
        second.id,
    ]
    assert driver.instances(VALID, {"state": "RUNNING"}) == []
    assert len(driver.instances(VALID, {"state": "PENDING"})) == 2


# -- SPEC 7: virtual time ------------------------------------------------------------------------


def test_time_passes_only_when_the_clock_is_advanced(driver):
    instance = new_instance(driver)
    assert driver.instance(VALID, instance.id).state == "PENDING"
    driver.clock.tick(1)
    assert driver.instance(VALID, instance.id).state == "PENDING"
    driver.clock.tick(120)
    assert driver.instance(VALID, instance.id).state == "RUNNING"


def test_drivers_can_share_one_simulator():
    shared = simulator.Simulator()
    first, second = MockDriver(simulator=shared), MockDriver(simulator=shared)
    created = new_instance(first)
    assert second.instance(VALID, created.id) == created
    assert first.clock is second.clock is shared.clock


def test_each_default_driver_has_its_own_simulator():
    first, second = MockDriver(), MockDriver()
    new_instance(first)
    assert second.instances(VALID) == []
    assert first.clock is not second.clock


def test_provider_failure_is_a_provider_error(driver):
    from dctck import ProviderError

    driver.simulator.faults.fail_next("describe_instances", count=1, code="Unavailable")
    with pytest.raises(ProviderError, match="Unavailable"):
        driver.instances(VALID)
    assert driver.instances(VALID) == []
