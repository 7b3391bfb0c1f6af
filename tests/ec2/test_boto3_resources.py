"""Everyday boto3 code beyond the lifecycle: key pairs, security groups, status checks,
instance attributes, console output, DeleteTags and account ids.

Every test runs twice, like those of test_boto3: in-process and over HTTP (marked live).
Retries are off, so each error surfaces with its exact code and HTTP status.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tests.ec2._support import ME_ID, OTHER, OTHER_ID, X86_IMAGE

SSH = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
FAST_WAIT = {"Delay": 0, "MaxAttempts": 5}


def refused(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def launch(boto: Any, **extra: Any) -> str:
    answer = boto.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1, **extra)
    return str(answer["Instances"][0]["InstanceId"])


def only(answer: dict[str, Any]) -> dict[str, Any]:
    [reservation] = answer["Reservations"]
    [instance] = reservation["Instances"]
    return instance  # type: ignore[no-any-return]


def colon_hex(digest: bytes) -> str:
    return ":".join(f"{byte:02x}" for byte in digest)


def openssh_blob(public_line: str) -> bytes:
    return base64.b64decode(public_line.split()[1])


# Key pairs


def test_a_created_rsa_key_is_a_real_key_a_user_can_save_and_load(boto, tmp_path):
    answer = boto.create_key_pair(KeyName="deploy")
    material = answer["KeyMaterial"]
    assert material.startswith("-----BEGIN RSA PRIVATE KEY-----")
    path = tmp_path / "deploy.pem"
    path.write_text(material)
    os.chmod(path, 0o600)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert answer["KeyFingerprint"] == colon_hex(hashlib.sha1(pkcs8).digest())
    [listed] = boto.describe_key_pairs(KeyNames=["deploy"], IncludePublicKey=True)["KeyPairs"]
    own_public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    assert listed["PublicKey"] == own_public.decode() + " deploy"
    assert (listed["KeyPairId"], listed["KeyType"], listed["KeyFingerprint"]) == (
        answer["KeyPairId"],
        "rsa",
        answer["KeyFingerprint"],
    )


def test_a_created_ed25519_key_loads_and_has_the_sha256_fingerprint(boto, tmp_path):
    answer = boto.create_key_pair(KeyName="edge", KeyType="ed25519")
    assert answer["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    path = tmp_path / "edge"
    path.write_text(answer["KeyMaterial"])
    key = serialization.load_ssh_private_key(path.read_bytes(), password=None)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    expected = base64.b64encode(hashlib.sha256(openssh_blob(public.decode())).digest()).decode()
    assert answer["KeyFingerprint"] == expected
    [listed] = boto.describe_key_pairs(KeyPairIds=[answer["KeyPairId"]])["KeyPairs"]
    assert (listed["KeyName"], listed["KeyType"]) == ("edge", "ed25519")
    assert "PublicKey" not in listed  # only with IncludePublicKey


def test_import_key_pair_accepts_an_openssh_rsa_public_key_with_the_md5_fingerprint(boto):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    line = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    answer = boto.import_key_pair(KeyName="laptop", PublicKeyMaterial=line + b" me@laptop")
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert answer["KeyFingerprint"] == colon_hex(hashlib.md5(der).digest())
    assert answer["KeyName"] == "laptop"
    assert answer["KeyPairId"].startswith("key-")
    instance_id = launch(boto, KeyName="laptop")
    assert only(boto.describe_instances(InstanceIds=[instance_id]))["KeyName"] == "laptop"


def test_import_key_pair_accepts_an_ed25519_key_as_openssh_or_pem(boto):
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    line = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    first = boto.import_key_pair(KeyName="a", PublicKeyMaterial=line)
    second = boto.import_key_pair(KeyName="b", PublicKeyMaterial=pem)
    expected = base64.b64encode(hashlib.sha256(openssh_blob(line.decode())).digest()).decode()
    assert first["KeyFingerprint"] == second["KeyFingerprint"] == expected


@pytest.mark.parametrize(
    "material",
    [b"not a key", b"ssh-rsa AAAA", b"ssh-dss AAAAB3NzaC1kc3MAAACBAP", b"\xff\xfe"],
)
def test_import_key_pair_refuses_material_that_is_not_a_key(boto, material):
    with pytest.raises(ClientError) as excinfo:
        boto.import_key_pair(KeyName="bad", PublicKeyMaterial=material)
    assert refused(excinfo) == ("InvalidKeyPair.Format", 400)
    assert boto.describe_key_pairs()["KeyPairs"] == []


def test_a_key_name_is_unique_per_account_and_other_accounts_do_not_see_it(boto, connect):
    boto.create_key_pair(KeyName="deploy", KeyType="ed25519")
    with pytest.raises(ClientError) as excinfo:
        boto.create_key_pair(KeyName="deploy")
    assert refused(excinfo) == ("InvalidKeyPair.Duplicate", 400)
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    line = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    with pytest.raises(ClientError) as excinfo:
        boto.import_key_pair(KeyName="deploy", PublicKeyMaterial=line)
    assert refused(excinfo) == ("InvalidKeyPair.Duplicate", 400)
    other = connect(OTHER)
    assert other.describe_key_pairs()["KeyPairs"] == []
    other.create_key_pair(KeyName="deploy", KeyType="ed25519")  # its own namespace
    with pytest.raises(ClientError) as excinfo:
        launch(other, KeyName="mine-only")
    assert refused(excinfo) == ("InvalidKeyPair.NotFound", 400)


def test_unknown_key_pairs_are_not_found_by_name_by_id_or_at_launch(boto):
    for call in (
        lambda: boto.describe_key_pairs(KeyNames=["nope"]),
        lambda: boto.describe_key_pairs(KeyPairIds=["key-0123456789abcdef0"]),
        lambda: boto.delete_key_pair(KeyPairId="key-0123456789abcdef0"),
        lambda: launch(boto, KeyName="nope"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert refused(excinfo) == ("InvalidKeyPair.NotFound", 400)
    assert boto.describe_instances()["Reservations"] == []


def test_delete_key_pair_by_name_or_id_and_a_missing_name_is_not_an_error(boto):
    first = boto.create_key_pair(KeyName="one", KeyType="ed25519")
    boto.create_key_pair(KeyName="two", KeyType="ed25519")
    assert boto.delete_key_pair(KeyName="one")["Return"] is True
    assert boto.delete_key_pair(KeyName="one")["Return"] is True  # EC2: idempotent by name
    [two] = boto.describe_key_pairs()["KeyPairs"]
    assert two["KeyName"] == "two"
    assert boto.delete_key_pair(KeyPairId=two["KeyPairId"])["KeyPairId"] == two["KeyPairId"]
    assert boto.describe_key_pairs()["KeyPairs"] == []
    assert first["KeyPairId"] != two["KeyPairId"]


def test_key_pair_filters_and_bad_key_types(boto):
    boto.create_key_pair(KeyName="web-1", KeyType="ed25519")
    boto.create_key_pair(KeyName="db-1", KeyType="ed25519")
    found = boto.describe_key_pairs(Filters=[{"Name": "key-name", "Values": ["web-*"]}])
    assert [pair["KeyName"] for pair in found["KeyPairs"]] == ["web-1"]
    with pytest.raises(ClientError) as excinfo:
        boto.create_key_pair(KeyName="x", KeyType="dsa")
    assert refused(excinfo) == ("InvalidParameterValue", 400)
    with pytest.raises(ClientError) as excinfo:
        boto.create_key_pair(KeyName="x", KeyFormat="ppk")
    assert refused(excinfo) == ("InvalidParameterValue", 400)


def test_dry_run_on_key_pair_actions_changes_nothing(boto):
    boto.create_key_pair(KeyName="kept", KeyType="ed25519")
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    line = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    for call in (
        lambda: boto.create_key_pair(KeyName="new", DryRun=True),
        lambda: boto.import_key_pair(KeyName="new", PublicKeyMaterial=line, DryRun=True),
        lambda: boto.delete_key_pair(KeyName="kept", DryRun=True),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert refused(excinfo) == ("DryRunOperation", 412)
    assert [pair["KeyName"] for pair in boto.describe_key_pairs()["KeyPairs"]] == ["kept"]


# Security groups


def test_every_account_has_its_own_default_group_owned_by_its_account_id(boto, connect):
    [mine] = boto.describe_security_groups()["SecurityGroups"]
    [theirs] = connect(OTHER).describe_security_groups()["SecurityGroups"]
    assert (mine["GroupName"], mine["OwnerId"]) == ("default", ME_ID)
    assert (theirs["GroupName"], theirs["OwnerId"]) == ("default", OTHER_ID)
    assert mine["GroupId"] != theirs["GroupId"]
    assert mine["VpcId"].startswith("vpc-")
    assert mine["IpPermissions"] == []
    assert mine["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]
    with pytest.raises(ClientError) as excinfo:
        boto.delete_security_group(GroupName="default")
    assert refused(excinfo) == ("CannotDelete", 400)


def test_create_authorize_describe_revoke_and_delete_a_group(boto):
    group_id = boto.create_security_group(GroupName="web", Description="web servers")["GroupId"]
    rules = boto.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            SSH,
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 443,
             "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "office"}],
             "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}]},
        ],
    )["SecurityGroupRules"]  # fmt: skip
    assert [(rule["FromPort"], rule["ToPort"], rule["IsEgress"]) for rule in rules] == [
        (22, 22, False),
        (80, 443, False),
        (80, 443, False),
    ]
    boto.authorize_security_group_ingress(
        GroupName="web", IpProtocol="udp", FromPort=53, ToPort=53, CidrIp="192.168.0.0/16"
    )
    [group] = boto.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert group["Description"] == "web servers"
    assert [
        (p["IpProtocol"], p["FromPort"], p["ToPort"], p["IpRanges"], p["Ipv6Ranges"])
        for p in group["IpPermissions"]
    ] == [
        ("tcp", 22, 22, [{"CidrIp": "0.0.0.0/0"}], []),
        ("tcp", 80, 443, [{"CidrIp": "10.0.0.0/8", "Description": "office"}],
         [{"CidrIpv6": "2001:db8::/32"}]),
        ("udp", 53, 53, [{"CidrIp": "192.168.0.0/16"}], []),
    ]  # fmt: skip
    by_port = boto.describe_security_groups(
        Filters=[{"Name": "ip-permission.from-port", "Values": ["53"]}]
    )
    assert [g["GroupId"] for g in by_port["SecurityGroups"]] == [group_id]
    boto.revoke_security_group_ingress(GroupId=group_id, IpPermissions=[SSH])
    with pytest.raises(ClientError) as excinfo:
        boto.revoke_security_group_ingress(GroupId=group_id, IpPermissions=[SSH])
    assert refused(excinfo) == ("InvalidPermission.NotFound", 400)
    boto.delete_security_group(GroupId=group_id)
    names = [g["GroupName"] for g in boto.describe_security_groups()["SecurityGroups"]]
    assert names == ["default"]


def test_group_names_are_unique_default_is_reserved_and_rules_are_not_doubled(boto):
    group_id = boto.create_security_group(GroupName="web", Description="d")["GroupId"]
    for name in ("web", "WEB", "default"):
        with pytest.raises(ClientError) as excinfo:
            boto.create_security_group(GroupName=name, Description="d")
        expected = "InvalidGroup.Reserved" if name == "default" else "InvalidGroup.Duplicate"
        assert refused(excinfo) == (expected, 400)
    boto.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[SSH])
    with pytest.raises(ClientError) as excinfo:
        boto.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[SSH])
    assert refused(excinfo) == ("InvalidPermission.Duplicate", 400)
    [group] = boto.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert len(group["IpPermissions"]) == 1


def test_unknown_and_malformed_groups_and_bad_rules(boto, connect):
    mine = boto.create_security_group(GroupName="mine", Description="d")["GroupId"]
    other = connect(OTHER)
    cases = [
        (lambda: boto.describe_security_groups(GroupIds=["sg-0123456789abcdef0"]),
         "InvalidGroup.NotFound"),
        (lambda: boto.describe_security_groups(GroupNames=["nope"]), "InvalidGroup.NotFound"),
        (lambda: boto.describe_security_groups(GroupIds=["sg-xyz"]), "InvalidGroupId.Malformed"),
        (lambda: other.delete_security_group(GroupId=mine), "InvalidGroup.NotFound"),
        (lambda: other.authorize_security_group_ingress(GroupId=mine, IpPermissions=[SSH]),
         "InvalidGroup.NotFound"),
        (lambda: launch(boto, SecurityGroupIds=["sg-0123456789abcdef0"]),
         "InvalidGroup.NotFound"),
        (lambda: launch(boto, SecurityGroups=["nope"]), "InvalidGroup.NotFound"),
        (lambda: boto.authorize_security_group_ingress(
            GroupId=mine, IpPermissions=[SSH | {"IpRanges": [{"CidrIp": "10.0.0.1/8"}]}]),
         "InvalidParameterValue"),
        (lambda: boto.authorize_security_group_ingress(
            GroupId=mine, IpPermissions=[SSH | {"FromPort": 70000, "ToPort": 70000}]),
         "InvalidParameterValue"),
        (lambda: boto.authorize_security_group_ingress(
            GroupId=mine, IpPermissions=[SSH | {"IpProtocol": "gre"}]),
         "InvalidParameterValue"),
        (lambda: boto.create_security_group(GroupName="x", Description="d", VpcId="vpc-1"),
         "InvalidVpcID.NotFound"),
    ]  # fmt: skip
    for call, code in cases:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert refused(excinfo) == (code, 400), code
    [group] = boto.describe_security_groups(GroupIds=[mine])["SecurityGroups"]
    assert group["IpPermissions"] == []
    assert boto.describe_instances()["Reservations"] == []


def test_instances_show_their_groups_and_a_group_in_use_cannot_be_deleted(boto, sim):
    web = boto.create_security_group(GroupName="web", Description="d")["GroupId"]
    db = boto.create_security_group(GroupName="db", Description="d")["GroupId"]
    boto.authorize_security_group_ingress(
        GroupId=db,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                        "UserIdGroupPairs": [{"GroupId": web}]}],
    )  # fmt: skip
    [db_group] = boto.describe_security_groups(GroupIds=[db])["SecurityGroups"]
    [pair] = db_group["IpPermissions"][0]["UserIdGroupPairs"]
    assert (pair["GroupId"], pair["UserId"]) == (web, ME_ID)
    by_id = launch(boto, SecurityGroupIds=[web])
    by_name = launch(boto, SecurityGroups=["db"])
    plain = launch(boto)
    groups = {
        instance_id: only(boto.describe_instances(InstanceIds=[instance_id]))["SecurityGroups"]
        for instance_id in (by_id, by_name, plain)
    }
    [default] = boto.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    assert groups == {
        by_id: [{"GroupId": web, "GroupName": "web"}],
        by_name: [{"GroupId": db, "GroupName": "db"}],
        plain: [{"GroupId": default["GroupId"], "GroupName": "default"}],
    }
    found = boto.describe_instances(Filters=[{"Name": "instance.group-name", "Values": ["db"]}])
    assert only(found)["InstanceId"] == by_name
    for group_id in (web, db):  # web: by an instance and by db's rule; db: by an instance
        with pytest.raises(ClientError) as excinfo:
            boto.delete_security_group(GroupId=group_id)
        assert refused(excinfo) == ("DependencyViolation", 400)
    boto.terminate_instances(InstanceIds=[by_name])
    sim.clock.tick(20)  # terminated: it no longer holds the group
    boto.delete_security_group(GroupId=db)


def test_dry_run_on_group_actions_changes_nothing(boto):
    group_id = boto.create_security_group(GroupName="web", Description="d")["GroupId"]
    for call in (
        lambda: boto.create_security_group(GroupName="new", Description="d", DryRun=True),
        lambda: boto.authorize_security_group_ingress(
            GroupId=group_id, IpPermissions=[SSH], DryRun=True
        ),
        lambda: boto.revoke_security_group_ingress(
            GroupId=group_id, IpPermissions=[SSH], DryRun=True
        ),
        lambda: boto.delete_security_group(GroupId=group_id, DryRun=True),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert refused(excinfo) == ("DryRunOperation", 412)
    groups = boto.describe_security_groups()["SecurityGroups"]
    assert [(g["GroupName"], g["IpPermissions"]) for g in groups] == [
        ("default", []),
        ("web", []),
    ]


# Instance status, attributes, console output


def test_describe_instance_status_lists_running_instances_unless_asked_for_all(boto, sim):
    running = launch(boto)
    sim.clock.tick(40)
    pending = launch(boto)
    [status] = boto.describe_instance_status()["InstanceStatuses"]
    assert status["InstanceId"] == running
    assert status["InstanceState"] == {"Code": 16, "Name": "running"}
    assert status["InstanceStatus"]["Status"] == status["SystemStatus"]["Status"] == "ok"
    assert status["InstanceStatus"]["Details"] == [{"Name": "reachability", "Status": "passed"}]
    every = boto.describe_instance_status(IncludeAllInstances=True)["InstanceStatuses"]
    assert [(s["InstanceId"], s["InstanceStatus"]["Status"]) for s in every] == [
        (running, "ok"),
        (pending, "not-applicable"),
    ]
    assert boto.describe_instance_status(InstanceIds=[pending])["InstanceStatuses"] == []
    boto.get_waiter("instance_status_ok").wait(InstanceIds=[running], WaiterConfig=FAST_WAIT)
    with pytest.raises(ClientError) as excinfo:
        boto.describe_instance_status(InstanceIds=["i-0123456789abcdef0"])
    assert refused(excinfo) == ("InvalidInstanceID.NotFound", 400)


def test_the_instance_type_changes_only_while_stopped(boto, sim):
    instance_id = launch(boto)
    sim.clock.tick(40)
    with pytest.raises(ClientError) as excinfo:
        boto.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "m5.large"})
    assert refused(excinfo) == ("IncorrectInstanceState", 400)
    boto.stop_instances(InstanceIds=[instance_id])
    sim.clock.tick(20)
    with pytest.raises(ClientError) as excinfo:
        boto.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "z9.huge"})
    assert refused(excinfo) == ("InvalidParameterValue", 400)
    with pytest.raises(ClientError) as excinfo:
        boto.modify_instance_attribute(
            InstanceId=instance_id, InstanceType={"Value": "m5.large"}, DryRun=True
        )
    assert refused(excinfo) == ("DryRunOperation", 412)
    boto.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "m5.large"})
    attribute = boto.describe_instance_attribute(InstanceId=instance_id, Attribute="instanceType")
    assert attribute["InstanceType"] == {"Value": "m5.large"}
    boto.modify_instance_attribute(
        InstanceId=instance_id, Attribute="instanceType", Value="t3.micro"
    )
    boto.start_instances(InstanceIds=[instance_id])
    assert only(boto.describe_instances(InstanceIds=[instance_id]))["InstanceType"] == "t3.micro"


def test_an_instances_groups_change_and_read_back_through_attributes(boto, sim):
    web = boto.create_security_group(GroupName="web", Description="d")["GroupId"]
    instance_id = launch(boto)
    boto.modify_instance_attribute(InstanceId=instance_id, Groups=[web])
    answer = boto.describe_instance_attribute(InstanceId=instance_id, Attribute="groupSet")
    assert answer["Groups"] == [{"GroupId": web, "GroupName": "web"}]
    stopper = boto.describe_instance_attribute(
        InstanceId=instance_id, Attribute="disableApiTermination"
    )
    assert stopper["DisableApiTermination"] == {"Value": False}
    with pytest.raises(ClientError) as excinfo:
        boto.modify_instance_attribute(InstanceId=instance_id, Groups=["sg-0123456789abcdef0"])
    assert refused(excinfo) == ("InvalidGroup.NotFound", 400)
    with pytest.raises(ClientError) as excinfo:
        boto.modify_instance_attribute(
            InstanceId=instance_id, DisableApiTermination={"Value": True}
        )
    assert refused(excinfo) == ("UnsupportedOperation", 400)
    with pytest.raises(ClientError) as excinfo:
        boto.describe_instance_attribute(InstanceId=instance_id, Attribute="nonsense")
    assert refused(excinfo) == ("InvalidParameterValue", 400)
    with pytest.raises(ClientError) as excinfo:
        boto.modify_instance_attribute(InstanceId="i-0123456789abcdef0", Groups=[web])
    assert refused(excinfo) == ("InvalidInstanceID.NotFound", 400)


def test_console_output_is_empty_until_the_first_boot_then_a_log(boto, sim):
    instance_id = launch(boto, KeyName=boto.create_key_pair(KeyName="k")["KeyName"])
    answer = boto.get_console_output(InstanceId=instance_id)
    assert answer["InstanceId"] == instance_id
    assert "Output" not in answer
    sim.clock.tick(40)
    output = boto.get_console_output(InstanceId=instance_id, Latest=True)["Output"]
    assert f"instance {instance_id} (t3.micro, x86_64)" in output
    assert "key pair for ec2-user: k" in output
    with pytest.raises(ClientError) as excinfo:
        boto.get_console_output(InstanceId="i-0123456789abcdef0")
    assert refused(excinfo) == ("InvalidInstanceID.NotFound", 400)


# DeleteTags


def test_delete_tags_by_key_by_key_and_value_or_all(boto):
    first, second = launch(boto), launch(boto)
    tags = [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Key": "c", "Value": ""}]
    boto.create_tags(Resources=[first, second], Tags=tags)
    boto.delete_tags(Resources=[first], Tags=[{"Key": "a"}])
    boto.delete_tags(Resources=[first], Tags=[{"Key": "b", "Value": "other"}])  # value differs
    boto.delete_tags(Resources=[first], Tags=[{"Key": "c", "Value": ""}])
    boto.delete_tags(Resources=[second])  # no Tags: all of them
    left = boto.describe_tags()["Tags"]
    assert [(t["ResourceId"], t["Key"], t["Value"]) for t in left] == [(first, "b", "2")]


def test_delete_tags_errors_change_nothing(boto):
    instance_id = launch(boto)
    boto.create_tags(Resources=[instance_id], Tags=[{"Key": "a", "Value": "1"}])
    cases = [
        (lambda: boto.delete_tags(Resources=[instance_id, "i-0123456789abcdef0"]),
         "InvalidInstanceID.NotFound"),
        (lambda: boto.delete_tags(Resources=["sg-0123456789abcdef0"]), "InvalidID"),
        (lambda: boto.delete_tags(Resources=[instance_id], Tags=[{"Key": "aws:x"}]),
         "InvalidParameterValue"),
    ]  # fmt: skip
    for call, code in cases:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert refused(excinfo) == (code, 400)
    with pytest.raises(ClientError) as excinfo:
        boto.delete_tags(Resources=[instance_id], DryRun=True)
    assert refused(excinfo) == ("DryRunOperation", 412)
    assert len(boto.describe_tags()["Tags"]) == 1


# Account ids


def test_reservations_are_owned_by_distinct_twelve_digit_account_ids(boto, connect):
    mine = boto.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1)["OwnerId"]
    theirs = connect(OTHER).run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1)["OwnerId"]
    assert (mine, theirs) == (ME_ID, OTHER_ID)
    assert len(mine) == 12
    assert mine.isdigit()
    [reservation] = boto.describe_instances()["Reservations"]
    assert reservation["OwnerId"] == ME_ID
