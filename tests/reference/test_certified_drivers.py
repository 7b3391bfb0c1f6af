"""The published findings: each driver's verdict per area, pinned, and the README's table.

A Libcloud or boto3 release that changes what these drivers do changes a verdict here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reference._support import dctck

ROOT = Path(__file__).resolve().parents[2]
AREAS = ("models", "ids", "filters", "auth", "isolation", "fsm", "create", "faults")
ACCOUNTS = [
    "--credentials",
    "mockuser:mockpassword",
    "--other-credentials",
    "otheruser:otherpassword",
]

FSM_STATES_UNKNOWN = {
    f"fsm::{name}"
    for name in (
        "test_allowed_action_is_accepted[running-destroy]",
        "test_allowed_action_is_accepted[running-stop]",
        "test_allowed_action_is_accepted[stopped-destroy]",
        "test_allowed_action_is_accepted[stopped-start]",
        "test_allowed_action_is_accepted[stopped-stop]",
        "test_automatic_transitions_complete_within_the_timeout[shutting_down]",
        "test_destroy_ends_with_the_instance_gone[running]",
        "test_destroy_ends_with_the_instance_gone[stopped]",
        "test_every_observed_state_is_declared",
        "test_forbidden_action_is_refused[stopped-reboot]",
        "test_generated_action_sequences_follow_the_machine",
        "test_stable_state_holds_without_action[stopped]",
    )
}
#: The same UNKNOWN, met by the faults area: preparing a stopped instance, or after an action
#: whose answer was lost once the provider had acted (a stop or destroy was under way).
FAULTS_STATES_UNKNOWN = {
    *(f"faults::test_action_under_a_fault[start-{kind}-{count}]"
      for kind in ("throttle", "server_error", "timeout") for count in ("once", "persistently")),
    *(f"faults::test_action_under_a_fault[{action}-timeout-{count}]"
      for action in ("stop", "destroy") for count in ("once", "persistently")),
}  # fmt: skip
DUMMY_TAKES_ANY_KEY = {
    f"auth::{name}"
    for name in (
        "test_create_instance_refuses_bad_credentials[unknown_name]",
        "test_create_instance_refuses_bad_credentials[wrong_password]",
        "test_instance_action_refuses_bad_credentials[destroy-unknown_name]",
        "test_instance_action_refuses_bad_credentials[destroy-wrong_password]",
        "test_instance_action_refuses_bad_credentials[reboot-unknown_name]",
        "test_instance_action_refuses_bad_credentials[reboot-wrong_password]",
        "test_instance_action_refuses_bad_credentials[stop-unknown_name]",
        "test_instance_action_refuses_bad_credentials[stop-wrong_password]",
        "test_instances_refuses_bad_credentials[unknown_name]",
        "test_instances_refuses_bad_credentials[wrong_password]",
        "test_public_catalogue_serves_every_caller[hardware_profiles]",
        "test_public_catalogue_serves_every_caller[images]",
        "test_public_catalogue_serves_every_caller[realms]",
    )
}

#: Libcloud's OpenStack driver: what Nova refuses while Libcloud shows a settled state (a
#: stop, a reboot or a delete in progress), its HARD reboot of a stopped server, its made-up
#: location, and a 401 it raises instead of authenticating again once its token expired.
LIBCLOUD_OPENSTACK_FAILED = {
    "auth::test_public_catalogue_serves_every_caller[realms]",
    "create::test_new_instance_is_what_was_asked[image_only]",
    "create::test_new_instance_is_what_was_asked[hwp_id]",
    "create::test_new_instance_is_what_was_asked[realm_id]",
    "create::test_new_instance_is_what_was_asked[hwp_id_and_realm_id]",
    "fsm::test_forbidden_action_is_refused[stopped-reboot]",
    "fsm::test_generated_action_sequences_follow_the_machine",
    "fsm::test_offered_actions_are_accepted_at_once[after_an_action]",
    "fsm::test_offered_actions_are_accepted_at_once[after_destroy]",
    "isolation::test_other_account_does_not_list_the_instance",
}

#: driver -> (cwd, {area: (passed, failed, skipped)}, ids of the failed checks)
VERDICTS = {
    "boto3_ec2:in_process": (
        ROOT / "examples",
        dict(zip(AREAS, [(14, 0, 3), (49, 0, 0), (87, 0, 0), (48, 0, 0), (7, 0, 0), (28, 0, 0),
                         (14, 0, 0), (54, 0, 0)], strict=True)),
        set(),
    ),
    "reference_drivers.libcloud:ec2_on_simulator": (
        ROOT,
        dict(zip(AREAS, [(14, 0, 3), (49, 0, 0), (87, 0, 0), (47, 1, 0), (7, 0, 0), (16, 12, 0),
                         (12, 2, 0), (44, 10, 0)], strict=True)),
        FSM_STATES_UNKNOWN | FAULTS_STATES_UNKNOWN | {
            "auth::test_public_catalogue_serves_every_caller[hardware_profiles]",
            "create::test_new_instance_is_what_was_asked[hwp_id]",
            "create::test_new_instance_is_what_was_asked[hwp_id_and_realm_id]",
        },
    ),
    "openstacksdk_nova:in_process": (
        ROOT / "examples",
        dict(zip(AREAS, [(14, 0, 3), (49, 0, 0), (78, 0, 9), (48, 0, 0), (7, 0, 0), (28, 0, 0),
                         (12, 0, 2), (54, 0, 0)], strict=True)),
        set(),
    ),
    "reference_drivers.libcloud:openstack_on_simulator": (
        ROOT,
        dict(zip(AREAS, [(14, 0, 3), (49, 0, 0), (62, 0, 25), (47, 1, 0), (5, 1, 1), (24, 4, 0),
                         (8, 4, 2), (54, 0, 0)], strict=True)),
        LIBCLOUD_OPENSTACK_FAILED,
    ),
    "reference_drivers.libcloud:dummy": (
        ROOT,
        dict(zip(AREAS, [(12, 0, 5), (44, 0, 5), (60, 0, 27), (30, 13, 5), (6, 0, 1), (19, 0, 3),
                         (7, 5, 2), (0, 0, 54)], strict=True)),
        DUMMY_TAKES_ANY_KEY | {
            "create::test_new_instance_is_what_was_asked[image_only]",
            "create::test_new_instance_is_what_was_asked[hwp_id]",
            "create::test_new_instance_is_what_was_asked[realm_id]",
            "create::test_new_instance_is_what_was_asked[hwp_id_and_realm_id]",
            "create::test_declared_user_name_names_the_instance",
        },
    ),
}  # fmt: skip


@pytest.fixture(scope="module", params=list(VERDICTS))
def certified(request, tmp_path_factory):
    """``dctck certify`` of one driver: (driver, exit code, report)."""
    driver = request.param
    report = tmp_path_factory.mktemp("certified") / "report.json"
    cwd = VERDICTS[driver][0]
    result = dctck("certify", driver, *ACCOUNTS, "--report", str(report), cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return driver, result.returncode, json.loads(report.read_text())


@pytest.mark.slow
def test_each_drivers_verdict_per_area_is_pinned(certified):
    driver, code, report = certified
    _, areas, failed = VERDICTS[driver]
    seen = {area: tuple(report["areas"][area][k] for k in ("passed", "failed", "skipped"))
            for area in AREAS}  # fmt: skip
    assert seen == areas
    assert {check["id"] for check in report["checks"] if check["outcome"] == "failed"} == failed
    assert (code, report["certified"]) == ((0, True) if not failed else (1, False))


@pytest.mark.slow
def test_the_readme_table_shows_each_verdict(certified):
    driver, _, report = certified
    section = README.split("## Certified drivers", 1)[1].split("\n## ", 1)[0]
    (row,) = [line for line in section.splitlines() if f"(`{driver}`)" in line]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    shown = dict(zip(AREAS, cells[1:9], strict=True))
    assert shown == {
        area: f"{report['areas'][area]['passed']}/{report['areas'][area]['failed']}"
        for area in AREAS
    }
    ran = sum(counts["passed"] + counts["failed"] for counts in report["areas"].values())
    failed = sum(counts["failed"] for counts in report["areas"].values())
    assert cells[9].startswith(
        f"{failed} of {ran} failed" if failed else f"certified, {ran} checks"
    )


README = (ROOT / "README.md").read_text()
