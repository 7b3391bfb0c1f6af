"""Broken drivers: inputs of the wrong type or size (SPEC 1, 2, 6), one defect each.

Each runs only the checks that feed it such inputs (``-k``): the defects show nowhere else.
"""

from dctck import NotFound, ProviderError
from reference_drivers import EC2Driver, MockDriver
from reference_drivers._ec2_models import SPI_STATES
from reference_drivers.ec2 import _filter_params
from suites.suite_auth import RULE_REFUSED as RULE_AUTH_REFUSED
from suites.suite_create import RULE_REFUSED as RULE_CREATE_REFUSED
from suites.suite_filters import RULE_LONG_LIST, RULE_NO_MATCH
from suites.suite_ids import RULE_ACTION_WRONG_TYPE
from tests.kit.bank import broken


@broken("auth", RULE_AUTH_REFUSED, "-k", "password_not_a_string")
class PasswordOfTheWrongTypeCrashes(MockDriver):
    """A password that is not a string raises TypeError (it is salted by concatenation)
    instead of AuthException."""

    def _account(self, credentials):
        if "password" in credentials:
            _salted = "dctck:" + credentials["password"]
        return super()._account(credentials)


@broken("create", RULE_CREATE_REFUSED, "-k", "not_a_string")
class ImageIdOfTheWrongTypeCrashes(MockDriver):
    """create_instance(image_id=5) raises TypeError (the id is joined to a string) instead of
    ValidationError or NotFound."""

    def create_instance(self, credentials, image_id, opts=None):
        if image_id is not None:
            _key = "image/" + image_id
        return super().create_instance(credentials, image_id, opts)


@broken("create", RULE_CREATE_REFUSED, "-k", "not_a_string")
class ImageIdOfTheWrongTypeProviderError(MockDriver):
    """create_instance(image_id=5) raises ProviderError (it blames the provider for a malformed
    request) instead of ValidationError or NotFound."""

    def create_instance(self, credentials, image_id, opts=None):
        if image_id is not None and not isinstance(image_id, str):
            self._account(credentials)
            raise ProviderError(f"the provider failed on image {image_id!r}")
        return super().create_instance(credentials, image_id, opts)


@broken("ids", RULE_ACTION_WRONG_TYPE, "-k", "wrong_type")
class RebootOfAnIntCrashes(MockDriver):
    """reboot_instance(id=5) raises AttributeError: the id is checked with str methods."""

    def reboot_instance(self, credentials, id):
        if not id.startswith("i-"):
            raise NotFound(f"no instance {id!r}")
        return super().reboot_instance(credentials, id)


@broken("filters", RULE_LONG_LIST, "-k", "long_list")
class IdFilterSentWhole(EC2Driver):
    """instances() sends every value of an id filter to EC2, which takes at most 200 filter
    values: a longer list raises ValidationError."""

    def instances(self, credentials, opts=None):
        wanted = (opts or {}).get("id")
        if not isinstance(wanted, list | tuple | set):
            return super().instances(credentials, opts)
        filters = {"instance-state-name": list(SPI_STATES), "instance-id": sorted(set(wanted))}
        params = _filter_params(filters)
        reservations = self._describe(credentials, "DescribeInstances", "reservationSet", params)
        return self.filter_on(self._instances(reservations), "id", opts)


@broken("filters", RULE_NO_MATCH, "-k", "no_match")
class NonStringIdFilterCrashes(MockDriver):
    """instances() strips the members of a list id filter, so a member that is not a string
    raises AttributeError instead of matching nothing."""

    def instances(self, credentials, opts=None):
        wanted = (opts or {}).get("id")
        if isinstance(wanted, list):
            opts = {**opts, "id": [member.strip() for member in wanted]}
        return super().instances(credentials, opts)
