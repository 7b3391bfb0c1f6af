"""The run journal and ``dctck sweep`` in-process: what is written, what is read back, what a
sweep destroys (the run's own instances only)."""

from __future__ import annotations

import json

import pytest

from dctck._cli import main
from dctck._journal import (
    Journal,
    instance_name,
    new_run_id,
    reachable_environment,
    read_journal,
)
from dctck._sweep import sweep_run
from reference_drivers.ec2 import EC2Driver
from tests.simulator._support import X86_IMAGE

VALID = {"name": "mockuser", "password": "mockpassword"}
RUN = "20261204T191500Z-ab12cd"


def test_a_journal_reads_back_created_gone_and_lost_creates(tmp_path):
    journal = Journal.open(tmp_path, RUN, {"driver": "pkg:Driver"})
    answered = journal.intent(None, "wrong password")
    journal.note("answered", seq=answered)
    kept = journal.intent(instance_name(RUN, 1), "valid credentials")
    journal.created(kept, "i-1")
    gone = journal.intent(instance_name(RUN, 2), "valid credentials")
    journal.created(gone, "i-2")
    journal.gone("i-2")
    journal.created(None, "i-3", "other account")
    journal.intent(instance_name(RUN, 3), "valid credentials")  # its answer never came
    with journal.path.open("a") as stream:
        stream.write('{"event": "created", "id": "i-torn"')  # killed mid-line
    state = read_journal(journal.path)
    assert state.run_id == RUN
    assert state.target == {"driver": "pkg:Driver"}
    assert state.instances == {
        "i-1": "valid credentials",
        "i-2": "valid credentials",
        "i-3": "other account",
    }
    assert state.gone == {"i-2"}
    assert state.lost == [(instance_name(RUN, 3), "valid credentials")]
    assert state.accounts == ["valid credentials", "other account"]


def test_a_file_without_a_run_line_is_not_a_journal(tmp_path):
    path = tmp_path / "journal.jsonl"
    path.write_text(json.dumps({"event": "created", "id": "i-1"}) + "\n")
    with pytest.raises(ValueError, match="not a dctck journal"):
        read_journal(path)


def test_run_ids_are_fresh_and_names_carry_them():
    first, second = new_run_id(), new_run_id()
    assert first != second
    assert instance_name(first, 7) == f"dctck-{first.lower()}-7"


def test_the_environment_kept_leaves_out_secrets():
    environ = {
        "DCTCK_EC2_ENDPOINT": "http://x/",
        "DCTCK_CREDENTIALS": "a:b",
        "DCTCK_SECRET_KEY": "s",
        "DCTCK_API_TOKEN": "t",
        "HOME": "/root",
    }
    assert reachable_environment(environ) == {"DCTCK_EC2_ENDPOINT": "http://x/"}


def test_a_certification_journals_every_create_and_no_credential(certification):
    result, report = certification.run(
        "reference_drivers.ec2:EC2Driver", "--dctck-journal=runs", "-m", "isolation"
    )
    assert report["finished"], result.stdout.str()
    assert [c["id"] for c in report["checks"] if c["outcome"] == "failed"] == []
    (path,) = certification.pytester.path.glob("runs/*/journal.jsonl")
    text = path.read_text()
    assert "mockpassword" not in text
    assert "otherpassword" not in text
    state = read_journal(path)
    assert state.run_id == report["run_id"] == path.parent.name
    assert state.target["driver"] == "reference_drivers.ec2:EC2Driver"
    assert len(state.instances) >= 5
    assert set(state.instances) == state.gone  # every instance was seen gone
    assert state.lost == []


def test_sweep_destroys_the_runs_instances_found_by_id_and_by_name_only(tmp_path):
    driver = EC2Driver()
    stranger = driver.create_instance(VALID, X86_IMAGE, {"name": "someone-else"}).id
    listed = driver.create_instance(VALID, X86_IMAGE, {"name": "kit-made"}).id
    lost = driver.create_instance(VALID, X86_IMAGE, {"name": instance_name(RUN, 2)}).id
    journal = Journal.open(tmp_path, RUN, {"driver": "reference_drivers.ec2:EC2Driver"})
    journal.created(journal.intent(None, "valid credentials"), listed)
    journal.intent(instance_name(RUN, 2), "valid credentials")
    said: list[str] = []
    result = sweep_run(journal.path, {"valid credentials": VALID}, 60, False, driver, said.append)
    assert sorted(result.destroyed) == sorted([listed, lost])
    assert result.left == []
    assert [i.id for i in driver.instances(VALID)] == [stranger]
    assert read_journal(journal.path).swept


def test_a_dry_run_destroys_nothing(tmp_path):
    driver = EC2Driver()
    made = driver.create_instance(VALID, X86_IMAGE, None).id
    journal = Journal.open(tmp_path, RUN, {"driver": "reference_drivers.ec2:EC2Driver"})
    journal.created(journal.intent(None, "valid credentials"), made)
    said: list[str] = []
    result = sweep_run(journal.path, {"valid credentials": VALID}, 60, True, driver, said.append)
    assert result.found == [made]
    assert said == [f"would destroy {made} (valid credentials)"]
    assert [i.id for i in driver.instances(VALID)] == [made]


def test_sweep_refuses_a_bad_run_id_and_says_when_there_is_nothing(tmp_path, capsys):
    assert main(["sweep", "--runs-dir", str(tmp_path), "--run", "../etc"]) == 2
    assert "--run must be a run id" in capsys.readouterr().err
    assert main(["sweep", "--runs-dir", str(tmp_path), "--run", RUN]) == 2
    assert main(["sweep", "--runs-dir", str(tmp_path)]) == 0
    assert "nothing to sweep" in capsys.readouterr().out
