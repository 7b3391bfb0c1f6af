"""Legal drivers with unusual catalogues, which the kit must certify."""

from reference_drivers import EC2Driver
from tests.kit.bank import legal
from tests.kit.bank.broken_catalogue import long_catalogue


@legal("-m", "models or ids or filters or create")
class LongCatalogueInPages(EC2Driver):
    """130 instance types, which DescribeInstanceTypes gives in two pages (as EC2 does): every
    profile is listed, the arm64 ones from the second page."""

    def __init__(self):
        super().__init__(simulator=long_catalogue())
