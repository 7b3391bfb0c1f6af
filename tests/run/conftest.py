"""Fixtures of the run tests: in-process certifications, as in ``tests/kit``."""

import pytest

from tests.kit.conftest import Certification


@pytest.fixture
def certification(pytester):
    return Certification(pytester)
