"""``RemoteClock``: the virtual clock of a ``dctck simulate`` server, through its control API."""

from __future__ import annotations

from typing import Any

import requests

from dctck import ProviderError

__all__ = ["RemoteClock"]


class RemoteClock:
    """A served simulator's manual clock: ``now()`` reads it, ``tick()`` advances it (SPEC 7).

    ``control_url`` is the server's control API, e.g. ``http://127.0.0.1:8000/_sim``. Failures
    (the server is gone, its clock is real) raise ``ProviderError``.
    """

    def __init__(
        self, control_url: str, session: requests.Session | None = None, timeout: float = 10.0
    ) -> None:
        self.control_url = control_url.rstrip("/")
        self._session = session if session is not None else requests.Session()
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"RemoteClock({self.control_url!r})"

    def now(self) -> float:
        """The server's virtual time, in epoch seconds."""
        return float(self._request("GET", "clock")["now"])

    def tick(self, seconds: float) -> None:
        """Advance the server's clock by ``seconds``."""
        self._request("POST", "clock/tick", {"seconds": seconds})

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
