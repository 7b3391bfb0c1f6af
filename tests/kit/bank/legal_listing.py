"""Legal drivers, listings: unusual but allowed ids, attribute values and filter choices."""

import simulator as sim
from reference_drivers import MockDriver
from tests.kit.bank import legal

#: A cloud whose ids and values look alike: prefixes of one another, case variants, an empty
#: architecture, non-ASCII characters. Exact matching must keep every one of them apart.
LOOKALIKE_CLOUD = sim.SimulatorConfig(
    instance_types=(
        sim.InstanceType("t3.micro", "x86_64", memory_gb=1.0, storage_gb=8.0, cpus=2),
        sim.InstanceType("T3.Micro", "x86_64", memory_gb=1.0, storage_gb=8.0, cpus=2),
        sim.InstanceType("m5.large", "x86_64", memory_gb=8.0, storage_gb=32.0, cpus=2),
        sim.InstanceType("m5.large2", "x86_64", memory_gb=8.0, storage_gb=64.0, cpus=2),
        sim.InstanceType("c6g.medium", "arm64", memory_gb=2.0, storage_gb=8.0, cpus=1),
        sim.InstanceType("generic", "", memory_gb=1.0, storage_gb=1.0, cpus=1),
    ),
    zones=(
        sim.Zone("zone-a"),
        sim.Zone("Zone-A"),
        sim.Zone("zone-a2"),
        sim.Zone("zürich 1/a"),
    ),
    images=(
        sim.MachineImage("ami-1f2e3d4c", "legacy", "x86_64", "dctck", public=True),
        sim.MachineImage("ami-1f2e3d4c5a6b7c8d9", "legacy-longer", "x86_64", "DCTCK", public=True),
        sim.MachineImage("ami-0b2c3d4e5f6071829", "arm", "arm64", "dctck2", public=True),
        sim.MachineImage("ami-0c3d4e5f", "private", "x86_64", "mockuser", public=False),
        sim.MachineImage("ami-0d4e5f60", "other", "arm64", "otheruser", public=False),
    ),
)


@legal()
class IgnoresStateFilter(MockDriver):
    """instances() ignores the optional state filter, as SPEC 4 allows."""

    SPEC = "4: (a driver may also honour `state`)"

    def instances(self, credentials, opts=None):
        return super().instances(credentials, {**(opts or {}), "state": None})


@legal()
class LookalikeCatalogue(MockDriver):
    """Ids that are prefixes or case variants of others ('zone-a', 'Zone-A', 'zone-a2'), a
    non-ASCII realm id, owners 'dctck'/'DCTCK'/'dctck2', a profile with architecture ''."""

    def __init__(self):
        super().__init__(sim.Simulator(LOOKALIKE_CLOUD))
