"""Broken drivers: catalogue facts the SPEC states, checked without knowing the provider.

Each runs only the checks that see its defect (``-k``).
"""

import dataclasses

import simulator as sim
from dctck import HardwareProfile, Instance, ProviderError, ValidationError
from reference_drivers import EC2Driver, MockDriver
from suites.suite_create import RULE_DEFAULT_HWP, RULE_MISMATCH
from suites.suite_ids import RULE_LOOKUP
from suites.suite_models import RULE_SIZES
from tests.kit.bank import broken


@broken("models", RULE_SIZES, "-k", "sizes")
class MemoryInTerabytes(MockDriver):
    """Memory is reported in whole TB instead of GB: every profile has memory 0."""

    def hardware_profiles(self, credentials, opts=None):
        return [
            HardwareProfile(**{**vars(p), "memory": int(p.memory / 1000)})
            for p in super().hardware_profiles(credentials, opts)
        ]


@broken("ids", RULE_LOOKUP, "-k", "lookup")
class LookupSwapsAddresses(MockDriver):
    """instances() filtered on one id takes a faster path that swaps public and private
    addresses, so instance(id) differs from the listing."""

    def instances(self, credentials, opts=None):
        found = super().instances(credentials, opts)
        if not isinstance((opts or {}).get("id"), str):
            return found
        return [
            Instance(
                **{
                    **vars(i),
                    "public_addresses": i.private_addresses,
                    "private_addresses": i.public_addresses,
                }
            )
            for i in found
        ]


def long_catalogue():
    """130 instance types: 110 x86_64 first, then the arm64 ones (on DescribeInstanceTypes'
    second page of 100, as EC2 pages it)."""
    x86 = [sim.InstanceType(f"x1.size{n}", "x86_64", 1.0, 8.0, 1) for n in range(110)]
    arm = [sim.InstanceType(f"g1.size{n}", "arm64", 2.0, 8.0, 1) for n in range(20)]
    config = dataclasses.replace(sim.default_config(), instance_types=(*x86, *arm))
    return sim.Simulator(config)


@broken("create", RULE_DEFAULT_HWP, "-m", "create")
class FirstPageOfProfilesOnly(EC2Driver):
    """hardware_profiles() reads only the first page of DescribeInstanceTypes (no NextToken):
    with 130 instance types, the arm64 ones are never listed."""

    def __init__(self):
        super().__init__(simulator=long_catalogue())

    def _describe(self, credentials, action, list_tag, params=None):
        if action != "DescribeInstanceTypes":
            return super()._describe(credentials, action, list_tag, params)
        document = self._request(self._keys(credentials), action, params)
        return list(document.items(list_tag))


@broken("create", RULE_MISMATCH, "-k", "another_architecture")
class MismatchedProfileAsProviderError(MockDriver):
    """A hardware profile of another architecture than the image raises ProviderError (the
    provider's 400 answer taken for its failure) instead of ValidationError."""

    def create_instance(self, credentials, image_id, opts=None):
        try:
            return super().create_instance(credentials, image_id, opts)
        except ValidationError as exc:
            if "architecture" in str(exc):
                raise ProviderError(f"InvalidParameterValue: {exc}") from None
            raise
