"""Helpers shared by the reference-driver and record/replay tests.

``dctck`` runs the command line in a subprocess, :class:`SimulateServer` a ``dctck simulate``
server, and :func:`serving` a loopback HTTP server for traffic that must reach the network.
:func:`long_catalogue_config` writes the 130-type cloud that ``benchmarks/mutation_certify.py``
certifies mutants on too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: The simulator's default accounts, as Driver SPI credentials.
VALID = {"name": "mockuser", "password": "mockpassword"}
OTHER = {"name": "otheruser", "password": "otherpassword"}

SIMULATE = [sys.executable, "-m", "dctck", "simulate", "--host", "127.0.0.1", "--port", "0"]


def long_catalogue_config(path: Path, region: str) -> Path:
    """A cloud file of ``region`` with 130 instance types (DescribeInstanceTypes answers them in
    two pages, the arm64 ones on the second), written at ``path``."""
    lines = [f'region = "{region}"', ""]
    for n, architecture in enumerate(["x86_64"] * 110 + ["arm64"] * 20):
        lines += [
            "[[instance_types]]",
            f'name = "z{n}.size"',
            f'architecture = "{architecture}"',
            f"memory_gb = {0.5 if n % 2 else 1.0}",  # 512 MiB: GB is not always whole
            "storage_gb = 8.0",
            "cpus = 1",
            "",
        ]
    path.write_text("\n".join(lines))
    return path


def dctck(*args, env=None, cwd=None) -> subprocess.CompletedProcess[str]:
    """``python -m dctck ARGS``, output captured as text; ``env`` adds to this environment."""
    return subprocess.run(
        [sys.executable, "-m", "dctck", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=300,
        check=False,
    )


class SimulateServer:
    """``dctck simulate`` in a subprocess on a free port of 127.0.0.1, stopped by the test."""

    def __init__(self, *options):
        self.process = subprocess.Popen(
            [*SIMULATE, *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        first = self.process.stdout.readline()
        match = re.search(r" at (http://\S+?)/?$", first)
        if match is None:
            self.stop()
            raise RuntimeError(f"dctck simulate did not start: {first!r}")
        self.url = match.group(1)

    @property
    def env(self):
        return {"DCTCK_EC2_ENDPOINT": self.url + "/", "DCTCK_EC2_REGION": "us-east-1"}

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        self.process.stdout.close()


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A ``ThreadingHTTPServer`` of ``handler`` on a free port of 127.0.0.1; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
