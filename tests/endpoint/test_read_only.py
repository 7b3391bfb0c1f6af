"""``--dctck-read-only`` against an endpoint creates nothing: the simulator's audit log, behind
the served front, records no change, and what would have created is reported not run."""

import pytest

import simulator
from dctck.rest import RestApp
from reference_drivers import MockDriver
from tests.endpoint._support import certify, served

pytestmark = pytest.mark.live


def test_a_read_only_run_creates_nothing_and_does_not_certify(pytester):
    sim = simulator.Simulator()
    with served(RestApp(MockDriver(simulator=sim))) as url:
        result, report = certify(pytester, url, "--dctck-read-only", "-m", "not faults")
    assert sim.audit_log() == []
    not_run = [c for c in report["checks"] if c["message"].startswith("not run: --read-only")]
    assert not_run
    assert all(c["outcome"] == "skipped" for c in not_run)
    assert {c["area"] for c in not_run} >= {"create", "fsm", "auth"}
    assert all("create_instance(" in c["message"] for c in not_run)
    # what needs no create ran, and passed
    passed = {c["area"] for c in report["checks"] if c["outcome"] == "passed"}
    assert passed >= {"models", "ids", "filters", "auth"}
    assert [c for c in report["checks"] if c["outcome"] == "failed"] == []
    assert report["certified"] is False
    assert any(r.startswith(f"{len(not_run)} check(s) skipped") for r in report["not_certifying"])
    result.stdout.fnmatch_lines(["  fsm        not run: --read-only*", "NOT CERTIFYING: *"])
    assert result.ret == 0
