"""`Ec2Server`: waitress on 127.0.0.1, started and stopped by its owner."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from simulator import Simulator
from simulator._serving import WaitressServer
from simulator.ec2 import Ec2App, Ec2Server
from tests.ec2._support import client


@pytest.mark.live
def test_a_server_binds_127_0_0_1_on_a_free_port_by_default():
    server = Ec2Server(port=0)
    try:
        assert server.host == "127.0.0.1"
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.port > 0
    finally:
        server.stop()


@pytest.mark.live
def test_a_server_serves_its_simulator_until_stopped_then_refuses_connections():
    sim = Simulator()
    with Ec2Server(Ec2App(sim), port=0) as server:
        ec2 = client(server.url)
        ec2.run_instances(ImageId="ami-0a1b2c3d4e5f60718", MinCount=1, MaxCount=1)
        ec2.close()
        port = server.port
    assert len(sim.describe_instances("mockuser")) == 1
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass


@pytest.mark.live
def test_stopping_twice_or_without_starting_is_harmless():
    never_started = Ec2Server(port=0)
    never_started.stop()
    never_started.stop()
    started = Ec2Server(port=0).start()
    started.stop()
    started.stop()
    assert started.sim is started.app.sim


@pytest.mark.live
def test_a_second_stop_request_after_the_loop_closed_is_harmless():
    server = Ec2Server(port=0).start()
    server.request_stop()
    server.stop()
    server.request_stop()  # was EBADF: the loop had closed its wake-up pipe


@pytest.mark.live
def test_a_request_still_being_served_when_the_server_stops_logs_no_error(caplog):
    """The worker of a request in flight ends by waking the serving loop; the loop's wake-up
    pipe stays open until the workers are done (closed first, the late wake-up raised EBADF,
    which waitress logged as "Exception when servicing")."""
    started = threading.Event()

    def slow_app(environ, start_response):
        started.set()
        time.sleep(0.5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"late"]

    server = WaitressServer(slow_app, port=0).start()
    with socket.create_connection(("127.0.0.1", server.port), 5) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert started.wait(5)
        with caplog.at_level(logging.ERROR, logger="waitress"):
            server.stop()
    assert not [r for r in caplog.records if r.name.startswith("waitress")]
