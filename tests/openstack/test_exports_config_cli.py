"""The package surface, the README's operation list, the OpenStack config file, and
`dctck simulate --api openstack`."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import simulator.openstack
from dctck._cli import main
from simulator import ConfigError, Zone
from simulator.openstack import (
    ROUTES,
    Flavor,
    NovaCloud,
    OpenStackConfig,
    load_openstack_config,
    make_app,
)
from tests.openstack._support import NOVA, Api, password_body

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = [sys.executable, "-c", "import sys; from dctck._cli import main; sys.exit(main())"]


def test_every_exported_name_is_documented_and_all_is_sorted():
    for name in simulator.openstack.__all__:
        value = getattr(simulator.openstack, name)
        if isinstance(value, type) or callable(value):
            assert value.__doc__, name

    def group(name):
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert simulator.openstack.__all__ == sorted(simulator.openstack.__all__, key=group)


def test_importing_simulator_openstack_loads_nothing_of_dctck_or_the_clients():
    code = (
        "import sys, simulator.openstack, simulator._cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'dctck', 'suites', 'reference_drivers', 'openstack', 'novaclient', 'keystoneauth1', "
        "'libcloud'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


def readme_operations() -> list[str]:
    """The operations listed under the README's "Supported OpenStack operations"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Supported OpenStack operations", 1)[1].split("\n#", 1)[0]
    return [line.split("`")[1] for line in section.splitlines() if line.startswith("- `")]


def test_the_readme_lists_every_route_once_and_nothing_else():
    listed = readme_operations()
    assert len(listed) == len(set(listed)), "an operation is listed twice"
    served = {method + " " + re.sub(r"<(\w+)>", r"{\1}", path) for method, path, _ in ROUTES}
    assert set(listed) == served


def test_the_route_table_is_the_apps(app):
    rules = {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods}
    for method, path, _ in ROUTES:
        assert (method, path) in rules


# Configuration


def test_a_config_file_describes_flavors_images_zones_and_projects(tmp_path, clock):
    path = tmp_path / "cloud.toml"
    path.write_text(
        """
region = "Lab"
boot_seconds = 3
instance_quota = 2

[[accounts]]
name = "alice"
secret = "wonderland"

[[flavors]]
id = "small"
name = "lab.small"
vcpus = 2
ram = 2048
disk = 10

[[images]]
id = "11111111-2222-4333-8444-555555555555"
name = "debian-12"
owner = "admin"
architecture = "aarch64"

[[zones]]
name = "az1"
"""
    )
    config = load_openstack_config(path)
    assert config.region == "Lab"
    assert config.flavors == (Flavor("small", "lab.small", vcpus=2, ram=2048, disk=10),)
    assert [image.architecture for image in config.images] == ["aarch64"]
    cloud = NovaCloud(config, clock)
    api = Api(make_app(cloud), ("alice", "wonderland"))
    token = api.call(
        "POST",
        "/identity/v3/auth/tokens",
        {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "alice", "domain": {"name": "Default"}, "password": "wonderland"}}}}},
    )  # fmt: skip
    assert token.json["token"]["catalog"][0]["endpoints"][0]["region"] == "Lab"
    server_id = api.create(image="11111111-2222-4333-8444-555555555555", flavor="small")
    assert api.server(server_id)["OS-EXT-AZ:availability_zone"] == "az1"
    clock.tick(3)
    assert api.server(server_id)["status"] == "ACTIVE"
    api.create(image="11111111-2222-4333-8444-555555555555", flavor="small")
    assert api.post(
        f"{NOVA}/servers",
        {"server": {"name": "n", "imageRef": "11111111-2222-4333-8444-555555555555",
                    "flavorRef": "small"}},
    ).status == 403  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("flavors = 3", "flavors: expected an array of tables, got int 3"),
        (
            "[[images]]\nid = 'ami-1'\nname = 'x'\nowner = 'a'",
            "images[0].id: expected a lower-case UUID",
        ),
        ("[[flavors]]\nid = '1'\nname = 'x'\nvcpus = 0\nram = 1\ndisk = 1", "flavors[0].vcpus"),
        (
            "[[images]]\nid = '11111111-2222-4333-8444-555555555555'\nname = 'x'\nowner = 'a'\n"
            "architecture = 64",
            "images[0].architecture: expected",
        ),
        ("[[zones]]\nname = 'a'\n[[zones]]\nname = 'a'", "zones[1].name: duplicate 'a'"),
        ("instance_types = []", "instance_types: unknown setting"),
        ("[[accounts]]\nname = 'a'", "accounts[0]: missing field 'secret'"),
    ],
)
def test_a_bad_config_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "cloud.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_openstack_config(path)


def test_configs_are_validated_when_built():
    with pytest.raises(ConfigError, match="zones: must not be empty"):
        OpenStackConfig(zones=())
    assert OpenStackConfig(zones=(Zone("a"),)).zones[0].name == "a"


# The command


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--api", "azure"], "--api must be ec2 or openstack, got 'azure'"),
        (["--api", "openstack", "--retention-seconds", "5"],
         "--retention-seconds applies to --api ec2 only"),
    ],
)  # fmt: skip
def test_usage_errors_of_the_api_option(capsys, args, message):
    assert main(["simulate", *args]) == 2
    assert capsys.readouterr().err == f"dctck simulate: error: {message}\n"


def test_a_bad_openstack_config_is_a_usage_error(capsys, tmp_path):
    path = tmp_path / "cloud.toml"
    path.write_text("flavors = 1\n")
    assert main(["simulate", "--api", "openstack", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dctck simulate: error: {path}: flavors")
    assert err.count("\n") == 1


@pytest.mark.live
def test_simulate_api_openstack_serves_keystone_nova_glance_and_stops_on_a_signal():
    process = subprocess.Popen(
        [*LAUNCH, "simulate", "--api", "openstack", "--port", "0", "--clock", "manual"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.fullmatch(
            r"Serving OpenStack \(Keystone v3, Nova v2.1, Glance v2\) at "
            r"(http://127\.0\.0\.1:\d+)/\n",
            first,
        )
        assert match, first
        url = match.group(1)
        body = json.dumps(password_body("mockuser", "mockpassword"))
        request = urllib.request.Request(
            f"{url}/identity/v3/auth/tokens", data=body.encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 201
            token = answer.headers["X-Subject-Token"]
        request = urllib.request.Request(
            f"{url}/compute/v2.1/flavors", headers={"X-Auth-Token": token}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert len(json.loads(answer.read())["flavors"]) == 5
        with urllib.request.urlopen(f"{url}/_sim/clock", timeout=5) as answer:
            assert json.loads(answer.read())["kind"] == "manual"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
        assert process.returncode == 0
        assert out.endswith("Stopped.\n")
        assert err == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
