"""Loading a driver from MODULE:ATTR, with one-line errors."""

import sys

import pytest

from dctck import BaseDriver, DriverLoadError, load_driver


@pytest.fixture
def driver_dir(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("loadme")]:
        del sys.modules[name]


def write(directory, name, text):
    (directory / f"{name}.py").write_text(text)


def test_loads_a_class_and_constructs_it(driver_dir):
    write(driver_dir, "loadme_cls", "from dctck import BaseDriver\nclass D(BaseDriver):\n  pass\n")
    driver = load_driver("loadme_cls:D")
    assert isinstance(driver, BaseDriver)
    assert type(driver).__name__ == "D"


def test_loads_from_a_zero_argument_factory(driver_dir):
    write(driver_dir, "loadme_factory", "def make():\n  return {'built': True}\n")
    assert load_driver("loadme_factory:make") == {"built": True}


def test_dotted_attribute_is_followed(driver_dir):
    write(driver_dir, "loadme_dotted", "class Outer:\n  class Inner:\n    pass\n")
    assert type(load_driver("loadme_dotted:Outer.Inner")).__name__ == "Inner"


@pytest.mark.parametrize("path", ["nocolon", ":D", "mod:", "a:b:c", ""])
def test_malformed_path_is_refused(path):
    with pytest.raises(DriverLoadError) as excinfo:
        load_driver(path)
    assert excinfo.value.args == (
        f"driver path {path!r} is not of the form MODULE:ATTR (e.g. mypackage.driver:MyDriver)",
    )


def test_missing_module_is_named():
    with pytest.raises(DriverLoadError) as excinfo:
        load_driver("no_such_module_xyz.sub:D")
    assert excinfo.value.args == ("driver module 'no_such_module_xyz.sub' not found",)


def test_module_whose_own_import_fails_says_what_it_imported(driver_dir):
    write(driver_dir, "loadme_broken_import", "import no_such_dependency_xyz\n")
    with pytest.raises(DriverLoadError) as excinfo:
        load_driver("loadme_broken_import:D")
    assert excinfo.value.args == (
        "importing 'loadme_broken_import' raised ModuleNotFoundError:"
        " No module named 'no_such_dependency_xyz'",
    )


def test_module_raising_at_import_is_reported_in_one_line(driver_dir):
    write(driver_dir, "loadme_raises", "raise RuntimeError('boom\\nsecond line')\n")
    with pytest.raises(DriverLoadError) as excinfo:
        load_driver("loadme_raises:D")
    assert excinfo.value.args == (
        "importing 'loadme_raises' raised RuntimeError: boom second line",
    )


def test_missing_attribute_is_named(driver_dir):
    write(driver_dir, "loadme_noattr", "x = 1\n")
    with pytest.raises(DriverLoadError) as excinfo:
        load_driver("loadme_noattr:Driver")
    assert excinfo.value.args == (
        "driver path 'loadme_noattr:Driver': module 'loadme_noattr' has no attribute 'Driver'",
    )


def test_non_callable_attribute_is_refused(driver_dir):
    write(driver_dir, "loadme_value", "D = 42\n")
    with pytest.raises(DriverLoadError) as excinfo:
        load_driver("loadme_value:D")
    assert excinfo.value.args == (
        "driver path 'loadme_value:D' names a int, not a class or a factory",
    )


def test_construction_failure_says_what_was_raised(driver_dir):
    write(driver_dir, "loadme_ctor", "class D:\n  def __init__(self, endpoint):\n    pass\n")
    with pytest.raises(DriverLoadError) as excinfo:
        load_driver("loadme_ctor:D")
    (message,) = excinfo.value.args
    assert message.startswith("constructing loadme_ctor:D raised TypeError:")
    assert "endpoint" in message


def test_module_in_the_current_directory_is_found(tmp_path, monkeypatch):
    write(tmp_path, "loadme_cwd", "class D:\n  pass\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    try:
        assert type(load_driver("loadme_cwd:D")).__name__ == "D"
    finally:
        sys.modules.pop("loadme_cwd", None)
