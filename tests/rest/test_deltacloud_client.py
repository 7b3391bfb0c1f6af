"""The Deltacloud project's own Python client (PyPI ``deltacloud`` 0.9.1), unmodified, against a
live ``dctck serve``: its README's whole lifecycle, for the mock and the ec2 driver.

The client sends no header of its own choosing, so the ec2 driver is chosen the two ways a
deployment could: ``X-Deltacloud-Driver`` added to every request of the HTTP library (as a
proxy in front of the client would), and the ``/api;driver=ec2`` matrix URL, whose hrefs keep
the choice. (Its ``instances(id)`` uses Python 2's ``urllib.quote_plus``; not called.)
"""

import time

import pytest
import requests

from tests.rest._served import Served

deltacloud = pytest.importorskip("deltacloud", reason="the deltacloud client is not installed")

pytestmark = pytest.mark.live

BOUND = 60.0  # seconds of real time for a state change; only a guard against hanging


@pytest.fixture(scope="module")
def served():
    with Served("--boot-seconds", "0.3", "--stop-seconds", "0.3", "--clock-rate", "1") as server:
        yield server


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def choose(monkeypatch):
    """``choose(driver)``: every request the HTTP library makes carries X-Deltacloud-Driver."""

    def choose(driver):
        defaults = requests.utils.default_headers

        def with_driver():
            headers = defaults()
            headers["X-Deltacloud-Driver"] = driver
            return headers

        monkeypatch.setattr(requests.sessions, "default_headers", with_driver)

    return choose


def _until(instance, state):
    deadline = time.monotonic() + BOUND
    while instance.state != state and time.monotonic() < deadline:
        time.sleep(0.1)
        instance.refresh()
    return instance.state


def _gone(client, instance_id):
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        if instance_id not in [i.id for i in client.instances()]:
            return True
        time.sleep(0.1)
    return False


def _lifecycle(url):
    """The README's calls, in order; returns the driver that answered them."""
    client = deltacloud.Deltacloud(url, "mockuser", "mockpassword")
    assert set(client.entrypoints) >= {"hardware_profiles", "realms", "images", "instances"}
    assert client.valid_credentials() is True
    assert deltacloud.Deltacloud(url, "mockuser", "wrong").valid_credentials() is False
    profiles = client.hardware_profiles()
    realms = client.realms()
    images = client.images()
    assert [p.name for p in profiles] == [p.id for p in profiles]  # a profile's name is its id
    assert all(realm.state == "AVAILABLE" for realm in realms)
    image = next(i for i in images if i.architecture == "x86_64" and i.owner == "dctck")
    assert image.state == "AVAILABLE"
    profile = next(p for p in profiles if p.id == "m5.large")
    before = len(client.instances())
    instance = client.create_instance(image.id, {"hwp_id": profile.id, "realm_id": realms[-1].id})
    assert instance.state == "PENDING"
    assert instance.instance["hardware_profile"]["id"] == "m5.large"
    assert instance.instance["realm"]["id"] == realms[-1].id
    assert len(client.instances()) == before + 1
    assert _until(instance, "RUNNING") == "RUNNING"
    assert instance.actions() == ["reboot", "stop", "destroy"]
    assert instance.start() is False  # not among its actions: the client does not even ask
    assert instance.stop() is True
    assert _until(instance, "STOPPED") == "STOPPED"
    assert "start" in instance.actions()
    assert instance.start() is True
    assert _until(instance, "RUNNING") == "RUNNING"
    assert instance.reboot() is True
    assert instance.state == "RUNNING"
    assert instance.destroy() is True
    assert _gone(client, instance.id)
    _, document = client.request("")
    return document["api"]["driver"]


def test_the_readme_lifecycle_on_the_mock_driver(served):
    assert _lifecycle(served.url + "/api") == "mock"


def test_the_readme_lifecycle_on_the_ec2_driver_chosen_by_header(served, choose):
    choose("ec2")
    response = requests.get(served.url + "/api", headers={"Accept": "application/json"})
    assert response.headers["X-Deltacloud-Driver"] == "ec2"
    assert _lifecycle(served.url + "/api") == "ec2"


def test_the_readme_lifecycle_on_the_ec2_driver_chosen_by_matrix_url(served):
    assert _lifecycle(served.url + "/api;driver=ec2") == "ec2"


def test_each_driver_kept_its_own_instances(served):
    mock = deltacloud.Deltacloud(served.url + "/api", "mockuser", "mockpassword")
    created = mock.create_instance(mock.images()[0].id)
    ec2 = deltacloud.Deltacloud(served.url + "/api;driver=ec2", "mockuser", "mockpassword")
    assert created.id in [i.id for i in mock.instances()]
    assert created.id not in [i.id for i in ec2.instances()]
    assert created.destroy() is True
