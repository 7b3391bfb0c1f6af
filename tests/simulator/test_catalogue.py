"""Accounts and the catalogue: authentication, instance types, zones, regions, image visibility."""

from __future__ import annotations

import pytest

from simulator import Account, AuthFailure, UnknownImage, default_config
from tests.simulator._support import (
    ARM_IMAGE,
    LEGACY_IMAGE,
    ME,
    MOCKUSER_IMAGE,
    OTHER,
    OTHERUSER_IMAGE,
    X86_IMAGE,
)

PUBLIC = [X86_IMAGE, ARM_IMAGE, LEGACY_IMAGE]


def ids(images):
    return [image.id for image in images]


def test_authenticate_returns_the_account_for_the_right_secret(sim):
    assert sim.authenticate(ME, "mockpassword") == Account(ME, "mockpassword")


@pytest.mark.parametrize(
    ("name", "secret"),
    [(ME, "wrong"), (ME, ""), ("nobody", "mockpassword"), (ME, "otherpassword"), (None, None)],
)
def test_authenticate_refuses_unknown_names_and_wrong_secrets(sim, name, secret):
    with pytest.raises(AuthFailure) as excinfo:
        sim.authenticate(name, secret)
    assert (excinfo.value.code, excinfo.value.message) == (
        "AuthFailure",
        "AWS was not able to validate the provided access credentials",
    )


def test_account_secret_gives_the_secret_or_none(sim):
    assert (sim.account_secret(OTHER), sim.account_secret("nobody")) == ("otherpassword", None)


def test_account_repr_hides_the_secret():
    assert repr(Account(ME, "mockpassword", "123456789012")) == (
        "Account(name='mockuser', secret='***', id='123456789012')"
    )


def test_catalogue_listings_are_the_configured_ones_in_order(sim):
    config = default_config()
    assert sim.instance_types() == list(config.instance_types)
    assert sim.zones() == list(config.zones)
    assert sim.regions() == ["us-east-1"]
    assert sim.region == "us-east-1"


def test_each_account_sees_public_images_and_its_own_private_one(sim):
    assert ids(sim.images(ME)) == [*PUBLIC, MOCKUSER_IMAGE]
    assert ids(sim.images(OTHER)) == [*PUBLIC, OTHERUSER_IMAGE]


def test_images_by_id_come_in_the_order_given_without_duplicates(sim):
    assert ids(sim.images(ME, [MOCKUSER_IMAGE, X86_IMAGE, MOCKUSER_IMAGE])) == [
        MOCKUSER_IMAGE,
        X86_IMAGE,
    ]


def test_images_by_id_of_another_accounts_private_image_is_unknown(sim):
    with pytest.raises(UnknownImage) as excinfo:
        sim.images(ME, [X86_IMAGE, OTHERUSER_IMAGE, "ami-00000000"])
    assert excinfo.value.args == (
        f"The image id '[{OTHERUSER_IMAGE}, ami-00000000]' does not exist",
    )


def test_images_filtered_by_owner_with_self_meaning_the_caller(sim):
    assert ids(sim.images(ME, owners=["self"])) == [MOCKUSER_IMAGE]
    assert ids(sim.images(ME, owners=["dctck"])) == PUBLIC
    assert ids(sim.images(ME, owners=[OTHER])) == []
    assert ids(sim.images(ME, [X86_IMAGE, MOCKUSER_IMAGE], owners=[ME])) == [MOCKUSER_IMAGE]


def test_images_for_an_unknown_account_is_an_auth_failure(sim):
    with pytest.raises(AuthFailure, match=r"^Unknown account 'nobody'$"):
        sim.images("nobody")
