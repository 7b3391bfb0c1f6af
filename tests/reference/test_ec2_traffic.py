"""An in-process EC2Driver keeps its traffic to itself: other requests still reach the network."""

from http.server import BaseHTTPRequestHandler

import pytest
import requests
import responses

from reference_drivers import EC2Driver
from reference_drivers._ec2_inprocess import ENDPOINT
from tests.reference._support import VALID, serving


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello from the network"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    with serving(_Hello) as url:
        yield url


def test_other_hosts_still_reach_the_network(local_server):
    driver = EC2Driver()
    assert driver.realms(VALID) != []
    assert requests.get(local_server, timeout=5).text == "hello from the network"
    assert driver.realms(VALID) != []


def test_the_fake_endpoint_is_reachable_only_through_the_drivers_session():
    driver = EC2Driver()
    with responses.RequestsMock() as outside:  # whatever else the process mocks
        outside.add(responses.GET, "http://example.test/", body="the test's own mock")
        assert requests.get("http://example.test/", timeout=5).text == "the test's own mock"
        assert driver.realms(VALID) != []
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            requests.post(ENDPOINT, data="Action=DescribeRegions", timeout=5)


def test_the_driver_patches_nothing():
    send = requests.adapters.HTTPAdapter.send
    session_send = requests.Session.send
    EC2Driver().images(VALID)
    assert requests.adapters.HTTPAdapter.send is send
    assert requests.Session.send is session_send
