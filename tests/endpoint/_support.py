"""Endpoints for the ``--dctck-endpoint`` tests: Deltacloud fronts on loopback ports, with
one defect each, and the kit run against them in-process (pytester) reading its JSON report."""

import io
import json
from contextlib import contextmanager

import simulator
from dctck.rest import LoopbackServer, RestApp
from reference_drivers import MockDriver

CREDENTIALS = "mockuser:mockpassword"
OTHER_CREDENTIALS = "otheruser:otherpassword"
MOCK_AUTH = "Basic bW9ja3VzZXI6bW9ja3Bhc3N3b3Jk"  # mockuser:mockpassword


def fast_mock():
    """A MockDriver whose instances boot and stop at once on its virtual clock."""
    sim = simulator.Simulator()
    sim.set_durations(boot_seconds=0, stop_seconds=0)
    return MockDriver(simulator=sim)


@contextmanager
def served(app):
    """``app`` on a loopback port for the block: its entry point's URL."""
    server = LoopbackServer(app).start()
    try:
        yield server.url + "/api"
    finally:
        server.stop()


def certify(pytester, url, *options, other=OTHER_CREDENTIALS):
    """Certify ``url`` with ``--dctck-endpoint`` in-process: ``(result, report)``."""
    args = [
        f"--dctck-endpoint={url}",
        f"--dctck-credentials={CREDENTIALS}",
        "--dctck-report=report.json",
        "--dctck-timeout=5",
        "-p",
        "no:cacheprovider",
    ]
    if other:
        args.append(f"--dctck-other-credentials={other}")
    result = pytester.runpytest_inprocess(*args, *options)
    path = pytester.path / "report.json"
    return result, json.loads(path.read_text()) if path.exists() else None


def outcomes(report):
    """``{check id: outcome}`` of a report."""
    return {check["id"]: check["outcome"] for check in report["checks"]}


def failed_areas(report):
    return {check["area"] for check in report["checks"] if check["outcome"] == "failed"}


class Middleware:
    """A WSGI application around a :class:`RestApp`: ``rewrite(environ, status, headers,
    body)`` returns what the broken server answers instead."""

    def __init__(self, inner):
        self.inner = inner

    def call(self, environ):
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        body = b"".join(self.inner(environ, start_response))
        return captured["status"], captured["headers"], body

    def rewrite(self, environ, status, headers, body):
        return status, headers, body

    def __call__(self, environ, start_response):
        status, headers, body = self.rewrite(environ, *self.call(dict(environ)))
        headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "etag")]
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    @staticmethod
    def is_get(environ, path):
        return environ["REQUEST_METHOD"] == "GET" and environ["PATH_INFO"] == path


class IgnoresFilters(Middleware):
    """Lists every image whatever the query asks."""

    def call(self, environ):
        if self.is_get(environ, "/api/images"):
            environ["QUERY_STRING"] = ""
        return super().call(environ)


class UnauthorizedForNotFound(Middleware):
    """Answers 401 where it means 404."""

    def rewrite(self, environ, status, headers, body):
        if status.startswith("404"):
            return "401 Unauthorized", headers, body
        return status, headers, body


class StateOutsideTheMachine(Middleware):
    """Shows a stopped instance in a state its machine does not declare."""

    def rewrite(self, environ, status, headers, body):
        return status, headers, body.replace(b'"state": "STOPPED"', b'"state": "HIBERNATING"')


class ListsOtherAccounts(Middleware):
    """Lists the first account's instances to every account."""

    def call(self, environ):
        status, headers, body = super().call(environ)
        if (
            self.is_get(environ, "/api/instances")
            and environ.get("HTTP_AUTHORIZATION")
            not in (
                None,
                MOCK_AUTH,
            )
            and status.startswith("200")
        ):
            theirs = super().call({**environ, "HTTP_AUTHORIZATION": MOCK_AUTH})[2]
            mine = json.loads(body)["instances"]
            mine += json.loads(theirs)["instances"]
            body = json.dumps({"instances": mine}).encode()
        return status, headers, body


class CreatesUnlisted(Middleware):
    """Never lists an instance, though each can be looked up by its id."""

    def rewrite(self, environ, status, headers, body):
        if self.is_get(environ, "/api/instances"):
            return status, headers, json.dumps({"instances": []}).encode()
        return status, headers, body


def broken(middleware):
    return middleware(RestApp(fast_mock()))


class Deltacloud11(Middleware):
    """Speaks as an Apache Deltacloud 1.1 server did (DELTACLOUD_API.md section 8): states
    ``start``, ``finish``, ``stopping``, an automatic create, ``"auto": "true"``, a charset on
    the content type, extra members, and 403 for an action on an unknown id."""

    extra_states = ()

    def rewrite(self, environ, status, headers, body):
        if self.is_get(environ, "/api/instance_states"):
            states = json.loads(body)
            for state in states:
                state["name"] = NAMES_11.get(state["name"], state["name"])
                for edge in state["transitions"]:
                    edge["to"] = NAMES_11.get(edge["to"], edge["to"])
                    if edge.get("auto") is True or edge.get("action") == "create":
                        edge.pop("action", None)
                        edge["auto"] = "true"
            states += self.extra_states
            body = json.dumps(states).encode()
        body = body.replace(b'"state": "SHUTTING_DOWN"', b'"state": "STOPPING"')
        body = body.replace(b'"owner": ', b'"x_vendor": {"rack": 7}, "owner": ')
        is_action = environ["REQUEST_METHOD"] in ("POST", "DELETE") and environ[
            "PATH_INFO"
        ].startswith("/api/instances/")
        if status.startswith("404") and is_action:
            status = "403 Forbidden"
        headers = [
            (k, "application/json; charset=utf-8" if v == "application/json" else v)
            for k, v in headers
        ]
        return status, headers, body


class Deltacloud11WithErrorState(Deltacloud11):
    """Declares an ``error`` state, as Deltacloud's openstack driver did: no SPEC meaning."""

    extra_states = ({"name": "error", "transitions": [{"to": "finish", "action": "destroy"}]},)


NAMES_11 = {"begin": "start", "end": "finish", "shutting_down": "stopping"}


class RecordsCreates(Middleware):
    """A sound server that remembers the form of every create it was sent."""

    def __init__(self, inner):
        super().__init__(inner)
        self.creates = []

    def call(self, environ):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/api/instances":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            self.creates.append(body.decode())
            environ["wsgi.input"] = io.BytesIO(body)
        return super().call(environ)


class Speechless:
    """A WSGI application that is no cloud API at all."""

    def __call__(self, environ, start_response):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"nothing here"]
