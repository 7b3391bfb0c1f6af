"""Area ``create``: a new instance is what was asked for; a malformed request creates nothing.

SPEC 4: ``image``, ``realm`` and ``hardware_profile`` (``None`` where the provider cannot tell)
are what was asked for, or sensible defaults, the default hardware profile fitting the image's
architecture. ``image_id=None`` is a ValidationError; an unknown image, ``hwp_id`` or ``realm_id``
a ValidationError or NotFound, and so is a value of the wrong type (SPEC 1, 4: it names nothing);
a refused create leaves no instance behind. SPEC 8: a driver
declaring the ``user_name`` feature names the new instance as asked; one declaring nothing is
not asked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pytest

from dctck import Instance, NotFound, ValidationError
from dctck.kit import (
    Harness,
    InstanceWatch,
    NotApplicable,
    Outcome,
    Violation,
    area,
    describe_value,
    require,
    rule,
)

pytestmark = area("create")

#: What a check asks for besides the image: the opts keys it sets.
ASKS: dict[str, tuple[str, ...]] = {
    "image_only": (),
    "hwp_id": ("hwp_id",),
    "realm_id": ("realm_id",),
    "hwp_id_and_realm_id": ("hwp_id", "realm_id"),
}
UNKNOWN_IMAGE = "dctck-unknown-image"
UNKNOWN_HWP = "dctck-unknown-hwp"
UNKNOWN_REALM = "dctck-unknown-realm"
#: Stands for an image the valid account lists (the harness' default image).
LISTED_IMAGE = "<a listed image>"
#: refusal -> (image_id, opts) of a create_instance that must be refused.
REFUSALS: dict[str, tuple[Any, dict[str, Any] | None]] = {
    "image_id_none": (None, None),
    "unknown_image": (UNKNOWN_IMAGE, None),
    "unknown_hwp_id": (LISTED_IMAGE, {"hwp_id": UNKNOWN_HWP}),
    "unknown_realm_id": (LISTED_IMAGE, {"realm_id": UNKNOWN_REALM}),
    "image_id_not_a_string": (5, None),
    "hwp_id_not_a_string": (LISTED_IMAGE, {"hwp_id": 5}),
    "realm_id_not_a_string": (LISTED_IMAGE, {"realm_id": 5}),
}
#: Refusals SPEC 4 makes a ValidationError: no image. A value of the wrong type names nothing, so
#: SPEC 1 and 4 allow NotFound for it as well as ValidationError.
VALIDATION_ONLY = ("image_id_none",)

RULE_REFLECTS = "SPEC 4: the new instance has the image, realm and hardware profile asked for"
RULE_DEFAULT_HWP = "SPEC 4: the default hardware profile matches the image's architecture"
RULE_REFUSED = "SPEC 4: create_instance refuses a malformed request"
RULE_NOTHING = "SPEC 4: a refused create_instance creates nothing"
RULE_FEATURES = "SPEC 8: features() returns {collection: {feature, ...}} without credentials"
RULE_USER_NAME = "SPEC 8: with user_name declared, the new instance has the name asked for"
#: The name a user_name check asks for: unusual enough that a default cannot match it.
ASKED_NAME = "dctck named me Ünïcode/1"
RULE_MISMATCH = (
    "SPEC 4: a hardware profile of another architecture than the image is refused with"
    " ValidationError or NotFound, or honoured"
)


@dataclass(frozen=True)
class Catalogue:
    """What valid credentials list: the images, hardware profiles and realms, by id."""

    images: list[Any]
    profiles: dict[str, Any]
    realms: dict[str, Any]

    def profiles_for(self, architecture: object) -> list[str]:
        """Ids of the hardware profiles of ``architecture`` (of every profile, if it is None)."""
        return [
            id
            for id, profile in self.profiles.items()
            if architecture is None or getattr(profile, "architecture", None) == architecture
        ]

    def usable_realms(self) -> list[str]:
        """Ids of the realms that are available and not limited to no instance."""
        return [
            id
            for id, realm in self.realms.items()
            if str(getattr(realm, "state", None) or "AVAILABLE").upper() == "AVAILABLE"
            and getattr(realm, "limit", None) != 0
        ]


def _by_id(harness: Harness, method: str) -> list[Any]:
    """What valid credentials list (as a list even if the driver gives a tuple or generator)."""
    outcome = harness.call(method, harness.subject.valid, None)
    value = outcome.value
    if not outcome.returned or not isinstance(value, list | tuple | Iterator):
        return []
    return [item for item in islice(value, 100_000) if isinstance(getattr(item, "id", None), str)]


def read_catalogue(harness: Harness) -> Catalogue:
    images = _by_id(harness, "images")
    return Catalogue(
        images,
        {p.id: p for p in _by_id(harness, "hardware_profiles")},
        {r.id: r for r in _by_id(harness, "realms")},
    )


def reflection_problems(
    call: str, instance: Any, image_id: str, asked: dict[str, str], catalogue: Catalogue
) -> list[Violation]:
    """How ``instance`` (shown by ``call``) differs from a create of ``image_id`` with ``asked``.

    What was not asked for must name an entry of the catalogue (when it lists any);
    ``hardware_profile`` may be None.
    """
    found: list[tuple[str, str]] = []
    if not isinstance(instance, Instance):
        return [Violation(call, RULE_REFLECTS, f"gave {describe_value(instance)}", "an Instance")]
    if instance.image != image_id:
        found.append((f"gave image {instance.image!r}", repr(image_id)))
    realm = instance.realm
    if "realm_id" in asked and realm != asked["realm_id"]:
        found.append((f"gave realm {realm!r}", repr(asked["realm_id"])))
    elif "realm_id" not in asked and catalogue.realms and realm not in catalogue.realms:
        found.append((f"gave realm {realm!r}", f"a realm of realms(): {list(catalogue.realms)}"))
    profile = instance.hardware_profile
    if profile is None:
        pass  # the provider cannot tell (SPEC 3)
    elif "hwp_id" in asked and profile != asked["hwp_id"]:
        found.append(
            (f"gave hardware_profile {profile!r}", f"{asked['hwp_id']!r} (or None if unknown)")
        )
    elif "hwp_id" not in asked and catalogue.profiles and profile not in catalogue.profiles:
        found.append(
            (
                f"gave hardware_profile {profile!r}",
                f"None or a profile of hardware_profiles(): {list(catalogue.profiles)}",
            )
        )
    return [Violation(call, RULE_REFLECTS, happened, expected) for happened, expected in found]


def default_profile_problems(
    call: str, instance: Any, architecture: str, catalogue: Catalogue
) -> list[Violation]:
    """``instance`` was created without ``hwp_id`` from an image of ``architecture``."""
    profile = getattr(instance, "hardware_profile", None)
    if profile is None:
        return []  # the provider cannot tell (SPEC 3)
    fitting = catalogue.profiles_for(architecture)
    if profile in fitting:
        return []
    if profile in catalogue.profiles:
        actual = getattr(catalogue.profiles[profile], "architecture", None)
        happened = f"gave hardware_profile {profile!r}, whose architecture is {actual!r}"
    else:
        happened = f"gave hardware_profile {profile!r}, which hardware_profiles() does not list"
    return [Violation(call, RULE_DEFAULT_HWP, happened, f"one of {fitting} ({architecture})")]


def _views(harness: Harness, outcome: Outcome, watch: InstanceWatch) -> list[tuple[str, Any]]:
    """The new instance as create_instance returned it, and as its owner then lists it."""
    watch.listed_state()
    return [(str(outcome.call), outcome.value), (watch.listing, watch.last)]


def _image_with_profiles(catalogue: Catalogue) -> Any:
    """The first image some hardware profile fits (else the first image)."""
    for image in catalogue.images:
        if catalogue.profiles_for(getattr(image, "architecture", None)):
            return image
    return catalogue.images[0] if catalogue.images else None


# -- what was asked --------------------------------------------------------------------------------


@rule(RULE_REFLECTS)
@pytest.mark.parametrize("ask", ASKS)
def test_new_instance_is_what_was_asked(dctck_harness: Harness, ask: str) -> None:
    catalogue = read_catalogue(dctck_harness)
    image = _image_with_profiles(catalogue)
    image_id = image.id if image is not None else dctck_harness.default_image_id()
    asked: dict[str, str] = {}
    if "hwp_id" in ASKS[ask]:
        fitting = catalogue.profiles_for(getattr(image, "architecture", None))
        if not fitting:
            raise NotApplicable(f"no hardware profile fits image {image_id!r}")
        asked["hwp_id"] = fitting[-1]  # the last: less likely the default, so ignoring it shows
    if "realm_id" in ASKS[ask]:
        realms = catalogue.usable_realms()
        if not realms:
            raise NotApplicable("realms() lists no available realm")
        asked["realm_id"] = realms[-1]
    outcome, watch = dctck_harness.create(image_id, dict(asked) or None)
    if watch is None:
        expected = f"a new instance of image {image_id!r}" + (f" with {asked}" if asked else "")
        require([Violation.of(outcome, RULE_REFLECTS, expected)])
        return
    require(
        problem
        for call, instance in _views(dctck_harness, outcome, watch)
        for problem in reflection_problems(call, instance, image_id, asked, catalogue)
    )


@rule(RULE_DEFAULT_HWP)
def test_default_hardware_profile_fits_the_image(dctck_harness: Harness) -> None:
    catalogue = read_catalogue(dctck_harness)
    first_by_architecture: dict[str, Any] = {}
    for image in catalogue.images:
        architecture = getattr(image, "architecture", None)
        if isinstance(architecture, str):
            first_by_architecture.setdefault(architecture, image)
    if not any(map(catalogue.profiles_for, first_by_architecture)):
        raise NotApplicable("no image has the architecture of a hardware profile")
    problems: list[Violation] = []
    for architecture, image in first_by_architecture.items():
        outcome, watch = dctck_harness.create(image.id)
        if watch is None and not catalogue.profiles_for(architecture):
            continue  # no listed profile fits: refusing the image is legal
        if watch is None:
            expected = f"a new instance with a default hardware profile of {architecture}"
            problems.append(Violation.of(outcome, RULE_DEFAULT_HWP, expected))
            continue
        for call, instance in _views(dctck_harness, outcome, watch):
            problems.extend(default_profile_problems(call, instance, architecture, catalogue))
    require(problems)


# -- refusals --------------------------------------------------------------------------------------


def refusal_expected(refusal: str) -> tuple[type[Exception], ...]:
    """The errors that may refuse ``refusal``: ``image_id=None`` is a ValidationError (SPEC 4);
    anything else, values of the wrong type included (SPEC 1, 4), a ValidationError or NotFound."""
    return (ValidationError,) if refusal in VALIDATION_ONLY else (ValidationError, NotFound)


def refused_problems(outcome: Outcome, refusal: str, added: Sequence[str]) -> list[Violation]:
    """Judge a create that must be refused, given the instance ids it added to the listing."""
    allowed = refusal_expected(refusal)
    names = " or ".join(error.__name__ for error in allowed)
    call = str(outcome.call)
    if not outcome.raised(allowed):
        return [Violation(call, RULE_REFUSED, outcome.describe(), names)]
    if added:
        happened = f"{outcome.describe()}, and then instances() listed new {list(added)!r}"
        return [Violation(call, RULE_NOTHING, happened, "no new instance")]
    return []


@rule(RULE_REFUSED)
@pytest.mark.parametrize("refusal", REFUSALS)
def test_create_refuses_a_malformed_request(dctck_harness: Harness, refusal: str) -> None:
    image_id, opts = REFUSALS[refusal]
    if image_id == LISTED_IMAGE:
        image_id = dctck_harness.default_image_id()
    outcome, added = dctck_harness.try_create(image_id, opts)
    require(refused_problems(outcome, refusal, added))


# -- features --------------------------------------------------------------------------------------


def declared_features(outcome: Outcome) -> Mapping[str, Any] | None:
    """What ``features()`` declared: ``{}`` for a driver without the method; ``None`` when the
    answer is not a mapping (a violation of SPEC 8)."""
    if isinstance(outcome.error, AttributeError) and "features" in str(outcome.error):
        return {}
    value = outcome.value if outcome.returned else None
    return value if isinstance(value, Mapping) else None


def name_problems(views: Sequence[tuple[str, Any]], asked: str) -> list[Violation]:
    """Each view (call, instance) of the new instance shows ``name`` exactly as ``asked``."""
    return [
        Violation(
            call, RULE_USER_NAME, f"gave name {getattr(instance, 'name', None)!r}", repr(asked)
        )
        for call, instance in views
        if getattr(instance, "name", None) != asked
    ]


@rule(RULE_USER_NAME)
def test_declared_user_name_names_the_instance(dctck_harness: Harness) -> None:
    outcome = dctck_harness.call("features")
    declared = declared_features(outcome)
    if declared is None:
        require([Violation.of(outcome, RULE_FEATURES, "a mapping {collection: {feature, ...}}")])
        return
    if "user_name" not in (declared.get("instances") or ()):
        raise NotApplicable("the driver declares no user_name feature on instances")
    outcome, watch = dctck_harness.create(opts={"name": ASKED_NAME})
    if watch is None:
        require([Violation.of(outcome, RULE_USER_NAME, f"a new instance named {ASKED_NAME!r}")])
        return
    views = _views(dctck_harness, outcome, watch)
    lookup = dctck_harness.call("instance", dctck_harness.subject.valid, watch.id)
    if not isinstance(lookup.error, AttributeError):  # a driver need not have the lookups
        views.append((str(lookup.call), lookup.value if lookup.returned else None))
    require(name_problems(views, ASKED_NAME))


@rule(RULE_MISMATCH)
def test_create_with_a_profile_of_another_architecture(dctck_harness: Harness) -> None:
    catalogue = read_catalogue(dctck_harness)
    pairs = [
        (image.id, profile)
        for image in catalogue.images
        for profile in catalogue.profiles_for(None)
        if getattr(image, "architecture", None) is not None
        and getattr(catalogue.profiles[profile], "architecture", None)
        not in (None, image.architecture)
    ]
    if not pairs:
        raise NotApplicable("no hardware profile has another architecture than an image")
    image_id, profile = pairs[0]
    outcome, added = dctck_harness.try_create(image_id, {"hwp_id": profile})
    if outcome.raised((ValidationError, NotFound)):
        require(refused_problems(outcome, "unknown_hwp_id", added))
        return
    value = outcome.value
    honoured = isinstance(value, Instance) and value.hardware_profile in (profile, None)
    if not (outcome.returned and honoured):
        expected = f"ValidationError or NotFound, or an instance of {profile!r}"
        require([Violation.of(outcome, RULE_MISMATCH, expected)])
