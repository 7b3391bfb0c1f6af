"""Configuration: defaults, the shipped example file, TOML/JSON loading, one-line errors."""

from __future__ import annotations

import dataclasses
import json
import re
from importlib.resources import as_file, files

import pytest

from simulator import (
    Account,
    ConfigError,
    InstanceType,
    MachineImage,
    Simulator,
    SimulatorConfig,
    Zone,
    default_config,
    load_config,
)

AMI = re.compile(r"ami-(?:[0-9a-f]{8}|[0-9a-f]{17})")


def test_default_config_has_the_agreed_accounts_zones_and_durations():
    config = default_config()
    assert config.accounts == (
        Account("mockuser", "mockpassword"),
        Account("otheruser", "otherpassword"),
    )
    assert config.zones == (Zone("us-east-1a"), Zone("us-east-1b", "available", 20))
    assert (
        config.region,
        config.boot_seconds,
        config.stop_seconds,
        config.terminated_retention_seconds,
        config.default_instance_type,
    ) == ("us-east-1", 40.0, 20.0, 3600.0, None)


def test_default_config_has_ec2s_instance_types_with_their_real_facts():
    kinds = {kind.name: kind for kind in default_config().instance_types}
    assert len(kinds) == 182
    assert {name.split(".")[0] for name in kinds} == {
        "t2", "t3", "t3a", "t4g", "m3", "m4", "m5", "m5d", "m6g", "m6i", "m7g",  # general purpose
        "c3", "c4", "c5", "c5d", "c6g", "c6i", "c7g",  # compute optimized
        "r3", "r4", "r5", "r5d", "r6g", "r6i", "r7g",  # memory optimized
    }  # fmt: skip
    assert [kinds[name] for name in ("t2.micro", "t3.micro", "m3.medium", "r4.large")] == [
        InstanceType("t2.micro", "x86_64", 1.0, None, 1),
        InstanceType("t3.micro", "x86_64", 1.0, None, 2),
        InstanceType("m3.medium", "x86_64", 3.75, 4, 1, current_generation=False),
        InstanceType("r4.large", "x86_64", 15.25, None, 2),
    ]
    assert [kinds[name] for name in ("c6g.medium", "m5d.large", "c5d.24xlarge")] == [
        InstanceType("c6g.medium", "arm64", 2.0, None, 1),
        InstanceType("m5d.large", "x86_64", 8.0, 75, 2),
        InstanceType("c5d.24xlarge", "x86_64", 192.0, 3600, 96),
    ]
    assert {kind.architecture for kind in kinds.values()} == {"x86_64", "arm64"}


def test_default_instance_types_per_architecture_are_t3_micro_and_c6g_medium():
    assert default_config().defaults_by_architecture == {
        "x86_64": "t3.micro",
        "arm64": "c6g.medium",
    }


def test_default_instance_types_keep_only_the_defaults_a_custom_catalogue_holds():
    config = SimulatorConfig(instance_types=(InstanceType("c6g.medium", "arm64", 2.0, None, 1),))
    assert config.defaults_by_architecture == {"arm64": "c6g.medium"}


def test_a_catalogue_replaced_takes_the_defaults_it_holds_not_the_old_ones():
    kinds = (InstanceType("x1.small", "x86_64", 1.0, None, 1),)
    config = dataclasses.replace(default_config(), instance_types=kinds)
    assert config.defaults_by_architecture == {}


def test_instance_types_left_without_storage_in_a_file_have_none(tmp_path):
    path = tmp_path / "cloud.toml"
    path.write_text(
        '[[instance_types]]\nname = "t"\narchitecture = "x86_64"\nmemory_gb = 1\ncpus = 2\n'
        "current_generation = false\n"
    )
    assert load_config(path).instance_types == (
        InstanceType("t", "x86_64", 1.0, None, 2, current_generation=False),
    )


def test_a_table_of_default_instance_types_is_loaded_and_checked(tmp_path):
    path = tmp_path / "cloud.toml"
    path.write_text('[default_instance_types]\nx86_64 = "m5.large"\n')
    assert load_config(path).default_instance_types == {"x86_64": "m5.large"}


def test_default_images_are_well_formed_public_over_both_architectures_and_private_per_account():
    images = default_config().images
    assert len(images) == 5
    assert all(AMI.fullmatch(image.id) for image in images)
    assert {image.architecture for image in images if image.public} == {"x86_64", "arm64"}
    assert sorted((image.owner, image.public) for image in images if not image.public) == [
        ("mockuser", False),
        ("otheruser", False),
    ]


def test_shipped_default_cloud_toml_loads_as_the_default_config():
    with as_file(files("simulator") / "default_cloud.toml") as path:
        shipped = load_config(path)
    # the file names EC2's defaults, which default_config() leaves implied
    assert shipped.defaults_by_architecture == default_config().defaults_by_architecture
    assert dataclasses.replace(shipped, default_instance_types=None) == default_config()


def test_toml_without_arrays_keeps_the_default_catalogue(tmp_path):
    path = tmp_path / "cloud.toml"
    path.write_text('region = "eu-west-1"\nboot_seconds = 5\n')
    assert load_config(str(path)) == dataclasses.replace(
        default_config(), region="eu-west-1", boot_seconds=5.0
    )


def test_json_with_every_setting_builds_that_config(tmp_path):
    path = tmp_path / "cloud.json"
    path.write_text(
        json.dumps(
            {
                "region": "ap-south-1",
                "boot_seconds": 0,
                "stop_seconds": 1.5,
                "terminated_retention_seconds": 60,
                "default_instance_type": "big",
                "accounts": [{"name": "alice", "secret": "s3cret"}],
                "instance_types": [
                    {"name": "big", "architecture": "riscv", "memory_gb": 64,
                     "storage_gb": 0.5, "cpus": 16},
                ],
                "zones": [{"name": "z1", "limit": None}, {"name": "z2", "state": "impaired",
                                                          "limit": 0}],
                "images": [
                    {"id": "ami-0123abcd", "name": "mine", "architecture": "riscv",
                     "owner": "alice", "public": False},
                ],
            }
        )
    )  # fmt: skip
    assert load_config(path) == SimulatorConfig(
        accounts=(Account("alice", "s3cret"),),
        instance_types=(InstanceType("big", "riscv", 64.0, 0.5, 16),),
        zones=(Zone("z1"), Zone("z2", "impaired", 0)),
        images=(MachineImage("ami-0123abcd", "mine", "riscv", "alice", False),),
        region="ap-south-1",
        boot_seconds=0.0,
        stop_seconds=1.5,
        terminated_retention_seconds=60.0,
        default_instance_type="big",
    )


def test_simulator_uses_the_loaded_config(tmp_path, clock):
    path = tmp_path / "cloud.toml"
    path.write_text('region = "eu-west-1"\n[[accounts]]\nname = "solo"\nsecret = "x"\n')
    sim = Simulator(load_config(path), clock=clock)
    assert (sim.regions(), sim.authenticate("solo", "x")) == (["eu-west-1"], Account("solo", "x"))


TOML_ERRORS = {
    "unknown-setting": ("bot_seconds = 1", "bot_seconds: unknown setting (expected one of region, "
        "boot_seconds, stop_seconds, terminated_retention_seconds, default_instance_type, "
        "default_instance_types, accounts, instance_types, zones, images)"),
    "negative-duration": ("stop_seconds = -1", "stop_seconds: expected a finite number >= 0, "
        "got -1"),
    "string-duration": ('boot_seconds = "40"', "boot_seconds: expected a number, got str '40'"),
    "bool-duration": ("boot_seconds = true", "boot_seconds: expected a number, got bool True"),
    "empty-region": ('region = ""', "region: expected a non-empty string, got str ''"),
    "array-not-list": ('accounts = "mockuser"', "accounts: expected an array of tables, got str "
        "'mockuser'"),
    "item-not-table": ("zones = [1]", "zones[0]: expected a table, got int 1"),
    "unknown-field": ('[[accounts]]\nname = "a"\npasword = "b"', "accounts[0]: unknown field "
        "'pasword' (expected one of name, secret, id, key_pairs, security_groups)"),
    "missing-field": ('[[accounts]]\nname = "a"', "accounts[0]: missing field 'secret'"),
    "bad-public": ('[[images]]\nid = "ami-12345678"\nname = "n"\narchitecture = "x86_64"\n'
        'owner = "dctck"\npublic = "yes"', "images[0].public: expected true or false, got str "
        "'yes'"),
    "bad-image-id": ('[[images]]\nid = "ami-XYZ"\nname = "n"\narchitecture = "x86_64"\n'
        'owner = "dctck"\npublic = true', "images[0].id: expected 'ami-' and 8 or 17 lower-case "
        "hex digits, got str 'ami-XYZ'"),
    "zero-cpus": ('[[instance_types]]\nname = "t"\narchitecture = "x86_64"\nmemory_gb = 1\n'
        "storage_gb = 1\ncpus = 0", "instance_types[0].cpus: expected an integer >= 1, got int 0"),
    "negative-limit": ('[[zones]]\nname = "z"\nlimit = -1', "zones[0].limit: expected an "
        "integer >= 0 or null, got int -1"),
    "duplicate": ('[[zones]]\nname = "z"\n[[zones]]\nname = "z"', "zones[1].name: duplicate 'z'"),
    "empty-accounts": ("accounts = []", "accounts: must not be empty"),
    "unknown-default-type": ('default_instance_type = "huge"', "default_instance_type: 'huge' "
        "is not an instance type"),
    "defaults-not-a-table": ('default_instance_types = "t3.micro"', "default_instance_types: "
        "expected a table, got str 't3.micro'"),
    "unknown-default-per-architecture": ('[default_instance_types]\nx86_64 = "huge"',
        "default_instance_types.x86_64: 'huge' is not an instance type"),
    "default-of-another-architecture": ('[default_instance_types]\narm64 = "t3.micro"',
        "default_instance_types.arm64: 't3.micro' has the architecture 'x86_64', not 'arm64'"),
    "default-not-a-name": ("[default_instance_types]\narm64 = 3",
        "default_instance_types.arm64: expected a non-empty string, got int 3"),
    "bad-generation": ('[[instance_types]]\nname = "t"\narchitecture = "x86_64"\nmemory_gb = 1\n'
        'cpus = 1\ncurrent_generation = "no"', "instance_types[0].current_generation: expected "
        "true or false, got str 'no'"),
}  # fmt: skip


@pytest.mark.parametrize(("text", "message"), TOML_ERRORS.values(), ids=TOML_ERRORS.keys())
def test_malformed_toml_raises_a_one_line_config_error_naming_file_and_field(
    tmp_path, text, message
):
    path = tmp_path / "cloud.toml"
    path.write_text(text + "\n")
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert excinfo.value.args == (f"{path}: {message}",)


def test_json_null_where_a_string_is_needed_is_a_config_error(tmp_path):
    path = tmp_path / "cloud.json"
    path.write_text('{"accounts": [{"name": null, "secret": "x"}]}')
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert (
        excinfo.value.message == f"{path}: accounts[0].name: expected a non-empty string, got null"
    )


def test_a_mistyped_secret_is_a_config_error_that_does_not_show_it(tmp_path):
    path = tmp_path / "cloud.toml"
    path.write_text('[[accounts]]\nname = "alice"\nsecret = 271828\n')
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert excinfo.value.message == (
        f"{path}: accounts[0].secret: expected a string, got int (value not shown)"
    )


def test_json_top_level_array_is_a_config_error(tmp_path):
    path = tmp_path / "cloud.json"
    path.write_text("[1, 2]")
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert excinfo.value.message == (
        f"{path}: expected a table of settings at the top level, got list [1, 2]"
    )


@pytest.mark.parametrize(
    ("name", "text", "prefix"),
    [
        ("cloud.toml", "region = \n", "invalid TOML: "),
        ("cloud.json", '{"region": ', "invalid JSON: "),
    ],
)
def test_syntax_errors_are_one_line_config_errors(tmp_path, name, text, prefix):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    message = excinfo.value.message
    assert message.startswith(f"{path}: {prefix}")
    assert "\n" not in message


def test_missing_file_is_a_config_error(tmp_path):
    path = tmp_path / "absent.toml"
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert excinfo.value.message.startswith(f"{path}: cannot read: ")


def test_unsupported_suffix_is_a_config_error(tmp_path):
    path = tmp_path / "cloud.yaml"
    path.write_text("region: x\n")
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert excinfo.value.message == f"{path}: unsupported file type '.yaml' (use .toml or .json)"


def test_config_built_in_code_is_validated_too():
    with pytest.raises(ConfigError) as excinfo:
        SimulatorConfig(boot_seconds=-5)
    assert excinfo.value.message == "boot_seconds: expected a finite number >= 0, got -5"


def test_config_turns_lists_into_tuples():
    config = SimulatorConfig(zones=[Zone("only")])  # type: ignore[arg-type]
    assert config.zones == (Zone("only"),)


# Account ids and what accounts start with (issue 9)


def test_account_ids_are_given_or_derived_from_the_name_and_distinct():
    mockuser, otheruser = default_config().accounts
    assert (mockuser.id, otheruser.id) == ("323934552305", "324239804746")
    assert Account("mockuser", "other secret").id == mockuser.id  # stable: the name decides
    given = SimulatorConfig(accounts=(Account("a", "x", "000000000042"), Account("b", "y")))
    assert [account.id for account in given.accounts] == ["000000000042", Account("b", "y").id]


@pytest.mark.parametrize(
    ("accounts", "message"),
    [
        ((Account("a", "x", "12345"),), "accounts[0].id: expected a string of 12 digits"),
        ((Account("a", "x", "12345678901a"),), "accounts[0].id: expected a string of 12 digits"),
        (
            (Account("a", "x", "111111111111"), Account("b", "y", "111111111111")),
            "accounts[1].id: '111111111111' is also the id of account 'a'",
        ),
    ],
)
def test_bad_or_colliding_account_ids_are_config_errors(accounts, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        SimulatorConfig(accounts=accounts)


ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"


def test_accounts_start_with_the_key_pairs_and_groups_of_the_config_file(tmp_path, clock):
    path = tmp_path / "cloud.toml"
    path.write_text(
        '[[accounts]]\nname = "ops"\nsecret = "s"\nid = "210987654321"\n'
        '[[accounts.key_pairs]]\nname = "laptop"\n'
        f'public_key = "{ED25519} me@laptop"\n'
        '[[accounts.security_groups]]\nname = "web"\ndescription = "HTTP in"\n'
        '[[accounts.security_groups.ingress]]\nprotocol = "tcp"\nfrom_port = 80\n'
        'to_port = 80\ncidr = "0.0.0.0/0"\n'
    )
    sim = Simulator(load_config(path), clock=clock)
    [pair] = sim.describe_key_pairs("ops")
    assert (pair.name, pair.key_type, pair.public_key) == ("laptop", "ed25519", ED25519)
    default, web = sim.describe_security_groups("ops")
    assert (default.name, web.name, web.description, web.owner_id) == (
        "default", "web", "HTTP in", "210987654321"
    )  # fmt: skip
    [rule] = web.ingress
    assert rule.permission.key == ("tcp", 80, 80, "0.0.0.0/0", None)
    assert sim.audit_log() == []  # what an account starts with is not a change
    sim.delete_key_pair("ops", "laptop")
    sim.reset()
    assert sim.describe_key_pairs("ops") == [pair]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('id = 123456789012', "accounts[0].id: expected a string of 12 digits, got int"),
        ('[[accounts.key_pairs]]\nname = "k"\npublic_key = "ssh-rsa AAAA"',
         "accounts[0].key_pairs[0].public_key: Key is not in valid OpenSSH public key format"),
        ('[[accounts.key_pairs]]\nname = "k"', "accounts[0].key_pairs[0]: missing field "
         "'public_key'"),
        ('[[accounts.security_groups]]\nname = "default"\ndescription = "d"',
         "accounts[0].security_groups[0]: duplicate 'default'"),
        ('[[accounts.security_groups]]\nname = "w"\ndescription = "d"\n'
         '[[accounts.security_groups.ingress]]\nprotocol = "tcp"\ncidr = "0.0.0.0/0"',
         "accounts[0].security_groups[0].ingress[0]: FromPort is required"),
        ('[[accounts.security_groups]]\nname = "w"\ndescription = "d"\n'
         '[[accounts.security_groups.ingress]]\nprotocol = "tcp"\ncidr = "1.2.3.4/8"\n'
         "from_port = 1\nto_port = 2",
         "accounts[0].security_groups[0].ingress[0]: CIDR block 1.2.3.4/8 is malformed"),
    ],
)  # fmt: skip
def test_bad_resources_in_the_config_file_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "cloud.toml"
    path.write_text('[[accounts]]\nname = "a"\nsecret = "b"\n' + text + "\n")
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert excinfo.value.message.startswith(f"{path}: {message}")
    assert "\n" not in excinfo.value.message
