"""``dctck serve`` in a subprocess for the live tests, and an HTTP session that asks for JSON."""

import signal

import requests

from tests._launch import launch


def session(accept="application/json"):
    """A session to 127.0.0.1 (never through a proxy) asking for ``accept``."""
    http = requests.Session()
    http.trust_env = False
    http.headers["Accept"] = accept
    return http


def spawn_serve(*args):
    """``dctck serve --port 0 ARGS`` in a subprocess whose SIGINT and SIGTERM do their default."""
    return launch("serve", "--port", "0", *args)


class Served:
    """A ``dctck serve`` process: its URL, and a way to stop it and read what it printed."""

    def __init__(self, *args):
        self.process = spawn_serve(*args)
        self.banner = self.process.stdout.readline().strip()
        assert self.banner.startswith("dctck serve: "), self.process.stderr.read()
        self.url = self.banner.split(" at ")[1].split(" ")[0].removesuffix("/api")

    def stop(self, signum=signal.SIGINT):
        self.process.send_signal(signum)
        out, err = self.process.communicate(timeout=20)
        return self.process.returncode, out, err

    def close(self):
        """Kill the process if it is still running (a test never leaves a server behind)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
