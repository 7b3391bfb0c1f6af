"""``dctck init NAME``: the skeleton fails with one cause per method, then, filled in, passes."""

import json
import re
import subprocess
import sys

import pytest
import yaml

from dctck._scaffold import SPI_METHODS
from tests.reference._support import dctck

ACCOUNTS = [
    *("--credentials", "alice:alice-password"),
    *("--other-credentials", "bob:bob-password"),
]

#: A minimal in-memory cloud, as a driver author would fill the skeleton in: instances run at
#: once, reboot in place and can be destroyed; they cannot be stopped (the machine says so).
HELPERS = """
    def __init__(self) -> None:
        self.servers: dict[str, Instance] = {}
        self.owners: dict[str, str] = {}
        self.count = 0

    def _account(self, credentials: Credentials) -> str:
        accounts = {"alice": "alice-password", "bob": "bob-password"}
        name = credentials.get("name")
        if not isinstance(name, str) or accounts.get(name) != credentials.get("password"):
            raise AuthException("unknown account or wrong password")
        return name

    def _mine(self, credentials: Credentials, id: str) -> Instance:
        account = self._account(credentials)
        if not isinstance(id, str) or self.owners.get(id) != account:
            raise NotFound(f"no instance {id!r}")
        return self.servers[id]
"""
BODIES = {
    "instance_states": """return [
            ("begin", {"running": "create"}),
            ("running", {"running": "reboot", "end": "destroy"}),
        ]""",
    "hardware_profiles": """small = HardwareProfile(
            id="small", architecture="x86_64", memory=1, storage=10, cpu=1
        )
        return self.filter_on(self.filter_on([small], "id", opts), "architecture", opts)""",
    "realms": """realm = Realm(id="r1", name="one", state="AVAILABLE", limit=None)
        return self.filter_on([realm], "id", opts)""",
    "images": """self._account(credentials)
        images = [Image(id="img", name="linux", architecture="x86_64", owner_id="public")]
        for key in ("id", "owner_id", "architecture"):
            images = self.filter_on(images, key, opts)
        return images""",
    "instances": """account = self._account(credentials)
        mine = [i for id, i in self.servers.items() if self.owners[id] == account]
        return self.filter_on(self.filter_on(mine, "id", opts), "state", opts)""",
    "create_instance": """account = self._account(credentials)
        opts = opts or {}
        if not isinstance(image_id, str):
            raise ValidationError("image_id must be a string")
        if self.image(credentials, image_id) is None:
            raise NotFound(f"no image {image_id!r}")
        for key, known in (("hwp_id", "small"), ("realm_id", "r1")):
            if opts.get(key, known) != known:
                raise ValidationError(f"unknown {key} {opts[key]!r}")
        self.count += 1
        id, name = f"i-{self.count}", opts.get("name")
        self.servers[id] = Instance(
            id=id,
            name=name if isinstance(name, str) else None,
            owner_id=account,
            image=image_id,
            realm="r1",
            hardware_profile="small",
            state="RUNNING",
            actions=self.instance_actions_for("running"),
            public_addresses=[],
            private_addresses=[],
        )
        self.owners[id] = account
        return self.servers[id]""",
    "reboot_instance": "return self._mine(credentials, id)",
    "stop_instance": """self._mine(credentials, id)
        raise ActionNotAllowed("instances cannot be stopped")""",
    "start_instance": """self._mine(credentials, id)
        raise ActionNotAllowed("instances cannot be started")""",
    "destroy_instance": """instance = self._mine(credentials, id)
        del self.servers[id], self.owners[id]
        return instance""",
}
ERRORS = ("ActionNotAllowed", "AuthException", "NotFound", "ValidationError")


def _fill_in(text):
    text = text.replace(
        "from dctck import (\n",
        "from dctck import (\n" + "".join(f"    {name},\n" for name in ERRORS),
    )
    text = re.sub(
        r'(class \w+\(BaseDriver\):\n    """(?:.|\n)*?"""\n)', lambda m: m[1] + HELPERS, text
    )
    for method, body in BODIES.items():
        pattern = rf'raise NotImplementedError\("implement \w+\.{method} \(SPEC \d\)"\)'
        text, count = re.subn(pattern, lambda _, body=body: body, text)
        assert count == 1, method
    return text


@pytest.fixture
def scaffolded(tmp_path):
    result = dctck("init", "my_cloud", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote my_cloud.py" in result.stdout
    return tmp_path


def test_the_skeleton_names_every_spi_method_and_what_spec_wants(scaffolded):
    source = (scaffolded / "my_cloud.py").read_text()
    compile(source, "my_cloud.py", "exec")
    assert "class MyCloudDriver(BaseDriver):" in source
    for method, _, _, wants in SPI_METHODS:
        assert f"    def {method}(self" in source
        assert f'raise NotImplementedError("implement MyCloudDriver.{method} (SPEC' in source
        assert " ".join(wants.split()[:4]) in " ".join(source.split())
    ini = (scaffolded / "pytest.ini").read_text()
    assert "dctck_driver = my_cloud:MyCloudDriver" in ini
    workflow = yaml.safe_load((scaffolded / ".github/workflows/dctck.yml").read_text())
    steps = workflow["jobs"]["certify"]["steps"]
    certify = next(step["run"] for step in steps if "dctck certify" in str(step.get("run")))
    assert "my_cloud:MyCloudDriver" in certify
    assert "--junitxml" in certify
    assert "--html dctck.html" in certify
    upload = next(step for step in steps if "upload-artifact" in str(step.get("uses")))
    assert "dctck.html" in upload["with"]["path"]


def test_scaffold_fails_one_cause_per_method_then_filled_in_certifies(scaffolded):
    first = dctck(
        "certify", "my_cloud:MyCloudDriver", *ACCOUNTS, "--report", "r.json", cwd=scaffolded
    )
    assert first.returncode == 1, first.stderr
    causes = [c["cause"] for c in json.loads((scaffolded / "r.json").read_text())["causes"]]
    named = [
        re.fullmatch(r"raised NotImplementedError: implement MyCloudDriver\.(\w+) \(SPEC \d\)", c)
        for c in causes
    ]
    assert all(named), causes  # every cause is a method still to implement, never another error
    methods = [m[1] for m in named]
    assert len(methods) == len(set(methods))  # one cause per method
    assert {"instance_states", "hardware_profiles", "realms", "images", "instances"} <= set(methods)
    # each cause: said once as it happened, then in the summary with its example
    assert first.stdout.count("raised NotImplementedError") == 3 * len(causes)

    (scaffolded / "my_cloud.py").write_text(_fill_in((scaffolded / "my_cloud.py").read_text()))
    second = dctck("certify", "my_cloud:MyCloudDriver", *ACCOUNTS, cwd=scaffolded)
    assert second.returncode == 0, second.stdout[-3000:]
    assert "CERTIFIED: my_cloud:MyCloudDriver passed all" in second.stdout
    # pytest in that directory certifies it too, from the written pytest.ini
    pytest_run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=scaffolded,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert pytest_run.returncode == 0, pytest_run.stdout[-3000:]
    assert "CERTIFIED: my_cloud:MyCloudDriver passed all" in pytest_run.stdout


@pytest.mark.parametrize(
    ("name", "problem"), [("my-cloud", "a Python module name"), ("class", "a Python module name")]
)
def test_a_bad_name_is_a_usage_error_and_writes_nothing(tmp_path, name, problem):
    result = dctck("init", name, cwd=tmp_path)
    assert result.returncode == 2
    assert problem in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_init_never_overwrites(scaffolded):
    (scaffolded / "pytest.ini").write_text("mine\n")
    (scaffolded / "my_cloud.py").unlink()
    result = dctck("init", "my_cloud", cwd=scaffolded)
    assert result.returncode == 2
    assert "would overwrite" in result.stderr
    assert (scaffolded / "pytest.ini").read_text() == "mine\n"
    assert not (scaffolded / "my_cloud.py").exists()
