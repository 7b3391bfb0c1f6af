"""The facts of SPEC 4 the checks are parametrized over: collections, lookups, filter keys."""

from __future__ import annotations

__all__ = [
    "CATALOGUE",
    "COLLECTIONS",
    "FILTER_KEYS",
    "INSTANCE_ACTIONS",
    "LOOKUPS",
    "OPTIONAL_FILTER_KEYS",
    "RULE_LIST",
]

#: Each listing method and its singular lookup.
LOOKUPS = {
    "hardware_profiles": "hardware_profile",
    "realms": "realm",
    "images": "image",
    "instances": "instance",
}
COLLECTIONS = tuple(LOOKUPS)
#: The listings a provider may serve publicly (SPEC 2).
CATALOGUE = ("hardware_profiles", "realms", "images")
#: The filter keys of each listing.
FILTER_KEYS: dict[str, tuple[str, ...]] = {
    "hardware_profiles": ("id", "architecture"),
    "realms": ("id",),
    "images": ("id", "owner_id", "architecture"),
    "instances": ("id", "state"),
}
#: Keys a driver may honour or ignore; when honoured, SPEC 6 applies to them.
OPTIONAL_FILTER_KEYS: dict[str, tuple[str, ...]] = {"instances": ("state",)}
#: The actions taken on an existing instance, in the order checks are generated.
INSTANCE_ACTIONS = ("start", "stop", "reboot", "destroy")

RULE_LIST = "SPEC 4: listing methods return a list (never None, never a generator) of models"
