"""BaseDriver (SPEC 4): singular lookups, instance_actions_for, defaults."""

import pytest

from dctck import ActionNotAllowed, BaseDriver, HardwareProfile, Image, Instance, Realm

SPEC_EXAMPLE_STATES = [
    ("begin", {"pending": "create"}),
    ("pending", {"running": "_auto_"}),
    ("running", {"running": "reboot", "stopped": "stop"}),
    ("stopped", {"running": "start", "end": "destroy"}),
]


class CatalogueDriver(BaseDriver):
    """Lists fixed models and records the opts each listing received."""

    def __init__(self):
        self.calls = []

    def _list(self, method, models, opts):
        self.calls.append((method, opts))
        return self.filter_on(models, "id", opts)

    def hardware_profiles(self, credentials, opts=None):
        return self._list("hardware_profiles", [HardwareProfile(id="m1")], opts)

    def realms(self, credentials, opts=None):
        return self._list("realms", [Realm(id="us"), Realm(id="eu")], opts)

    def images(self, credentials, opts=None):
        return self._list("images", [Image(id="img1"), Image(id="img2")], opts)

    def instances(self, credentials, opts=None):
        return self._list("instances", [Instance(id="i-1")], opts)

    def instance_states(self):
        return SPEC_EXAMPLE_STATES


@pytest.mark.parametrize(
    ("singular", "plural", "known"),
    [
        ("hardware_profile", "hardware_profiles", "m1"),
        ("realm", "realms", "eu"),
        ("image", "images", "img2"),
        ("instance", "instances", "i-1"),
    ],
)
def test_singular_lookup_filters_the_plural_method_by_id(singular, plural, known):
    driver = CatalogueDriver()
    found = getattr(driver, singular)({"name": "u"}, known)
    assert found.id == known
    assert driver.calls == [(plural, {"id": known})]


@pytest.mark.parametrize("singular", ["hardware_profile", "realm", "image", "instance"])
def test_singular_lookup_of_unknown_id_is_none(singular):
    assert getattr(CatalogueDriver(), singular)({}, "nope") is None


class IgnoresIdFilter(CatalogueDriver):
    def realms(self, credentials, opts=None):
        return [Realm(id="us"), Realm(id="eu")]


def test_singular_lookup_returns_only_an_object_with_that_id():
    driver = IgnoresIdFilter()
    assert driver.realm({}, "eu") == Realm(id="eu")
    assert driver.realm({}, "asia") is None


def test_singular_lookup_of_none_id_is_none():
    assert CatalogueDriver().realm({}, None) is None


@pytest.mark.parametrize(
    ("state", "actions"),
    [
        ("running", ["reboot", "stop"]),
        ("RUNNING", ["reboot", "stop"]),
        ("stopped", ["start", "destroy"]),
        ("STOPPED", ["start", "destroy"]),
        ("pending", []),
        ("SHUTTING_DOWN", []),
        ("nonsense", []),
    ],
)
def test_instance_actions_for_lists_non_automatic_actions_leaving_the_state(state, actions):
    assert CatalogueDriver().instance_actions_for(state) == actions


def test_base_start_instance_refuses_the_action():
    with pytest.raises(ActionNotAllowed, match="cannot start instances"):
        BaseDriver().start_instance({"name": "u", "password": "p"}, "i-1")


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("hardware_profiles", ({},)),
        ("realms", ({},)),
        ("images", ({},)),
        ("instances", ({},)),
        ("create_instance", ({}, "img1", None)),
        ("reboot_instance", ({}, "i-1")),
        ("stop_instance", ({}, "i-1")),
        ("destroy_instance", ({}, "i-1")),
        ("instance_states", ()),
    ],
)
def test_unimplemented_spi_methods_name_themselves(method, args):
    with pytest.raises(NotImplementedError) as excinfo:
        getattr(BaseDriver(), method)(*args)
    assert excinfo.value.args == (f"BaseDriver.{method}",)


def test_base_driver_takes_no_constructor_arguments():
    assert isinstance(BaseDriver(), BaseDriver)


def test_instance_actions_for_follows_a_changed_declaration():
    driver = CatalogueDriver()
    assert driver.instance_actions_for("stopped") == ["start", "destroy"]
    driver.instance_states = lambda: [*SPEC_EXAMPLE_STATES[:3], ("stopped", {"end": "destroy"})]
    assert driver.instance_actions_for("stopped") == ["destroy"]
