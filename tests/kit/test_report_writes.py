"""The JSON report is rewritten as checks finish, at most every REPORT_EVERY seconds, and once
more at the end: a whole report at every moment, not a rewrite per check."""

from dctck.kit import Report


def test_a_run_of_300_checks_writes_its_report_a_few_times_and_whole_at_the_end(
    certification, monkeypatch
):
    writes = []
    write = Report.write

    def counted(self, path):
        writes.append(len(self.checks))
        write(self, path)

    monkeypatch.setattr(Report, "write", counted)
    result, report = certification.run("reference_drivers.mock:MockDriver")
    assert result.ret == 0
    assert report["finished"] is True
    assert len(report["checks"]) == writes[-1] >= 300
    assert writes[0] == 1  # the first check's record is written at once
    # a write per half second, not one per check: the run would have to take 50 s for 100
    assert len(writes) < 100
