"""The client adapter as a foreign client: a server speaking as Deltacloud 1.1 did certifies like
``dctck serve`` does, and a name with no SPEC meaning is a finding, never a crash of the kit."""

import pytest

from dctck.rest import DeltacloudClient
from tests.endpoint._support import (
    Deltacloud11,
    Deltacloud11WithErrorState,
    broken,
    certify,
    served,
)

pytestmark = pytest.mark.live


def test_deltacloud_11_names_are_read_as_the_spec_names():
    with served(broken(Deltacloud11)) as url:
        client = DeltacloudClient(url)
        machine = dict(client.instance_states())
        assert machine["begin"] == {"pending": "create"}  # the automatic create
        assert machine["running"]["shutting_down"] == "stop"
        assert machine["shutting_down"] == {"stopped": "_auto_", "end": "destroy"}
        client.close()


def test_a_deltacloud_11_server_certifies(pytester):
    with served(broken(Deltacloud11)) as url:
        result, report = certify(pytester, url, "-m", "fsm or ids or models")
    assert [c["message"] for c in report["checks"] if c["outcome"] == "failed"] == []
    assert result.ret == 0


def test_an_error_state_is_a_finding_not_a_crash(pytester):
    with served(broken(Deltacloud11WithErrorState)) as url:
        result, report = certify(pytester, url, "-m", "fsm")
    failed = [c for c in report["checks"] if c["outcome"] == "failed"]
    assert failed
    assert all("'error'" in c["message"] for c in failed), failed[0]["message"]
    assert {c["area"] for c in failed} == {"fsm"}
    assert result.ret == 1
    assert "INTERNALERROR" not in result.stdout.str()
    result.stdout.fnmatch_lines(["  machine problem: *error*"])
