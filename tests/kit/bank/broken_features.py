"""Broken drivers, features (SPEC 8): a declared feature the driver does not keep."""

import dataclasses

from reference_drivers import MockDriver
from suites.suite_create import RULE_FEATURES, RULE_USER_NAME
from tests.kit.bank import broken


@broken("create", RULE_USER_NAME)
class DeclaresUserNameDropsIt(MockDriver):
    """Declares instances/user_name, but create_instance drops opts['name']."""

    def create_instance(self, credentials, image_id, opts=None):
        kept = {k: v for k, v in (opts or {}).items() if k != "name"}
        return super().create_instance(credentials, image_id, kept or None)


@broken("create", RULE_USER_NAME)
class UserNameOnlyInTheAnswer(MockDriver):
    """Declares user_name and returns the asked name from create_instance, but the instance
    it lists and looks up has no name."""

    def create_instance(self, credentials, image_id, opts=None):
        instance = super().create_instance(credentials, image_id, {**(opts or {}), "name": None})
        return dataclasses.replace(instance, name=(opts or {}).get("name"))


@broken("create", RULE_FEATURES)
class FeaturesAsAList(MockDriver):
    """features() returns a list of names instead of {collection: {feature, ...}}."""

    def features(self):
        return ["user_name"]
