"""The bundled conformance suites, collected by the dctck pytest plugin (``suite_*.py``)."""
