"""The bundled conformance suites: a suite pack, registered under the ``dctck.suites`` entry
points like any other, whose ``suite_*.py`` modules the dctck pytest plugin collects."""

from pathlib import Path

from dctck.kit import API_AREA, AREAS, SuitePack

#: dctck's own checks; ``suite_api.py`` (the REST front) only with ``--dctck-via-rest``.
PACK = SuitePack("dctck", Path(__file__).parent, AREAS, rest_areas=(API_AREA,))
