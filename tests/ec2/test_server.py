"""`Ec2Server`: waitress on 127.0.0.1, started and stopped by its owner."""

from __future__ import annotations

import socket

import pytest

from simulator import Simulator
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
