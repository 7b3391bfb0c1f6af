"""The isolation area: its listing judgement as plain code; skipped without a second account."""

from dctck import Instance
from dctck.kit import Subject
from suites.suite_isolation import RULE_NOT_LISTED, listed_problems

VALID = {"name": "mockuser", "password": "mockpassword"}


class Lists:
    def __init__(self, answer):
        self.answer = answer

    def instances(self, credentials, opts=None):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def _listing(answer):
    subject = Subject(Lists(answer), VALID, {"name": "otheruser", "password": "x"})
    return subject.call("instances", subject.other, None)


def test_a_listing_without_the_hidden_instance_passes():
    assert listed_problems(_listing([Instance(id="i-mine")]), "i-theirs") == []


def test_a_listing_holding_the_hidden_instance_fails_naming_it():
    listing = _listing([Instance(id="i-mine"), Instance(id="i-theirs")])
    assert [str(p) for p in listed_problems(listing, "i-theirs")] == [
        f"instances(credentials=<other account>, opts=None) [{RULE_NOT_LISTED}] returned"
        " ['i-mine', 'i-theirs'], which holds 'i-theirs' of another account,"
        " expected a list without 'i-theirs'"
    ]


def test_a_listing_that_fails_cannot_show_isolation():
    assert [str(p) for p in listed_problems(_listing(KeyError("x")), "i-theirs")] == [
        f"instances(credentials=<other account>, opts=None) [{RULE_NOT_LISTED}] raised"
        " KeyError: 'x', expected a list"
    ]


def test_every_isolation_check_is_skipped_without_other_credentials(certification):
    _, report = certification.run(
        "reference_drivers.mock:MockDriver", "-m", "isolation", other=None
    )
    isolation = [c for c in report["checks"] if c["area"] == "isolation"]
    assert len(isolation) == 7
    assert {(c["outcome"], c["message"]) for c in isolation} == {
        ("skipped", "not applicable: no --dctck-other-credentials")
    }
    assert report["areas"]["isolation"] == {"passed": 0, "failed": 0, "skipped": 7}
