"""Broken drivers, area ``filters``: one defect each in how listings honour ``opts`` (SPEC 6)."""

from dctck import NotFound, filter_on
from reference_drivers import MockDriver
from suites.suite_filters import (
    RULE_AND,
    RULE_CASE,
    RULE_EMPTY_STRING,
    RULE_EXACT,
    RULE_MEMBERSHIP,
    RULE_NO_FILTER,
    RULE_NO_MATCH,
    RULE_OPTS_UNCHANGED,
    RULE_ORDER,
    RULE_SUBSTRING,
)
from tests.kit.bank import broken

IMAGE_KEYS = ("id", "owner_id", "architecture")


def _with_string_match(items, keys, opts, same):
    """``filter_on`` for each of ``keys``, except that a string value keeps the items whose
    attribute (as text) is ``same(attribute, value)``: the defect of the drivers using it."""
    for key in keys:
        wanted = (opts or {}).get(key)
        if isinstance(wanted, str):
            items = [item for item in items if same(str(getattr(item, key)), wanted)]
        else:
            items = filter_on(items, key, {key: wanted})
    return items


def _same_ignoring_case(attribute, wanted):
    return attribute.lower() == wanted.lower()


@broken("filters", RULE_CASE)
class CaseInsensitiveImageFilter(MockDriver):
    """images() compares filter values case-insensitively ('X86_64' finds x86_64 images)."""

    def images(self, credentials, opts=None):
        images = super().images(credentials, None)
        return _with_string_match(images, IMAGE_KEYS, opts, _same_ignoring_case)


@broken("filters", RULE_SUBSTRING)
class PrefixMatchingProfileFilter(MockDriver):
    """hardware_profiles() keeps profiles whose attribute starts with a scalar filter value."""

    def hardware_profiles(self, credentials, opts=None):
        profiles = super().hardware_profiles(credentials, None)
        return _with_string_match(profiles, ("id", "architecture"), opts, str.startswith)


@broken("filters", RULE_EXACT)
class ProfilesIgnoreArchitecture(MockDriver):
    """hardware_profiles() ignores the architecture filter."""

    def hardware_profiles(self, credentials, opts=None):
        return self.filter_on(super().hardware_profiles(credentials, None), "id", opts)


@broken("filters", RULE_MEMBERSHIP)
class ListValueComparedAsScalar(MockDriver):
    """images() compares a list filter value with == instead of testing membership."""

    def images(self, credentials, opts=None):
        images = super().images(credentials, None)
        for key in IMAGE_KEYS:
            wanted = (opts or {}).get(key)
            if wanted is not None:
                images = [i for i in images if getattr(i, key) == wanted]
        return images


@broken("filters", RULE_AND)
class ImageKeysCombinedWithOr(MockDriver):
    """images() keeps an image when any given key matches (OR) rather than all of them (AND)."""

    def images(self, credentials, opts=None):
        images = super().images(credentials, None)
        active = [key for key in IMAGE_KEYS if (opts or {}).get(key) is not None]
        if not active:
            return images
        hits = {id(i) for key in active for i in self.filter_on(images, key, opts)}
        return [i for i in images if id(i) in hits]


@broken("filters", RULE_ORDER)
class FilteredProfilesSortedById(MockDriver):
    """hardware_profiles() sorts a filtered result by id instead of keeping the catalogue order."""

    def hardware_profiles(self, credentials, opts=None):
        profiles = super().hardware_profiles(credentials, opts)
        return sorted(profiles, key=lambda p: p.id) if opts else profiles


@broken("filters", RULE_OPTS_UNCHANGED)
class RealmsPopTheirFilter(MockDriver):
    """realms() pops the id filter out of the opts dict it is given."""

    def realms(self, credentials, opts=None):
        wanted = opts.pop("id", None) if opts is not None else None
        return self.filter_on(super().realms(credentials, None), "id", {"id": wanted})


@broken("filters", RULE_NO_FILTER)
class RealmIdNoneIsAFilter(MockDriver):
    """realms() treats {'id': None} as a filter for realms whose id is None (so: none)."""

    def realms(self, credentials, opts=None):
        realms = super().realms(credentials, None)
        if opts is not None and "id" in opts:
            return [r for r in realms if r.id == opts["id"]]
        return realms


@broken("filters", RULE_NO_MATCH)
class UnknownImageIdRaisesNotFound(MockDriver):
    """images() raises NotFound for an id filter that matches nothing, as EC2's API does."""

    def images(self, credentials, opts=None):
        images = super().images(credentials, opts)
        if not images and (opts or {}).get("id") is not None:
            raise NotFound(f"no image {opts['id']!r}")
        return images


@broken("filters", RULE_EMPTY_STRING)
class EmptyArchitectureMeansNoFilter(MockDriver):
    """hardware_profiles() treats architecture '' as no filter (a truthiness test)."""

    def hardware_profiles(self, credentials, opts=None):
        profiles = self.filter_on(super().hardware_profiles(credentials, None), "id", opts)
        if opts and opts.get("architecture"):
            profiles = self.filter_on(profiles, "architecture", opts)
        return profiles


@broken("filters", RULE_CASE)
class StateFilterIgnoresCase(MockDriver):
    """instances() honours the optional state filter, but case-insensitively ('running')."""

    def instances(self, credentials, opts=None):
        instances = super().instances(credentials, {**(opts or {}), "state": None})
        return _with_string_match(instances, ("state",), opts, _same_ignoring_case)
