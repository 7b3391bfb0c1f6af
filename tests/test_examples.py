"""The worked example of the README is certified, the way the README says to run it."""

import json
from pathlib import Path

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_memory_cloud_example_is_certified(pytester):
    (pytester.path / "memory_cloud.py").write_text((EXAMPLES / "memory_cloud.py").read_text())
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess(
        "--dctck-driver=memory_cloud:MemoryCloudDriver",
        "--dctck-credentials=alice:wonderland",
        "--dctck-other-credentials=bob:builder",
        "--dctck-report=report.json",
        "-p",
        "no:cacheprovider",
    )
    report = json.loads((pytester.path / "report.json").read_text())
    assert [c["message"] for c in report["checks"] if c["outcome"] == "failed"] == []
    assert report["certified"] is True
    assert result.ret == 0
