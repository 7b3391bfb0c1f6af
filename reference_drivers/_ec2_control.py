"""A ``dctck simulate`` server's virtual clock (``RemoteClock``) and fault injection
(``RemoteFaults``, SPEC 9), through its control API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from dctck import ProviderError
from reference_drivers._faults import KINDS, SPI_OPERATIONS

__all__ = ["RemoteClock", "RemoteFaults"]


class _Control:
    """Requests to a served simulator's control API; failures raise ``ProviderError``."""

    def __init__(
        self, control_url: str, session: requests.Session | None = None, timeout: float = 10.0
    ) -> None:
        self.control_url = control_url.rstrip("/")
        self._session = session if session is not None else requests.Session()
        self._timeout = timeout

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        url = f"{self.control_url}/{path}"
        try:
            response = self._session.request(method, url, json=body, timeout=self._timeout)
            answer = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderError(f"control API {method} {url}: {exc}") from None
        if response.status_code != 200 or not isinstance(answer, dict):
            error = answer.get("error", {}) if isinstance(answer, dict) else {}
            raise ProviderError(
                f"control API {method} {url}: HTTP {response.status_code}"
                f" {error.get('code', '')}: {error.get('message', '')}".rstrip(": ")
            )
        return answer


class RemoteFaults(_Control):
    """A served simulator's fault injection, by SPI method name (SPEC 9).

    Every kind is answered by the server with its EC2 error code before it acts (a ``timeout``
    as ``RequestTimeout``); ``clear()`` removes every fault of the server. ``operations`` names
    the server's operation behind each SPI method and ``kinds`` the error code of each kind
    of fault (EC2's by default).
    """

    def __init__(
        self,
        control_url: str,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        *,
        operations: Mapping[str, str] = SPI_OPERATIONS,
        kinds: Mapping[str, str] = KINDS,
    ) -> None:
        super().__init__(control_url, session, timeout)
        self._operations = operations
        self._kinds = kinds

    def __repr__(self) -> str:
        return f"RemoteFaults({self.control_url!r})"

    def fail_next(self, operation: str, kind: str, count: int = 1) -> None:
        """Make the next ``count`` calls of the SPI method ``operation`` fail with ``kind``."""
        if operation not in self._operations or kind not in self._kinds:
            raise ValueError(f"unknown operation {operation!r} or kind {kind!r}")
        body = {
            "operation": self._operations[operation],
            "count": count,
            "code": self._kinds[kind],
        }
        self._request("POST", "faults/fail_next", body)

    def clear(self) -> None:
        """Remove every fault of the server."""
        self._request("DELETE", "faults")


class RemoteClock(_Control):
    """A served simulator's manual clock: ``now()`` reads it, ``tick()`` advances it (SPEC 7).

    ``control_url`` is the server's control API, e.g. ``http://127.0.0.1:8000/_sim``. Failures
    (the server is gone, its clock is real) raise ``ProviderError``.
    """

    def __repr__(self) -> str:
        return f"RemoteClock({self.control_url!r})"

    def now(self) -> float:
        """The server's virtual time, in epoch seconds."""
        return float(self._request("GET", "clock")["now"])

    def tick(self, seconds: float) -> None:
        """Advance the server's clock by ``seconds``."""
        self._request("POST", "clock/tick", {"seconds": seconds})
