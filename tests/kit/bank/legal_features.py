"""Legal drivers, features (SPEC 8): what a driver does not declare is never required."""

from reference_drivers import MockDriver
from tests.kit.bank import legal


@legal()
class DeclaresNothingIgnoresName(MockDriver):
    """Declares no feature (BaseDriver's {}) and ignores opts['name']: legal, so not asked."""

    SPEC = (
        "8: A driver may declare optional capabilities with `features()`",
        "8: A driver without the feature may ignore `name`",
    )

    def features(self):
        return {}

    def create_instance(self, credentials, image_id, opts=None):
        kept = {k: v for k, v in (opts or {}).items() if k != "name"}
        return super().create_instance(credentials, image_id, kept or None)


@legal()
class DeclaresOnlyOtherFeatures(MockDriver):
    """Declares features of other collections (a frozenset, an unknown name) but not
    user_name, and names every instance after its image."""

    SPEC = (
        "8: A driver may declare optional capabilities with `features()`",
        "8: A driver without the feature may ignore `name`",
    )

    def features(self):
        return {"images": frozenset({"owner_filter"})}

    def create_instance(self, credentials, image_id, opts=None):
        opts = {**(opts or {}), "name": f"from {image_id}"}
        return super().create_instance(credentials, image_id, opts)
