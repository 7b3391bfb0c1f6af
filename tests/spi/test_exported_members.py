"""The public API is exactly the documented set (SPEC 1)."""

import dctck

SPEC_NAMES = {
    "BaseDriver",
    "HardwareProfile",
    "Realm",
    "Image",
    "Instance",
    "DriverError",
    "AuthException",
    "NotFound",
    "ValidationError",
    "ActionNotAllowed",
    "ProviderError",
}


def test_all_is_exactly_the_documented_set():
    assert set(dctck.__all__) == SPEC_NAMES | {
        "ACTIONS",
        "AUTO",
        "INSTANCE_STATES",
        "STATE_NAMES",
        "Credentials",
        "DriverLoadError",
        "Features",
        "Opts",
        "StateDeclaration",
        "StateMachine",
        "Transition",
        "TransitionTracker",
        "VirtualClock",
        "__version__",
        "filter_on",
        "load_driver",
    }


def test_all_is_sorted_and_every_name_resolves():
    assert dctck.__all__ == sorted(dctck.__all__)
    for name in dctck.__all__:
        assert getattr(dctck, name) is not None


def test_every_public_error_derives_from_driver_error():
    names = ("AuthException", "NotFound", "ValidationError", "ActionNotAllowed", "ProviderError")
    for name in names:
        error = getattr(dctck, name)
        assert issubclass(error, dctck.DriverError)
        assert error.__doc__


def test_public_classes_have_docstrings():
    for name in dctck.__all__:
        value = getattr(dctck, name)
        if isinstance(value, type):
            assert value.__doc__, name
