"""Drivers judged against provider facts (``--dctck-facts``, area ``models``): values of the
right type that are not the provider's."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from reference_drivers import MockDriver
from suites.suite_models import RULE_FACTS
from tests.kit.bank import broken, legal

#: True facts of MockDriver's default cloud; absolute, as the bank runs in a temporary directory.
MOCK_FACTS = str(Path(__file__).with_name("mock_facts.toml"))


@broken("models", RULE_FACTS, f"--dctck-facts={MOCK_FACTS}")
class MemoryInMiB(MockDriver):
    """HardwareProfile.memory is in MiB (t2.micro: 1024) rather than GB: still a positive number."""

    def hardware_profiles(self, credentials, opts=None):
        return [
            replace(p, memory=p.memory * 1024) for p in super().hardware_profiles(credentials, opts)
        ]


@broken("models", RULE_FACTS, f"--dctck-facts={MOCK_FACTS}")
class RealmStateLost(MockDriver):
    """Realm.state is None (allowed: unknown) where the provider says AVAILABLE."""

    def realms(self, credentials, opts=None):
        return [replace(r, state=None) for r in super().realms(credentials, opts)]


@legal(f"--dctck-facts={MOCK_FACTS}", "-m", "models")
class SizesInOtherNumberTypes(MockDriver):
    """Memory as Decimal (Decimal('1.0'), Decimal('0.5')) and storage as float (75.0): the same
    values the facts file declares as 1, 0.5 and 75."""

    SPEC = "3: `memory` (decimal GB: `int`, `float` or `Decimal`)"

    def hardware_profiles(self, credentials, opts=None):
        return [
            replace(
                p,
                memory=Decimal(str(p.memory)),
                storage=float(p.storage) if p.storage is not None else None,
            )
            for p in super().hardware_profiles(credentials, opts)
        ]
