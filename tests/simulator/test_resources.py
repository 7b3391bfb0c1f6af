"""Key pairs, security groups and the instance operations around them, on the Simulator itself:
per account, audited, all-or-nothing, restored by reset, subject to faults."""

from __future__ import annotations

import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from simulator import (
    AuditEntry,
    AuthFailure,
    CannotDelete,
    DependencyViolation,
    DuplicateGroup,
    DuplicateKeyPair,
    DuplicatePermission,
    IncorrectState,
    InjectedFault,
    InvalidKeyFormat,
    InvalidParameter,
    MalformedGroupId,
    Permission,
    ReservedGroup,
    UnknownGroup,
    UnknownInstanceType,
    UnknownKeyPair,
    UnknownPermission,
)
from tests.simulator._support import ME, ME_ID, OTHER, START, instance_in, launch, observe

SSH = Permission("tcp", 22, 22, cidr="0.0.0.0/0")


def ed25519_line() -> str:
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()


def resources(sim):
    return (
        sim.describe_key_pairs(ME),
        sim.describe_key_pairs(OTHER),
        sim.describe_security_groups(ME),
        sim.describe_security_groups(OTHER),
    )


# Key pairs


def test_key_pairs_are_per_account_and_audited(sim):
    pair, private = sim.create_key_pair(ME, "deploy", "ed25519")
    assert serialization.load_ssh_private_key(private.encode(), password=None)
    assert sim.describe_key_pairs(ME) == [pair]
    assert sim.describe_key_pairs(OTHER) == []
    assert (pair.account, pair.name, pair.key_type, pair.created_at) == (
        ME, "deploy", "ed25519", START
    )  # fmt: skip
    sim.delete_key_pair(ME, "deploy")
    assert sim.audit_log() == [
        AuditEntry(pair.id, ME, None, "available", "create_key_pair", START, "key-pair"),
        AuditEntry(pair.id, ME, "available", "deleted", "delete_key_pair", START, "key-pair"),
    ]


def test_created_rsa_keys_are_2048_bit_pkcs1_pem_and_never_kept(sim):
    _, private = sim.create_key_pair(ME, "rsa")
    key = serialization.load_pem_private_key(private.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048
    assert private.startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert "PRIVATE" not in repr(sim.describe_key_pairs(ME))


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda sim: sim.create_key_pair(ME, "taken", "ed25519"), DuplicateKeyPair),
        (lambda sim: sim.import_key_pair(ME, "taken", ed25519_line()), DuplicateKeyPair),
        (lambda sim: sim.create_key_pair(ME, "x", "dsa"), InvalidParameter),
        (lambda sim: sim.create_key_pair(ME, "", "ed25519"), InvalidParameter),
        (lambda sim: sim.create_key_pair(ME, "é", "ed25519"), InvalidParameter),
        (lambda sim: sim.import_key_pair(ME, "x", "ssh-rsa AAAA"), InvalidKeyFormat),
        (lambda sim: sim.import_key_pair(ME, "x", b"\xff"), InvalidKeyFormat),
        (lambda sim: sim.describe_key_pairs(ME, ["nope"]), UnknownKeyPair),
        (lambda sim: sim.describe_key_pairs(OTHER, ["taken"]), UnknownKeyPair),
        (lambda sim: sim.delete_key_pair(ME, key_pair_id="key-0123456789abcdef0"), UnknownKeyPair),
        (lambda sim: sim.delete_key_pair(ME, "taken", "key-0123456789abcdef0"), InvalidParameter),
        (lambda sim: sim.run_instances(ME, "ami-0a1b2c3d4e5f60718", key_name="nope"),
         UnknownKeyPair),
        (lambda sim: sim.create_key_pair("nobody", "x", "ed25519"), AuthFailure),
    ],
)  # fmt: skip
def test_bad_key_pair_calls_raise_and_change_nothing(sim, call, error):
    sim.create_key_pair(ME, "taken", "ed25519")
    before = (observe(sim), resources(sim))
    with pytest.raises(error):
        call(sim)
    assert (observe(sim), resources(sim)) == before


@pytest.mark.parametrize("bits", [512, 4104])
def test_an_rsa_key_must_have_1024_to_4096_bits(sim, bits):
    key = rsa.RSAPublicNumbers(65537, (1 << (bits - 1)) | 1).public_key()
    line = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    with pytest.raises(InvalidKeyFormat, match=f"1024 to 4096 bits, this one has {bits}"):
        sim.import_key_pair(ME, "odd", line)


def test_import_reads_an_rfc4716_file(sim):
    line = ed25519_line()
    body = line.split()[1]
    ssh2 = (
        "---- BEGIN SSH2 PUBLIC KEY ----\n"
        'Comment: "a long comment \\\n'
        'continued"\n' + "\n".join(body[i : i + 64] for i in range(0, len(body), 64)) + "\n"
        "---- END SSH2 PUBLIC KEY ----\n"
    )
    assert sim.import_key_pair(ME, "ssh2", ssh2).public_key == line


# Security groups


def test_each_account_starts_with_a_default_group_and_reset_restores_it(sim):
    [mine] = sim.describe_security_groups(ME)
    [theirs] = sim.describe_security_groups(OTHER)
    assert (mine.name, mine.owner_id, mine.ingress) == ("default", ME_ID, ())
    assert mine.id != theirs.id
    sim.create_security_group(ME, "web", "d")
    sim.reset()
    assert sim.describe_security_groups(ME) == [mine]


def test_rules_are_authorized_and_revoked_all_or_nothing_and_audited(sim):
    group = sim.create_security_group(ME, "web", "web servers")
    http = Permission("6", 80, 80, cidr="10.0.0.0/8")
    assert http.protocol == "tcp"
    sim.authorize_security_group_ingress(ME, [SSH], group_id=group.id)
    with pytest.raises(DuplicatePermission):
        sim.authorize_security_group_ingress(ME, [http, SSH], group_name="web")
    [now] = sim.describe_security_groups(ME, [group.id])
    assert [rule.permission for rule in now.ingress] == [SSH]
    with pytest.raises(UnknownPermission):
        sim.revoke_security_group_ingress(ME, [SSH, http], group_id=group.id)
    sim.revoke_security_group_ingress(ME, [SSH], group_id=group.id)
    assert [(e.from_state, e.to_state, e.cause) for e in sim.audit_log()] == [
        (None, "available", "create_security_group"),
        ("available", "available", "authorize_security_group_ingress"),
        ("available", "available", "revoke_security_group_ingress"),
    ]
    assert {e.resource_type for e in sim.audit_log()} == {"security-group"}


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: Permission("tcp", 22, None, cidr="0.0.0.0/0"), InvalidParameter),
        (lambda: Permission("tcp", 80, 22, cidr="0.0.0.0/0"), InvalidParameter),
        (lambda: Permission("tcp", 22, 22), InvalidParameter),
        (lambda: Permission("tcp", 22, 22, cidr="0.0.0.0/0", group_id="sg-12345678"),
         InvalidParameter),
        (lambda: Permission("tcp", 22, 22, cidr="300.0.0.0/8"), InvalidParameter),
        (lambda: Permission("icmp", -2, 0, cidr="0.0.0.0/0"), InvalidParameter),
        (lambda: Permission("256", cidr="0.0.0.0/0"), InvalidParameter),
        (lambda: Permission("tcp", 22, 22, group_id="sg-nope"), MalformedGroupId),
    ],
)  # fmt: skip
def test_a_permission_checks_itself(make, error):
    with pytest.raises(error):
        make()


def test_permissions_normalize_protocols_and_ports():
    assert Permission("-1", 5, 6, cidr="0.0.0.0/0").key == (
        "-1", None, None, "0.0.0.0/0", None
    )  # fmt: skip
    assert Permission("ICMP", cidr="::/0").key == ("icmp", -1, -1, "::/0", None)
    assert Permission("47", cidr="10.0.0.0/8").protocol == "47"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda sim: sim.create_security_group(ME, "web", "again"), DuplicateGroup),
        (lambda sim: sim.create_security_group(ME, "Web", "again"), DuplicateGroup),
        (lambda sim: sim.create_security_group(ME, "default", "d"), ReservedGroup),
        (lambda sim: sim.create_security_group(ME, "sg-web", "d"), InvalidParameter),
        (lambda sim: sim.create_security_group(ME, "x" * 256, "d"), InvalidParameter),
        (lambda sim: sim.create_security_group(ME, "ok", "tab\there"), InvalidParameter),
        (lambda sim: sim.describe_security_groups(OTHER, names=["web"]), UnknownGroup),
        (lambda sim: sim.describe_security_groups(ME, ["sg-0123456789abcdef0"]), UnknownGroup),
        (lambda sim: sim.describe_security_groups(ME, ["sg-?"]), MalformedGroupId),
        (lambda sim: sim.delete_security_group(ME, group_name="default"), CannotDelete),
        (lambda sim: sim.delete_security_group(OTHER, group_name="web"), UnknownGroup),
        (lambda sim: sim.delete_security_group(ME), InvalidParameter),
        (lambda sim: sim.authorize_security_group_ingress(ME, [], group_name="web"),
         InvalidParameter),
        (lambda sim: sim.authorize_security_group_ingress(
            ME, [Permission("tcp", 1, 2, group_id="sg-0123456789abcdef0")], group_name="web"),
         UnknownGroup),
        (lambda sim: sim.run_instances(ME, "ami-0a1b2c3d4e5f60718",
                                       security_group_names=["web", "nope"]), UnknownGroup),
    ],
)  # fmt: skip
def test_bad_group_calls_raise_and_change_nothing(sim, call, error):
    sim.create_security_group(ME, "web", "d")
    before = (observe(sim), resources(sim))
    with pytest.raises(error):
        call(sim)
    assert (observe(sim), resources(sim)) == before


def test_a_group_used_by_a_live_instance_or_a_rule_cannot_be_deleted(sim):
    web = sim.create_security_group(ME, "web", "d")
    db = sim.create_security_group(ME, "db", "d")
    sim.authorize_security_group_ingress(
        ME, [Permission("tcp", 5432, 5432, group_id=web.id)], group_id=db.id
    )
    instance_id = launch(sim, security_group_ids=[db.id])
    for group in (web, db):
        with pytest.raises(DependencyViolation):
            sim.delete_security_group(ME, group_id=group.id)
    sim.terminate_instances(ME, [instance_id])
    sim.clock.tick(20)
    sim.delete_security_group(ME, group_id=db.id)
    sim.delete_security_group(ME, group_name="web")
    assert [group.name for group in sim.describe_security_groups(ME)] == ["default"]


def test_faults_apply_to_the_new_operations(sim):
    sim.faults.fail_next("create_key_pair", code="InternalError")
    sim.faults.fail_next("create_security_group", code="Unavailable")
    with pytest.raises(InjectedFault):
        sim.create_key_pair(ME, "k", "ed25519")
    with pytest.raises(InjectedFault):
        sim.create_security_group(ME, "g", "d")
    assert resources(sim)[0] == []
    sim.create_key_pair(ME, "k", "ed25519")


# Instance operations


def test_instance_status_is_running_ones_unless_all_are_asked_for(sim):
    running = instance_in(sim, "running")
    stopped = instance_in(sim, "stopped")
    assert [view.id for view in sim.describe_instance_status(ME)] == [running]
    assert [view.id for view in sim.describe_instance_status(ME, include_all=True)] == [
        running,
        stopped,
    ]
    assert sim.describe_instance_status(ME, [stopped]) == []
    assert sim.describe_instance_status(OTHER, include_all=True) == []


def test_modify_instance_attribute_changes_the_type_when_stopped_and_audits_it(sim):
    instance_id = instance_in(sim, "stopped")
    running = instance_in(sim, "running")
    with pytest.raises(IncorrectState):
        sim.modify_instance_attribute(ME, running, instance_type="m5.large")
    with pytest.raises(UnknownInstanceType):
        sim.modify_instance_attribute(ME, instance_id, instance_type="nope")
    with pytest.raises(InvalidParameter):  # arm64 type for an x86_64 instance
        sim.modify_instance_attribute(ME, instance_id, instance_type="c6g.medium")
    with pytest.raises(InvalidParameter):
        sim.modify_instance_attribute(ME, instance_id)
    view = sim.modify_instance_attribute(ME, instance_id, instance_type="m5.large")
    assert view.instance_type == "m5.large"
    last = sim.audit_log()[-1]
    assert (last.instance_id, last.from_state, last.to_state, last.cause) == (
        instance_id, "stopped", "stopped", "modify_instance_attribute"
    )  # fmt: skip
    sim.start_instances(ME, [instance_id])
    assert sim.describe_instance_attribute(ME, instance_id).instance_type == "m5.large"


def test_an_instances_groups_can_change_but_not_once_terminated(sim):
    web = sim.create_security_group(ME, "web", "d")
    instance_id = instance_in(sim, "running")
    view = sim.modify_instance_attribute(ME, instance_id, security_group_ids=[web.id])
    assert view.security_groups == ((web.id, "web"),)
    gone = instance_in(sim, "terminated")
    with pytest.raises(IncorrectState):
        sim.modify_instance_attribute(ME, gone, security_group_ids=[web.id])


def test_delete_tags_keeps_a_tag_whose_value_differs(sim):
    instance_id = launch(sim, tags={"a": "1", "b": "2", "c": "3"})
    sim.delete_tags(ME, [instance_id], {"a": None, "b": "other", "c": "3"})
    assert sim.describe_tags(ME) == [(instance_id, "b", "2")]
    sim.delete_tags(ME, [instance_id])
    assert sim.describe_tags(ME) == []


def test_console_output_follows_the_lifecycle(sim):
    instance_id = launch(sim)
    assert sim.get_console_output(ME, instance_id) == ("", START)
    sim.clock.tick(40)
    booted, _ = sim.get_console_output(ME, instance_id)
    assert instance_id in booted
    sim.stop_instances(ME, [instance_id])
    sim.clock.tick(20)
    stopped, at = sim.get_console_output(ME, instance_id)
    assert stopped.startswith(booted)
    assert stopped.endswith("Power down\n")
    assert at == START + 60


def test_concurrent_creations_of_one_name_leave_exactly_one(sim):
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def create(number: int) -> None:
        barrier.wait()
        try:
            if number % 2:
                sim.create_security_group(ME, "same", f"from {number}")
            else:
                sim.create_key_pair(ME, "same", "ed25519")
            outcomes.append("created")
        except (DuplicateGroup, DuplicateKeyPair) as err:
            outcomes.append(type(err).__name__)

    threads = [threading.Thread(target=create, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["DuplicateGroup"] * 3 + ["DuplicateKeyPair"] * 3 + ["created"] * 2
    assert [pair.name for pair in sim.describe_key_pairs(ME)] == ["same"]
    assert [group.name for group in sim.describe_security_groups(ME)] == ["default", "same"]
