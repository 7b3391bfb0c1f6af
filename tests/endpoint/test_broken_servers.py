"""Deltacloud servers with one defect each, certified by their URL: each is caught in its area,
and the same server without the defect passes there (no false alarm)."""

import pytest

from dctck.rest import RestApp
from tests.endpoint._support import (
    CreatesUnlisted,
    IgnoresFilters,
    ListsOtherAccounts,
    StateOutsideTheMachine,
    UnauthorizedForNotFound,
    broken,
    certify,
    failed_areas,
    fast_mock,
    served,
)

pytestmark = pytest.mark.live

CASES = [
    (IgnoresFilters, "filters", "SPEC 6"),
    (UnauthorizedForNotFound, "ids", "NotFound"),
    (StateOutsideTheMachine, "fsm", "HIBERNATING"),
    (ListsOtherAccounts, "isolation", "SPEC 2"),
    (CreatesUnlisted, "create", "instances() lists the caller's instances"),
]


@pytest.mark.parametrize(("middleware", "area", "said"), CASES, ids=[c[1] for c in CASES])
def test_a_broken_server_is_caught_in_its_area(pytester, middleware, area, said):
    with served(broken(middleware)) as url:
        result, report = certify(pytester, url, "-m", area)
    assert failed_areas(report) == {area}
    messages = [c["message"] for c in report["checks"] if c["outcome"] == "failed"]
    assert any(said in message for message in messages), messages[:3]
    assert "reproduce: curl -X " in messages[0]
    assert report["certified"] is False
    assert result.ret == 1


def test_the_same_server_without_a_defect_passes_every_one_of_those_areas(pytester):
    areas = " or ".join(area for _, area, _ in CASES)
    with served(RestApp(fast_mock())) as url:
        result, report = certify(pytester, url, "-m", areas)
    assert [c for c in report["checks"] if c["outcome"] == "failed"] == []
    assert result.ret == 0
    result.stdout.fnmatch_lines(["NOT CERTIFYING: *: * checks ran, but checks chosen by -m *"])
