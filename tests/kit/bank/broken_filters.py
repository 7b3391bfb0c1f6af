"""Broken drivers, area ``filters``: one defect each in how listings honour ``opts`` (SPEC 6)."""

from dctck import NotFound
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


def _unfiltered_images(driver, credentials):
    return MockDriver.images(driver, credentials, None)


@broken("filters", RULE_CASE)
class CaseInsensitiveImageFilter(MockDriver):
    """images() compares filter values case-insensitively ('X86_64' finds x86_64 images)."""

    def images(self, credentials, opts=None):
        images = _unfiltered_images(self, credentials)
        for key in IMAGE_KEYS:
            wanted = (opts or {}).get(key)
            if isinstance(wanted, str):
                images = [i for i in images if str(getattr(i, key)).lower() == wanted.lower()]
            else:
                images = self.filter_on(images, key, {key: wanted})
        return images


@broken("filters", RULE_SUBSTRING)
class PrefixMatchingProfileFilter(MockDriver):
    """hardware_profiles() keeps profiles whose attribute starts with a scalar filter value."""

    def hardware_profiles(self, credentials, opts=None):
        profiles = super().hardware_profiles(credentials, None)
        for key in ("id", "architecture"):
            wanted = (opts or {}).get(key)
            if isinstance(wanted, str):
                profiles = [p for p in profiles if getattr(p, key).startswith(wanted)]
            else:
                profiles = self.filter_on(profiles, key, {key: wanted})
        return profiles


@broken("filters", RULE_EXACT)
class ProfilesIgnoreArchitecture(MockDriver):
    """hardware_profiles() ignores the architecture filter."""

    def hardware_profiles(self, credentials, opts=None):
        return self.filter_on(super().hardware_profiles(credentials, None), "id", opts)


@broken("filters", RULE_MEMBERSHIP)
class ListValueComparedAsScalar(MockDriver):
    """images() compares a list filter value with == instead of testing membership."""

    def images(self, credentials, opts=None):
        images = _unfiltered_images(self, credentials)
        for key in IMAGE_KEYS:
            wanted = (opts or {}).get(key)
            if wanted is not None:
                images = [i for i in images if getattr(i, key) == wanted]
        return images


@broken("filters", RULE_AND)
class ImageKeysCombinedWithOr(MockDriver):
    """images() keeps an image when any given key matches (OR) rather than all of them (AND)."""

    def images(self, credentials, opts=None):
        images = _unfiltered_images(self, credentials)
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
        wanted = (opts or {}).get("state")
        if isinstance(wanted, str):
            instances = [i for i in instances if i.state.lower() == wanted.lower()]
        return instances
