"""Concurrency: many clients at once on a live server leave every server accounted for, and
every audited change is a transition of Nova's table."""

from __future__ import annotations

import threading

import pytest
import requests

from simulator import _nova_lifecycle as nova
from simulator._lifecycle import Refused
from tests.openstack._support import CIRROS, ME, OTHER, password_body

pytestmark = pytest.mark.live


def test_concurrent_lifecycles_leave_nothing_and_every_change_is_legal(server, cloud):
    cloud.set_durations(boot_seconds=0, stop_seconds=0)
    errors: list[str] = []

    def worker(credentials: tuple[str, str], number: int) -> None:
        with requests.Session() as session:
            reply = session.post(
                f"{server.url}/identity/v3/auth/tokens", json=password_body(*credentials)
            )
            session.headers["X-Auth-Token"] = reply.headers["X-Subject-Token"]
            nova_url = f"{server.url}/compute/v2.1"
            for index in range(6):
                made = session.post(
                    f"{nova_url}/servers",
                    json={"server": {"name": f"w{number}-{index}", "imageRef": CIRROS,
                                     "flavorRef": "1"}},
                )  # fmt: skip
                if made.status_code != 202:
                    errors.append(made.text)
                    continue
                server_id = made.json()["server"]["id"]
                for action in ({"os-stop": None}, {"os-start": None}, {"reboot": {"type": "HARD"}}):
                    answer = session.post(f"{nova_url}/servers/{server_id}/action", json=action)
                    if answer.status_code != 202:
                        errors.append(f"{action}: {answer.status_code} {answer.text}")
                session.get(f"{nova_url}/servers/detail")
                if session.delete(f"{nova_url}/servers/{server_id}").status_code != 204:
                    errors.append(f"delete {server_id}")

    threads = [
        threading.Thread(target=worker, args=(credentials, number))
        for number, credentials in enumerate([ME, OTHER] * 4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert cloud.servers("mockuser") == cloud.servers("otheruser") == []
    entries = cloud.audit_log()
    assert len({entry.instance_id for entry in entries}) == 48
    for entry in entries:
        if entry.from_state is None:
            assert entry.to_state == nova.BUILDING
            continue
        trigger = "auto" if entry.cause == "auto" else entry.cause
        try:
            assert nova.NOVA.destination(trigger, entry.from_state) == entry.to_state, entry
        except Refused:
            pytest.fail(f"illegal change audited: {entry}")
