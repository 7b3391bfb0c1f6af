"""Models (SPEC 3): keyword construction, the required id, equality by value."""

from decimal import Decimal

import pytest

from dctck import HardwareProfile, Image, Instance, Realm, ValidationError

MODELS = [HardwareProfile, Realm, Image, Instance]


@pytest.mark.parametrize("model", MODELS)
def test_model_without_id_is_refused(model):
    with pytest.raises(ValidationError) as excinfo:
        model()
    assert excinfo.value.args == (
        f"{model.__name__} needs a non-empty string id [SPEC 3], got None",
    )


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("bad_id", ["", 7, b"x", None])
def test_model_with_empty_or_non_string_id_is_refused(model, bad_id):
    with pytest.raises(ValidationError, match=r"needs a non-empty string id \[SPEC 3\]"):
        model(id=bad_id)


@pytest.mark.parametrize("model", MODELS)
def test_unknown_keyword_is_an_error(model):
    with pytest.raises(TypeError, match="colour"):
        model(id="x", colour="red")


@pytest.mark.parametrize("model", MODELS)
def test_positional_arguments_are_refused(model):
    with pytest.raises(TypeError):
        model("x")


def test_models_compare_equal_when_all_attributes_are_equal():
    a = HardwareProfile(id="m1", architecture="x86_64", memory=Decimal("1.7"), storage=160, cpu=1)
    b = HardwareProfile(id="m1", architecture="x86_64", memory=Decimal("1.7"), storage=160, cpu=1)
    c = HardwareProfile(id="m1", architecture="x86_64", memory=Decimal("1.7"), storage=160, cpu=2)
    assert a == b
    assert a != c


def test_models_of_different_types_never_compare_equal():
    assert Realm(id="r") != Image(id="r")


def test_unset_attributes_are_none_and_instance_lists_are_empty():
    instance = Instance(id="i-1")
    assert (instance.name, instance.owner_id, instance.image, instance.realm) == (None,) * 4
    assert (instance.hardware_profile, instance.state) == (None, None)
    assert instance.actions == []
    assert instance.public_addresses == []
    assert instance.private_addresses == []


def test_instance_lists_are_not_shared_between_instances():
    first, second = Instance(id="a"), Instance(id="b")
    first.actions.append("stop")
    assert second.actions == []


def test_models_are_immutable():
    realm = Realm(id="r", name="Here", state="AVAILABLE", limit=None)
    with pytest.raises(AttributeError):
        realm.name = "There"  # type: ignore[misc]


def test_model_keeps_every_attribute_given():
    image = Image(
        id="img1", name="Fedora", architecture="x86_64", owner_id="fedora", description="F40"
    )
    assert (image.id, image.name, image.architecture, image.owner_id, image.description) == (
        "img1",
        "Fedora",
        "x86_64",
        "fedora",
        "F40",
    )
