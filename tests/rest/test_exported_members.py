"""dctck.rest's public API is exactly the documented set."""

import dctck.rest

DOCUMENTED = {
    "API_VERSION",
    "AppFactory",
    "CHALLENGE",
    "Context",
    "DEFAULT_PORT",
    "DeltacloudClient",
    "Documents",
    "Hosted",
    "HttpError",
    "LoopbackServer",
    "MAX_BODY",
    "MAX_PARAMETERS",
    "MAX_VALUE",
    "RestApp",
    "RestDriver",
    "RestFront",
    "SERVER",
    "ServeCommand",
    "UnexpectedResponse",
    "basic_authorization",
    "driver_label",
    "driver_name",
    "load_app_factory",
}


def test_all_is_exactly_the_documented_set():
    assert set(dctck.rest.__all__) == DOCUMENTED


def test_all_is_sorted_and_every_name_resolves():
    assert dctck.rest.__all__ == sorted(dctck.rest.__all__)
    for name in dctck.rest.__all__:
        assert getattr(dctck.rest, name) is not None


def test_public_classes_have_docstrings():
    for name in dctck.rest.__all__:
        value = getattr(dctck.rest, name)
        if isinstance(value, type):
            assert value.__doc__, name


def _loaded_by(imports, packages):
    """Which of ``packages`` a fresh interpreter has loaded after ``import IMPORTS``."""
    import subprocess
    import sys

    code = (
        f"import sys, {imports};"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(packages)!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout


def test_dctck_does_not_import_the_simulator_or_the_reference_drivers():
    imports = "dctck, dctck.rest, dctck.plugin, dctck._cli"
    assert _loaded_by(imports, ["simulator", "reference_drivers"]) == "[]\n"


def test_every_lazily_loaded_name_is_public_and_every_public_name_has_a_home():
    assert set(dctck.rest._MODULE_OF) == set(dctck.rest.__all__)


def test_the_command_line_does_not_load_the_web_stack_until_it_serves():
    assert _loaded_by("dctck._cli", ["werkzeug", "jinja2", "waitress"]) == "[]\n"
