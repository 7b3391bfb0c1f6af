"""The kit never acts on, counts or judges an instance it did not create.

An account that already holds instances (another tenant's, an earlier run's) certifies with the
same verdict, check by check, and those instances come out of the run as they went in.
"""

from __future__ import annotations

import os

from tests.run import _drivers

#: The areas whose checks list instances; faults' listing checks compare whole listings.
SELECTION = (
    *("-m", "ids or filters or models or isolation or faults"),
    *("-k", "instances or isolation"),
)


def _outcomes(report):
    return {check["id"]: check["outcome"] for check in report["checks"]}


def test_instances_of_others_change_no_verdict_and_are_untouched(certification):
    result, plain = certification.run("reference_drivers.ec2:EC2Driver", *SELECTION)
    assert plain is not None, result.stdout.str()
    result, shared = certification.run("tests.run._drivers:with_strangers", *SELECTION)
    assert shared is not None, result.stdout.str()
    assert len(shared["checks"]) > 40
    assert _outcomes(shared) == _outcomes(plain)
    assert "failed" not in _outcomes(shared).values()  # (a selection: never "certified")
    (driver,) = _drivers.BUILT
    assert len(_drivers.STRANGERS) == 4
    for instance_id, (credentials, state) in _drivers.STRANGERS.items():
        assert [i.state for i in driver.instances(credentials, {"id": instance_id})] == [state]
    kept = {i.id for c, _ in _drivers.STRANGERS.values() for i in driver.instances(c)}
    assert kept == set(_drivers.STRANGERS)  # and the kit's own instances are all gone


def test_created_instances_carry_the_run_id_in_their_name_and_tag():
    from dctck.kit import Harness, Subject

    driver = _drivers.with_strangers()
    subject = Subject(driver, {"name": "mockuser", "password": "mockpassword"})
    subject.run_id = "20261204T191500Z-ab12cd"
    harness = Harness(subject, "a check")
    watch = harness.created_instance()
    named = driver.instances(subject.valid.value, {"run_tag": subject.run_id})
    assert [(i.id, i.name) for i in named] == [
        (watch.id, f"dctck-20261204t191500z-ab12cd-{os.environ.get('PYTEST_XDIST_WORKER', 'w')}.1")
    ]
    assert "name" not in str(harness.watches[0].listing)  # the tag is not shown in messages
    assert harness.cleanup() == []


def test_ec2_driver_keeps_the_run_tag_and_lists_by_it():
    from reference_drivers.ec2 import EC2Driver

    driver = EC2Driver()
    valid = {"name": "mockuser", "password": "mockpassword"}
    image = driver.images(valid)[0].id
    tagged = driver.create_instance(valid, image, {"run_tag": "run-a"}).id
    driver.create_instance(valid, image, {"run_tag": "run-b"})
    driver.create_instance(valid, image, None)
    assert "run_tag" in driver.features()["instances"]
    assert [i.id for i in driver.instances(valid, {"run_tag": "run-a"})] == [tagged]
    assert driver.instances(valid, {"run_tag": "run-c"}) == []
    assert len(driver.instances(valid)) == 3
