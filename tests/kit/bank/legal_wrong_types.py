"""Legal drivers, arguments of the wrong type (SPEC 1, 4): ValidationError and NotFound alike."""

from dctck import NotFound, ValidationError
from reference_drivers import MockDriver
from tests.kit.bank import legal

_WRONG_TYPE = "4: An argument of the wrong type"
_OPTS = ("hwp_id", "realm_id")


@legal("-m", "create or ids or auth")
class WrongTypesAreNotFound(MockDriver):
    """An id of the wrong type names nothing: create_instance(image_id=5), hwp_id=5, realm_id=5
    and every action on id=5 raise NotFound."""

    SPEC = (
        _WRONG_TYPE,
        "1: (an id of the wrong type names nothing, so `NotFound` is equally right for it",
        "4: an unknown image: `NotFound` or `ValidationError`",
    )

    def create_instance(self, credentials, image_id, opts=None):
        self._account(credentials)
        given = {"image_id": image_id, **{k: (opts or {}).get(k) for k in _OPTS}}
        for key, value in given.items():
            if value is not None and not isinstance(value, str):
                raise NotFound(f"no {key} {value!r}")
        return super().create_instance(credentials, image_id, opts)


@legal("-m", "create or ids or auth")
class WrongTypesAreValidationError(MockDriver):
    """Every argument of the wrong type is a malformed request: create_instance(image_id=5),
    hwp_id=5, realm_id=5, every action on id=5 and a password that is not a string raise
    ValidationError."""

    SPEC = (_WRONG_TYPE, "1: wrong types")

    def _account(self, credentials):
        if isinstance(credentials, dict) and not isinstance(credentials.get("password", ""), str):
            raise ValidationError("the password must be a string")
        return super()._account(credentials)

    def _visible(self, account, id):
        if not isinstance(id, str):
            raise ValidationError(f"an instance id is a string, not {type(id).__name__}")
        return super()._visible(account, id)
