"""Helpers shared by the OpenStack API tests: raw JSON requests to an app, and tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from simulator.ec2 import call_wsgi
from simulator.openstack import OpenStackApp

HOST = "http://cloud.test"
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
ME = ("mockuser", "mockpassword")
OTHER = ("otheruser", "otherpassword")
CIRROS = "5f4b9a3e-0c1d-4e2f-8a3b-6c7d8e9f0a1b"
UBUNTU = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"
CIRROS_ARM = "2e3f4a5b-6c7d-4e8f-8a9b-0c1d2e3f4a5b"
MOCKUSER_IMAGE = "0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f"
OTHERUSER_IMAGE = "1d2e3f4a-5b6c-4d7e-8f8a-9b0c1d2e3f4a"
TINY = "1"
NOVA = "/compute/v2.1"


@dataclass
class Reply:
    """An answer: status, headers (a dict, names as sent), body parsed if JSON."""

    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw) if self.raw else None

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


def password_body(user: str, password: str, project: str | None = None) -> dict[str, Any]:
    """keystoneauth's password request, scoped to `project` (default: the user's)."""
    return {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": user, "domain": {"name": "Default"}, "password": password}
                },
            },
            "scope": {"project": {"name": project or user, "domain": {"id": "default"}}},
        }
    }


class Api:
    """Raw requests to an `OpenStackApp`, in-process; `token` authenticates them."""

    def __init__(self, app: OpenStackApp, credentials: tuple[str, str] = ME) -> None:
        self.app = app
        self.credentials = credentials
        self._token: str | None = None

    @property
    def token(self) -> str:
        if self._token is None:
            reply = self.call("POST", "/identity/v3/auth/tokens", password_body(*self.credentials))
            assert reply.status == 201, reply.raw
            self._token = reply.header("X-Subject-Token")
        assert self._token
        return self._token

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Reply:
        sent = {"Accept": "application/json"}
        if body is not None or raw is not None:
            sent["Content-Type"] = "application/json"
        if token is not None:
            sent["X-Auth-Token"] = token
        sent.update(headers or {})
        data = raw if raw is not None else b"" if body is None else json.dumps(body).encode()
        status, answer, content = call_wsgi(self.app, method, HOST + path, sent.items(), data)
        return Reply(status, dict(answer), content)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.call("GET", path, token=self.token, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.call("POST", path, body, token=self.token, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Reply:
        return self.call("DELETE", path, token=self.token, **kwargs)

    def create(
        self, name: str = "web", image: str = CIRROS, flavor: str = TINY, **more: Any
    ) -> str:
        reply = self.post(
            f"{NOVA}/servers",
            {"server": {"name": name, "imageRef": image, "flavorRef": flavor, **more}},
        )
        assert reply.status == 202, reply.raw
        server_id: str = reply.json["server"]["id"]
        return server_id

    def server(self, server_id: str) -> dict[str, Any]:
        reply = self.get(f"{NOVA}/servers/{server_id}")
        assert reply.status == 200, reply.raw
        server: dict[str, Any] = reply.json["server"]
        return server

    def act(self, server_id: str, action: dict[str, Any]) -> Reply:
        return self.post(f"{NOVA}/servers/{server_id}/action", action)
