"""``dctck certify --endpoint`` as a CI job runs it: protocols, credentials from the environment
or a profile (never echoed), usage errors on one line with exit 2."""

import json
import re

import pytest

from dctck.rest import RestApp
from tests.endpoint._support import (
    IgnoresFilters,
    RecordsCreates,
    Speechless,
    broken,
    fast_mock,
    served,
)
from tests.reference._support import dctck

pytestmark = pytest.mark.live

ENV = {"DCTCK_CREDENTIALS": "mockuser:mockpassword"}


def one_line_error(result):
    assert result.returncode == 2, result.stdout[-2000:]
    lines = [line for line in result.stderr.strip().splitlines() if line]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--endpoint", "http://127.0.0.1:9/", "--protocol", "openstack"],
            "--endpoint http://127.0.0.1:9/: no answer",
        ),
        (["--endpoint", "http://127.0.0.1:9/"], "--endpoint http://127.0.0.1:9/: no answer"),
        (["--endpoint", "ftp://x"], "--dctck-endpoint must be an http:// or https:// URL"),
        (["mod:Attr", "--endpoint", "http://x/"], "give MODULE:ATTR or --endpoint URL, not both"),
        (["--read-only"], "--read-only needs --endpoint URL (or a --profile naming one)"),
        (["--driver", "ec2"], "--driver needs --endpoint URL (or a --profile naming one)"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    assert message in one_line_error(dctck("certify", *args, env=ENV, cwd=tmp_path))


def test_an_endpoint_speaking_no_known_protocol_is_a_usage_error(tmp_path):
    with served(Speechless()) as url:
        line = one_line_error(dctck("certify", "--endpoint", url, env=ENV, cwd=tmp_path))
    assert "neither a Deltacloud entry point, a Keystone root nor an EC2 Query endpoint" in line
    assert line.endswith("give --protocol")


def test_credentials_from_the_environment_are_never_echoed(tmp_path):
    with served(broken(IgnoresFilters)) as url:  # -v: every failure, each with its reproduction
        result = dctck(
            "certify", "-v", "--endpoint", url, "--report", "r.json", "--", "-m", "filters",
            env=ENV, cwd=tmp_path,
        )  # fmt: skip
    assert result.returncode == 1
    report = (tmp_path / "r.json").read_text()
    for text in (result.stdout, result.stderr, report):
        assert "mockpassword" not in text
        assert "bW9ja3VzZXI6bW9ja3Bhc3N3b3Jk" not in text  # nor in Basic form
    assert "-u 'mockuser:***'" in result.stdout
    reproduction = f"reproduce: curl -X GET -H 'Accept: application/json' -u 'mockuser:***' '{url}"
    assert f"{reproduction}/images?owner_id=dctck'" in result.stdout


def test_a_profile_gives_endpoint_accounts_and_what_to_create_from(tmp_path):
    recorder = RecordsCreates(RestApp(fast_mock()))
    with served(recorder) as url:
        (tmp_path / "cloud.toml").write_text(
            f'endpoint = "{url}"\nprotocol = "deltacloud"\ntimeout = 10\n'
            '[accounts]\ncredentials = "mockuser:mockpassword"\n'
            '[prefer]\nimage = "ami-1f2e3d4c"\nhardware_profile = "t3.micro"\n'
        )
        result = dctck(
            "certify", "--profile", "cloud.toml", "--report", "r.json",
            "--", "-k", "test_created_instance_is_listed_under_its_id",
            cwd=tmp_path,
        )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    (create,) = recorder.creates  # and named after the run (the mock declares user_name)
    assert re.fullmatch(r"hwp_id=t3\.micro&name=dctck-[\w.-]+&image_id=ami-1f2e3d4c", create)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["endpoint"]["url"] == url
    assert report["not_certifying"] == [
        "checks chosen by -k 'test_created_instance_is_listed_under_its_id'"
    ]


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ('endpont = "http://x/"\n', "unknown keys in 'p.toml': endpont"),
        ('endpoint = "http://x/"\nprotocol = "soap"\n', "protocol must be one of"),
        ('endpoint = "http://x/"\n[tls]\nca_file = "none.pem"\n', "tls.ca_file"),
        ("endpoint = [\n", "is not TOML"),
    ],
)
def test_a_bad_profile_is_a_usage_error(tmp_path, profile, message):
    (tmp_path / "p.toml").write_text(profile)
    line = one_line_error(dctck("certify", "--profile", "p.toml", env=ENV, cwd=tmp_path))
    assert message in line
