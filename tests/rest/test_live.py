"""The REST front on real sockets: the loopback server, the adapter, and ``dctck serve``."""

import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from dctck.rest import MAX_PARAMETERS, LoopbackServer, RestApp, RestFront
from reference_drivers import MockDriver
from tests.rest._drivers import TinyDriver
from tests.rest._served import Served, session

pytestmark = pytest.mark.live

MOCK = {"name": "mockuser", "password": "mockpassword"}
MOCK_AUTH = ("mockuser", "mockpassword")


# -- the loopback server and the front -------------------------------------------------------------


def test_loopback_server_serves_until_stopped_then_leaves_nothing_behind():
    before = set(threading.enumerate())
    server = LoopbackServer(RestApp(TinyDriver())).start()
    url = server.url
    with session() as http:
        assert http.get(url + "/api/realms").json()["realms"][0]["id"] == "r-1"
    server.stop()
    with session() as http, pytest.raises(requests.ConnectionError):
        http.get(url + "/api/realms", timeout=2)
    assert set(threading.enumerate()) - before == set()


def test_the_adapter_gives_what_the_driver_gives():
    driver = MockDriver()
    with RestFront(driver) as front:
        client = front.client
        assert front.client.clock is driver.clock
        for method in ("hardware_profiles", "realms", "images"):
            assert getattr(client, method)(MOCK) == getattr(driver, method)(MOCK)
        assert client.images(MOCK, {"architecture": "arm64"}) == driver.images(
            MOCK, {"architecture": "arm64"}
        )
        created = client.create_instance(MOCK, driver.images(MOCK)[0].id, {"name": "web"})
        assert created == driver.instance(MOCK, created.id)
        assert client.features() == driver.features()
        assert client.instances(MOCK) == driver.instances(MOCK)
        assert client.instance_states() == driver.instance_states()
        assert client.destroy_instance(MOCK, created.id) is None
        assert driver.instances(MOCK) == []


def test_a_dot_dot_id_reaches_the_driver_as_one_segment():
    driver = TinyDriver()
    with RestFront(driver) as front:
        assert front.client.realm({}, "..") is None
        assert front.client.realm({}, "a/b") is None
    assert [call[2] for call in driver.calls] == [{"id": ".."}, {"id": "a/b"}]


# -- dctck serve -----------------------------------------------------------------------------------


@pytest.fixture
def served():
    with Served("--clock-rate", "0") as process:
        yield process


def test_serve_hosts_the_bundled_targets_with_mock_by_default(served):
    assert served.banner == (
        "dctck serve: mock (reference_drivers.mock:MockDriver), ec2"
        " (reference_drivers.ec2:EC2Driver), openstack"
        " (reference_drivers.openstack:OpenStackDriver)"
        f" at {served.url}/api (default mock; Ctrl-C to stop)"
    )
    with session() as http:
        api = http.get(served.url + "/api").json()["api"]
        drivers = http.get(served.url + "/api/drivers").json()["drivers"]
        answer = http.get(served.url + "/api", headers={"X-Deltacloud-Driver": "ec2"})
    assert (api["driver"], api["version"]) == ("mock", "1.1")
    assert [(d["id"], d["name"]) for d in drivers] == [
        ("mock", "Mock"),
        ("ec2", "EC2"),
        ("openstack", "OpenStack"),
    ]
    assert answer.json()["api"]["provider"] == "us-east-1"
    assert answer.headers["Server"] == "Apache-Deltacloud/1.1"
    assert served.stop() == (0, "dctck serve: stopped\n", "")


def test_serve_stops_on_sigterm(served):
    code, out, _ = served.stop(signal.SIGTERM)
    assert (code, out) == (0, "dctck serve: stopped\n")


def _snapshot(http, url):
    """Everything the two accounts see: their instances (ids and states) and images."""
    seen = {}
    for name, password in (("mockuser", "mockpassword"), ("otheruser", "otherpassword")):
        for collection in ("instances", "images"):
            answer = http.get(f"{url}/api/{collection}", auth=(name, password))
            assert answer.status_code == 200
            seen[name, collection] = [(m["id"], m.get("state")) for m in answer.json()[collection]]
    return seen


def _bad_requests(url, instance_id, image_id):
    """(what, method, target, requests keyword arguments, the one documented answer)."""
    api = f"{url}/api"
    stopped_form = {"headers": {"Content-Type": "application/x-www-form-urlencoded"}}
    return [
        ("unknown collection", "GET", f"{api}/flavors", {}, 404),
        ("unknown route", "GET", f"{url}/admin", {}, 404),
        ("unknown action", "POST", f"{api}/instances/{instance_id}/explode", {}, 404),
        ("malformed instance id", "GET", f"{api}/instances/i-zz%00", {}, 404),
        ("path traversal id", "POST", f"{api}/instances/..%2F..%2Fetc/reboot", {}, 404),
        ("id not UTF-8", "GET", f"{api}/images/%C3%28", {}, 400),
        ("empty id", "POST", f"{api}/instances//reboot", {}, 404),
        ("huge id", "GET", f"{api}/instances/{'i' * 5000}", {}, 400),
        ("huge filter", "GET", f"{api}/images", {"params": {"id": "x" * 5000}}, 400),
        (
            "many filters",
            "GET",
            f"{api}/images",
            {"params": {f"k{i}": "v" for i in range(MAX_PARAMETERS + 1)}},
            400,
        ),
        ("huge URL", "GET", f"{api}/images", {"params": {"id": "x" * 100_000}}, 431),
        (
            "text body",
            "POST",
            f"{api}/instances",
            {"data": f"image_id={image_id}", "headers": {"Content-Type": "text/plain"}},
            415,
        ),
        (
            "XML body",
            "POST",
            f"{api}/instances",
            {
                "data": f"<image_id>{image_id}</image_id>",
                "headers": {"Content-Type": "application/xml"},
            },
            415,
        ),
        (
            "multipart body",
            "POST",
            f"{api}/instances",
            {"files": {"image_id": ("f", image_id.encode())}},
            415,
        ),
        ("body without a type", "POST", f"{api}/instances", {"data": b"\x00\x01garbage"}, 415),
        (
            "broken JSON",
            "POST",
            f"{api}/instances",
            {"data": '{"image_id": ', "headers": {"Content-Type": "application/json"}},
            400,
        ),
        ("JSON array", "POST", f"{api}/instances", {"json": [image_id]}, 400),
        ("JSON number id", "POST", f"{api}/instances", {"json": {"image_id": 7}}, 400),
        ("JSON nested", "POST", f"{api}/instances", {"json": {"image_id": {"$ne": ""}}}, 400),
        ("deep JSON", "POST", f"{api}/instances", {"data": "[" * 50_000, **stopped_form}, 400),
        (
            "form not UTF-8",
            "POST",
            f"{api}/instances",
            {"data": b"image_id=%FF", **stopped_form},
            400,
        ),
        (
            "image id twice",
            "POST",
            f"{api}/instances",
            {"data": {"image_id": [image_id, image_id]}},
            400,
        ),
        ("no image id", "POST", f"{api}/instances", {"data": {"name": "x"}}, 400),
        (
            "huge name",
            "POST",
            f"{api}/instances",
            {"data": {"image_id": image_id, "name": "n" * 5000}},
            400,
        ),
        ("huge body", "POST", f"{api}/instances", {"data": b"x" * 100_000, **stopped_form}, 413),
        (
            "very huge body",
            "POST",
            f"{api}/instances",
            {"data": b"x" * 2_000_000, **stopped_form},
            413,
        ),
        ("unknown image", "POST", f"{api}/instances", {"data": {"image_id": "ami-00000000"}}, 404),
        (
            "unknown profile",
            "POST",
            f"{api}/instances",
            {"data": {"image_id": image_id, "hwp_id": "z"}},
            400,
        ),
        (
            "unknown realm",
            "POST",
            f"{api}/instances",
            {"data": {"image_id": image_id, "realm_id": "z"}},
            400,
        ),
        (
            "action with a text body",
            "POST",
            f"{api}/instances/{instance_id}/stop",
            {"data": "now", "headers": {"Content-Type": "text/plain"}},
            415,
        ),
        ("PUT on a collection", "PUT", f"{api}/instances", {}, 405),
        ("DELETE an image", "DELETE", f"{api}/images/{image_id}", {}, 405),
        ("PATCH an instance", "PATCH", f"{api}/instances/{instance_id}", {}, 405),
        ("GET an action", "GET", f"{api}/instances/{instance_id}/stop", {}, 405),
        ("OPTIONS", "OPTIONS", f"{api}/instances", {}, 405),
        ("unknown method", "BREW", f"{api}/instances", {}, 405),
        ("unacceptable type", "GET", f"{api}/images", {"headers": {"Accept": "text/csv"}}, 406),
        ("unknown driver", "GET", f"{api}/images", {"headers": {"X-Deltacloud-Driver": "x"}}, 400),
        ("unknown region", "GET", f"{api};driver=ec2;provider=mars-1/images", {}, 400),
        ("action not offered", "POST", f"{api}/instances/{instance_id}/start", {}, 405),
        ("unknown format", "GET", f"{api}/images", {"params": {"format": "yaml"}}, 406),
        ("format twice", "GET", f"{api}/images", {"params": {"format": ["json", "xml"]}}, 400),
        (
            "no credentials",
            "POST",
            f"{api}/instances",
            {"data": {"image_id": image_id}, "auth": None},
            401,
        ),
        (
            "wrong password",
            "POST",
            f"{api}/instances/{instance_id}/stop",
            {"auth": ("mockuser", "x")},
            401,
        ),
        (
            "garbage Authorization",
            "GET",
            f"{api}/instances",
            {"headers": {"Authorization": "Basic %%%"}, "auth": None},
            401,
        ),
        (
            "another scheme",
            "GET",
            f"{api}/instances",
            {"headers": {"Authorization": "Bearer token"}, "auth": None},
            401,
        ),
        (
            "another account's instance",
            "POST",
            f"{api}/instances/{instance_id}/stop",
            {"auth": ("otheruser", "otherpassword")},
            404,
        ),
        (
            "another account's destroy",
            "DELETE",
            f"{api}/instances/{instance_id}",
            {"auth": ("otheruser", "otherpassword")},
            404,
        ),
    ]


def test_bad_input_gets_only_its_documented_4xx_and_changes_nothing(served):
    with session() as http:
        image_id = http.get(f"{served.url}/api/images", auth=MOCK_AUTH).json()["images"][0]["id"]
        created = http.post(
            f"{served.url}/api/instances", data={"image_id": image_id}, auth=MOCK_AUTH
        )
        assert created.status_code == 201
        instance_id = created.json()["instance"]["id"]
        before = _snapshot(http, served.url)
        answers = {}
        for what, method, target, kwargs, _ in _bad_requests(served.url, instance_id, image_id):
            kwargs = {"auth": MOCK_AUTH, **kwargs}
            answers[what] = http.request(method, target, timeout=10, **kwargs).status_code
        after = _snapshot(http, served.url)
    expected = {what: status for what, _, _, _, status in _bad_requests("", "", "")}
    assert answers == expected
    assert after == before
    code, _, err = served.stop()
    assert code == 0
    assert "Traceback" not in err


def test_a_garbled_request_line_is_refused_by_the_server(served):
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(b"GET /api HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        answer = connection.recv(200)
    assert answer.startswith(b"HTTP/1.1 400 Bad Request")


def test_serve_advances_a_virtual_clock_with_real_time():
    with Served("--clock-rate", "1000", "--boot-seconds", "40") as served:
        with session() as http:
            image_id = http.get(f"{served.url}/api/images", auth=MOCK_AUTH).json()["images"][0][
                "id"
            ]
            created = http.post(
                f"{served.url}/api/instances", data={"image_id": image_id}, auth=MOCK_AUTH
            )
            href = created.json()["instance"]["href"]
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                state = http.get(href, auth=MOCK_AUTH).json()["instance"]["state"]
                if state == "RUNNING":
                    break
                time.sleep(0.05)
        assert state == "RUNNING"
        assert served.stop()[0] == 0


def test_a_named_driver_is_served_under_its_name_and_is_the_default():
    driver = "tiny=tests.rest._drivers:TinyDriver"
    with Served("--driver", driver, "--clock-rate", "0") as served:
        with session() as http:
            api = http.get(served.url + "/api").json()["api"]
            realms = http.get(served.url + "/api;driver=mock/realms", auth=MOCK_AUTH).json()[
                "realms"
            ]
        assert api["driver"] == "tiny"
        assert served.banner.endswith("(default tiny; Ctrl-C to stop)")
        assert "tiny (tests.rest._drivers:TinyDriver)" in served.banner
        assert [r["id"] for r in realms] == ["us-east-1a", "us-east-1b"]
        assert served.stop()[0] == 0


def test_served_instances_boot_and_stop_in_the_seconds_asked_for():
    with Served("--boot-seconds", "0.5", "--stop-seconds", "0.5") as served, session() as http:
        for driver in ("mock", "ec2", "openstack"):
            headers = {"X-Deltacloud-Driver": driver}
            image = http.get(f"{served.url}/api/images", auth=MOCK_AUTH, headers=headers)
            image_id = image.json()["images"][0]["id"]
            created = http.post(
                f"{served.url}/api/instances",
                data={"image_id": image_id},
                auth=MOCK_AUTH,
                headers=headers,
            )
            href = created.json()["instance"]["href"]
            assert _eventually(http, href, headers, "RUNNING") == "RUNNING"
            http.post(href + "/stop", auth=MOCK_AUTH, headers=headers)
            assert _eventually(http, href, headers, "STOPPED") == "STOPPED"
        assert served.stop()[0] == 0


def _eventually(http, href, headers, wanted, bound=30.0):
    """The instance's state once it is ``wanted``, or the last one seen after ``bound`` s."""
    deadline = time.monotonic() + bound
    state = None
    while time.monotonic() < deadline and state != wanted:
        state = http.get(href, auth=MOCK_AUTH, headers=headers).json()["instance"]["state"]
        time.sleep(0.1)
    return state


def serve_command(*args):
    return subprocess.run(
        [sys.executable, "-m", "dctck", "serve", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "http"], "--port must be a number from 0 to 65535, got 'http'"),
        (["--port", "70000"], "--port must be a number from 0 to 65535, got '70000'"),
        (["--clock-rate", "-1"], "--clock-rate must be a number >= 0, got '-1'"),
        (["--boot-seconds", "soon"], "--boot-seconds must be a number >= 0, got 'soon'"),
        (["--stop-seconds", "-2"], "--stop-seconds must be a number >= 0, got '-2'"),
        (
            ["--default-driver", "nimbus"],
            "--default-driver 'nimbus' is not served (served: mock, ec2, openstack)",
        ),
        (["--driver", "=x:Y"], "--driver '=x:Y': NAME before = is empty"),
        (["--driver", "no_such_module:Driver"], "driver module 'no_such_module' not found"),
        (
            ["--driver", "nocolon"],
            "driver path 'nocolon' is not of the form MODULE:ATTR (e.g. mypackage.driver:MyDriver)",
        ),
    ],
)
def test_serve_usage_errors_exit_2_with_one_line(args, message):
    result = serve_command(*args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"dctck serve: error: {message}\n"


def test_a_port_in_use_exits_1_with_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = serve_command("--port", str(port))
    assert (result.returncode, result.stdout) == (1, "")
    assert (
        result.stderr
        == f"dctck serve: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    )


def test_serve_help_names_its_options():
    result = serve_command("--help")
    assert result.returncode == 0
    for option in (
        "--driver [NAME=]MODULE:ATTR",
        "--default-driver NAME",
        "--host HOST",
        "--port PORT",
        "--clock-rate FACTOR",
        "--boot-seconds S",
        "--stop-seconds S",
    ):
        assert option in result.stdout
