"""Suite packs as plugins: a third party's pack, installed as a distribution with an entry point
in ``dctck.suites`` (a dist-info folder on PYTHONPATH: no network, no pip), runs, is selected
with ``--areas`` and is reported beside dctck's own areas."""

import json
import subprocess
import sys

import pytest

from tests.reference._support import dctck

MOCK = "reference_drivers.mock:MockDriver"
ACCOUNTS = ["--credentials", "mockuser:mockpassword"]
BUNDLED = ["models", "ids", "filters", "auth", "isolation", "fsm", "create", "faults"]

PACK = """
from pathlib import Path

from dctck.kit import SuitePack

PACK = SuitePack("quota", Path(__file__).parent / "checks", ("quota",))
"""
SUITE = '''
"""Area quota: what one provider promises of its realms."""

from dctck.kit import Harness, Violation, area, require, rule

pytestmark = area("quota")

FEW = "QUOTA 1: an account sees at most 50 realms"
MANY = "QUOTA 2: an account sees at least 100 realms"


@rule(FEW)
def test_realms_are_few(dctck_harness: Harness) -> None:
    call, realms = dctck_harness.listing("realms")
    if len(realms) > 50:
        require([Violation(call, FEW, f"gave {len(realms)} realms", "at most 50")])


@rule(MANY)
def test_realms_are_many(dctck_harness: Harness) -> None:
    call, realms = dctck_harness.listing("realms")
    if len(realms) < 100:
        require([Violation(call, MANY, f"gave {len(realms)} realms", "at least 100")])
'''


def _install(site, entry="quota_pack:PACK"):
    """A distribution ``quota-pack`` as pip would leave it: the package and its dist-info."""
    package = site / "quota_pack"
    (package / "checks").mkdir(parents=True)
    (package / "__init__.py").write_text(PACK)
    (package / "checks" / "suite_quota.py").write_text(SUITE)
    info = site / "quota_pack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: quota-pack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[dctck.suites]\nquota = {entry}\n")
    return {"PYTHONPATH": str(site)}


@pytest.fixture
def installed(tmp_path):
    return _install(tmp_path / "site")


def _certify(tmp_path, env, *options):
    result = dctck(
        "certify", MOCK, *ACCOUNTS, "--report", "r.json", *options, env=env, cwd=tmp_path
    )
    report = json.loads((tmp_path / "r.json").read_text()) if result.returncode < 2 else None
    return result, report


def test_a_third_party_pack_runs_and_is_reported_beside_the_bundled_areas(tmp_path, installed):
    result, report = _certify(tmp_path, installed, "--", "-m", "quota or models")
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    assert list(report["areas"]) == [*BUNDLED, "quota"]
    assert report["areas"]["quota"] == {"passed": 1, "failed": 1, "skipped": 0}
    assert report["areas"]["models"]["failed"] == 0
    failed = [c for c in report["checks"] if c["outcome"] == "failed"]
    assert [(c["id"], c["rule"]) for c in failed] == [
        ("quota::test_realms_are_many", "QUOTA 2: an account sees at least 100 realms")
    ]
    assert failed[0]["cause"].startswith("[QUOTA 2: an account sees at least 100 realms] gave ")
    assert "1 check (quota 1): [QUOTA 2" in result.stdout


def test_areas_select_among_every_packs_areas(tmp_path, installed):
    result, report = _certify(tmp_path, installed, "--areas", "quota")
    assert result.returncode == 1
    assert list(report["areas"]) == ["quota"]
    assert {c["id"] for c in report["checks"]} == {
        "quota::test_realms_are_few",
        "quota::test_realms_are_many",
    }
    result, report = _certify(tmp_path, installed, "--areas", "ids,quota", "--", "-k", "unique")
    assert list(report["areas"]) == ["ids", "quota"]
    assert {c["area"] for c in report["checks"]} == {"ids"}  # -k still narrows within them


def test_without_the_pack_its_area_is_a_usage_error(tmp_path):
    result, _ = _certify(tmp_path, {}, "--areas", "quota")
    assert result.returncode == 2
    assert "unknown area 'quota' (installed: models, ids," in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_pack_is_named_in_a_usage_error(tmp_path):
    env = _install(tmp_path / "site", entry="quota_pack:NOT_THERE")
    result, _ = _certify(tmp_path, env)
    assert result.returncode == 2
    assert "suite pack 'quota' (quota_pack:NOT_THERE" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_dctck_does_not_import_the_suites_to_find_them():
    code = (
        "import sys, dctck._cli, dctck.plugin, dctck.kit;"
        " assert 'suites' not in sys.modules, 'suites imported'"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
