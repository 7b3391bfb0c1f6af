"""A minimal WSGI client: one request into an application, the answer as plain values."""

import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import unquote

MOCK_AUTH = "Basic bW9ja3VzZXI6bW9ja3Bhc3N3b3Jk"  # mockuser:mockpassword


@dataclass
class Answer:
    status: int
    reason: str
    headers: list = field(default_factory=list)
    body: bytes = b""

    def header(self, name):
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        assert len(values) <= 1, values
        return values[0] if values else None

    def json(self):
        return json.loads(self.body)

    def xml(self):
        return ET.fromstring(self.body)

    @property
    def error(self):
        """The JSON error document: ``{"code": status, "message": ..., "error": kind}``."""
        return self.json()


def request(app, method, target, *, headers=None, body=b"", auth=MOCK_AUTH, raw_uri=True):
    """Call ``app`` with ``method target`` (a path with an optional query)."""
    path, _, query = target.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(path, encoding="latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "front.test",
        "SERVER_PORT": "8080",
        "HTTP_HOST": "front.test:8080",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if raw_uri:
        environ["REQUEST_URI"] = target
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    if auth is not None:
        environ["HTTP_AUTHORIZATION"] = auth
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"], started["headers"] = status, response_headers

    body_out = b"".join(app(environ, start_response))
    code, _, reason = started["status"].partition(" ")
    return Answer(int(code), reason, started["headers"], body_out)
