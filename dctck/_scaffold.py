"""``dctck init NAME``: a driver skeleton to start from, with its pytest and CI configuration.

``NAME.py`` holds a ``BaseDriver`` subclass whose every SPI method raises
``NotImplementedError`` naming itself and saying, in its docstring, what SPEC wants of it; a first
certification then fails with one cause per method. ``pytest.ini`` points the kit at the driver
(``pytest`` there certifies it) and ``.github/workflows/dctck.yml`` runs ``dctck certify`` in CI,
keeping the JUnit XML and the HTML report as artifacts.
"""

from __future__ import annotations

import keyword
from pathlib import Path

__all__ = ["SPI_METHODS", "class_name", "scaffold"]

_LISTING = "(credentials, opts=None)"
_ACTION = "(credentials, id)"

#: The methods a driver implements, in SPEC 4's order: (name, parameters, return, SPEC wants).
SPI_METHODS: list[tuple[str, str, str, str]] = [
    (
        "instance_states",
        "()",
        "StateDeclaration",
        "SPEC 5: the instance state machine, [(origin, {destination: action})], needing no"
        " credentials. States begin, pending, running, shutting_down, stopped, end; actions"
        " create, start, stop, reboot, destroy and _auto_ (what happens by itself). begin has a"
        " create edge, every state is reachable from begin and can reach end.",
    ),
    (
        "hardware_profiles",
        _LISTING,
        "list[HardwareProfile]",
        "SPEC 4 and 6: a list (never None, never a generator) of HardwareProfile(id,"
        " architecture, memory, storage, cpu): memory and storage in decimal GB. Filters"
        " 'id' and 'architecture' match exactly (self.filter_on). AuthException for {} or"
        " rejected credentials, unless the catalogue is public (then the same list for all).",
    ),
    (
        "realms",
        _LISTING,
        "list[Realm]",
        "SPEC 4 and 6: a list of Realm(id, name, state, limit), filtered on 'id';"
        " AuthException for {} or rejected credentials unless public.",
    ),
    (
        "images",
        _LISTING,
        "list[Image]",
        "SPEC 4 and 6: the images the caller may see, Image(id, name, architecture, owner_id,"
        " description), filtered on 'id', 'owner_id' and 'architecture'; AuthException for {}"
        " or rejected credentials unless public.",
    ),
    (
        "instances",
        _LISTING,
        "list[Instance]",
        "SPEC 2, 3 and 4: the caller's instances only (never another account's), filtered on"
        " 'id' (and 'state' if you like). Instance.state is PENDING, RUNNING, SHUTTING_DOWN or"
        " STOPPED; Instance.actions is self.instance_actions_for(state). Always needs"
        " credentials: AuthException for {} or rejected ones.",
    ),
    (
        "create_instance",
        "(credentials, image_id, opts=None)",
        "Instance",
        "SPEC 4: a new instance from image_id (None: ValidationError; unknown: NotFound or"
        " ValidationError), honouring opts 'hwp_id' and 'realm_id' (an unknown one:"
        " ValidationError; another architecture than the image's: ValidationError), else a"
        " profile of the image's architecture. Returns it PENDING or RUNNING with image, realm"
        " and hardware_profile set.",
    ),
    (
        "reboot_instance",
        _ACTION,
        "Instance",
        "SPEC 4 and 5: reboot the caller's instance and return it; NotFound for an unknown id"
        " (or another account's), ActionNotAllowed where the machine has no reboot edge.",
    ),
    (
        "stop_instance",
        _ACTION,
        "Instance",
        "SPEC 4 and 5: stop the caller's instance and return it; NotFound for an unknown id,"
        " ActionNotAllowed where the machine has no stop edge (stopping a stopped instance may"
        " succeed).",
    ),
    (
        "start_instance",
        _ACTION,
        "Instance",
        "SPEC 4 and 5: start a stopped instance and return it; NotFound for an unknown id,"
        " ActionNotAllowed where the machine has no start edge (always, if it declares none).",
    ),
    (
        "destroy_instance",
        _ACTION,
        "Instance | None",
        "SPEC 4 and 5: remove the instance, stopping it first if needed; afterwards it reaches"
        " end and is no longer listed. Returns it as last seen, or None; NotFound for an"
        " unknown id.",
    ),
]


def class_name(name: str) -> str:
    """``my_cloud`` -> ``MyCloudDriver``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part) + "Driver"


def scaffold(name: str, directory: Path) -> list[Path]:
    """Write the skeleton of driver ``name`` in ``directory``; the paths written.

    ``ValueError`` (and nothing written) when ``name`` is not a Python module name or a file
    would be overwritten.
    """
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise ValueError(f"NAME must be a Python module name (like my_cloud), got {name!r}")
    if not directory.is_dir():
        raise ValueError(f"no directory {str(directory)!r}")
    files = {
        directory / f"{name}.py": _driver_module(name),
        directory / "pytest.ini": _pytest_ini(name),
        directory / ".github" / "workflows" / "dctck.yml": _workflow(name),
    }
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise ValueError(f"would overwrite {', '.join(existing)}: nothing written")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def _driver_module(name: str) -> str:
    cls = class_name(name)
    lines = [
        f'"""{cls}: a Deltacloud-style driver for the Driver SPI (written with ``dctck init``).',
        "",
        "Implement each method; ``dctck certify`` (or ``pytest`` in this directory) says what",
        "is still missing, one cause per method, and which SPEC rule each check needs.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from dctck import (",
        "    BaseDriver,",
        "    Credentials,",
        "    HardwareProfile,",
        "    Image,",
        "    Instance,",
        "    Opts,",
        "    Realm,",
        "    StateDeclaration,",
        ")",
        "",
        "",
        f"class {cls}(BaseDriver):",
        '    """The Driver SPI over your provider. Expose ``clock`` (``now()``, ``tick(s)``) if it',
        '    runs on virtual time, and ``faults`` if it can inject faults (SPEC 7 and 9)."""',
    ]
    for method, parameters, returns, wants in SPI_METHODS:
        signature = _signature(parameters)
        lines += ["", f"    def {method}({signature}) -> {returns}:"]
        lines += _docstring(wants)
        lines.append(f'        raise NotImplementedError("implement {cls}.{method} ({wants[:6]})")')
    return "\n".join(lines) + "\n"


def _signature(parameters: str) -> str:
    types = {"credentials": "Credentials", "opts=None": "Opts = None", "id": "str"}
    types["image_id"] = "str"
    names = [p.strip() for p in parameters.strip("()").split(",") if p.strip()]
    typed = ["self"]
    for parameter in names:
        bare = parameter.split("=")[0]
        typed.append(f"{bare}: {types[parameter]}")
    return ", ".join(typed)


def _docstring(text: str) -> list[str]:
    words, lines, line = text.split(), [], '        """'
    for word in words:
        if len(line) + len(word) + 1 > 96:
            lines.append(line.rstrip())
            line = "        "
        line += word + " "
    return [*lines, line.rstrip() + '"""']


def _pytest_ini(name: str) -> str:
    return f"""[pytest]
# `pytest` in this directory certifies {class_name(name)} with dctck's suites (`pytest -v`
# lists every check). Put real accounts of your provider here, or give them on the command
# line (--dctck-credentials NAME:PASSWORD); the second account enables the isolation checks.
dctck_driver = {name}:{class_name(name)}
dctck_credentials = alice:alice-password
dctck_other_credentials = bob:bob-password
dctck_timeout = 60
"""


def _workflow(name: str) -> str:
    driver = f"{name}:{class_name(name)}"
    return f"""# Certify the driver with dctck on every push; the reports are kept as artifacts.
name: dctck
on: [push, pull_request]
jobs:
  certify:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install dctck and the driver's dependencies
        run: python -m pip install dctck
      - name: Certify
        env:
          DCTCK_CREDENTIALS: ${{{{ secrets.DCTCK_CREDENTIALS || 'alice:alice-password' }}}}
          DCTCK_OTHER_CREDENTIALS: ${{{{ secrets.DCTCK_OTHER_CREDENTIALS || 'bob:bob-password' }}}}
        run: >-
          dctck certify {driver}
          --credentials "$DCTCK_CREDENTIALS" --other-credentials "$DCTCK_OTHER_CREDENTIALS"
          --junitxml dctck-junit.xml --report dctck.json --html dctck.html
      - name: Keep the reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: dctck-report
          path: |
            dctck.html
            dctck.json
            dctck-junit.xml
"""
