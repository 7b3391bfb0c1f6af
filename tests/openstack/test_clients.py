"""Unmodified clients against a live server: openstacksdk, python-novaclient (keystoneauth
session) and Libcloud's OpenStack_2_NodeDriver each run a full lifecycle on two accounts, and
leave nothing behind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator import RealClock
from simulator.openstack import NovaCloud, OpenStackApp, OpenStackConfig, OpenStackServer
from tests.openstack._support import ME, OTHER

pytestmark = [
    pytest.mark.live,
    # openstacksdk 4.22 warns of its own coming changes (InfluxDB on every connection, configured
    # or not; ignore_missing and _compute_attributes in its internal calls): not ours to change
    pytest.mark.filterwarnings(r"ignore::Warning:openstack\."),
]

FAST = 0.2  # seconds of real time each transition takes


@pytest.fixture
def live() -> Iterator[OpenStackServer]:
    """A served cloud on a real clock with short transitions."""
    config = OpenStackConfig(boot_seconds=0.0, stop_seconds=FAST)
    with OpenStackServer(OpenStackApp(NovaCloud(config, RealClock())), port=0, threads=4) as s:
        yield s


def sdk(live: OpenStackServer, credentials: tuple[str, str]):
    import openstack

    user, password = credentials
    return openstack.connect(
        auth_url=live.auth_url, username=user, password=password, project_name=user,
        user_domain_name="Default", project_domain_name="Default", region_name="RegionOne",
    )  # fmt: skip


@pytest.mark.parametrize("credentials", [ME, OTHER])
def test_openstacksdk_runs_a_full_lifecycle_and_leaves_nothing(live, credentials):
    conn = sdk(live, credentials)
    neighbour = sdk(live, OTHER if credentials == ME else ME)
    theirs = neighbour.compute.create_server(
        name="keep", image_id=_cirros(neighbour), flavor_id="1"
    )
    assert conn.list_availability_zone_names() == ["nova"]
    assert next(flavor.name for flavor in conn.compute.flavors()) == "m1.tiny"
    server = conn.create_server(
        "sdk-web", image="cirros-0.6.2-x86_64-disk", flavor="m1.tiny",
        availability_zone="nova", wait=True, timeout=30,
    )  # fmt: skip
    assert server.status == "ACTIVE"
    assert server.public_v4
    assert server.private_v4.startswith("10.")
    conn.compute.stop_server(server)
    stopping = conn.compute.get_server(server.id)
    assert (stopping.status, stopping.task_state) == ("ACTIVE", "powering-off")
    stopped = conn.compute.wait_for_server(stopping, status="SHUTOFF", interval=0.05, wait=10)
    assert stopped.power_state == 4
    conn.compute.start_server(server)
    conn.compute.wait_for_server(
        conn.compute.get_server(server.id), status="ACTIVE", interval=0.05, wait=10
    )
    conn.compute.reboot_server(server, "SOFT")
    conn.compute.wait_for_server(
        conn.compute.get_server(server.id), status="ACTIVE", interval=0.05, wait=10
    )
    assert conn.delete_server("sdk-web", wait=True, timeout=10)
    assert list(conn.compute.servers()) == []
    assert [s.id for s in neighbour.compute.servers()] == [theirs.id]
    neighbour.compute.delete_server(theirs)
    neighbour.compute.wait_for_delete(theirs, interval=0.05, wait=10)
    assert live.sim.servers("mockuser") == live.sim.servers("otheruser") == []


def _cirros(conn) -> str:
    return conn.image.find_image("cirros-0.6.2-x86_64-disk", ignore_missing=False).id


@pytest.mark.parametrize("credentials", [ME, OTHER])
def test_python_novaclient_runs_a_full_lifecycle_and_leaves_nothing(live, credentials):
    import time

    from keystoneauth1 import session
    from keystoneauth1.identity import v3
    from novaclient import client
    from novaclient import exceptions as nova_errors

    user, password = credentials
    auth = v3.Password(
        auth_url=live.auth_url, username=user, password=password, project_name=user,
        user_domain_name="Default", project_domain_name="Default",
    )  # fmt: skip
    nova = client.Client("2.1", session=session.Session(auth=auth))

    def wait(server_id: str, status: str) -> None:
        deadline = time.monotonic() + 10
        while nova.servers.get(server_id).status != status:
            assert time.monotonic() < deadline, status
            time.sleep(0.05)

    flavor = nova.flavors.find(name="m1.small")
    image = nova.glance.find_image("cirros-0.6.2-x86_64-disk")
    server = nova.servers.create("nova-web", image, flavor, availability_zone="nova")
    wait(server.id, "ACTIVE")
    assert [s.name for s in nova.servers.list()] == ["nova-web"]
    server.stop()
    wait(server.id, "SHUTOFF")
    with pytest.raises(nova_errors.Conflict, match="Cannot 'stop' instance"):
        server.stop()
    server.start()
    wait(server.id, "ACTIVE")
    server.reboot()
    wait(server.id, "ACTIVE")
    server.delete()
    deadline = time.monotonic() + 10
    while True:
        try:
            nova.servers.get(server.id)
        except nova_errors.NotFound:
            break
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert nova.servers.list() == []


# Libcloud 3.9's token check calls datetime.utcnow(), deprecated from Python 3.12 on
@pytest.mark.filterwarnings("ignore:datetime.datetime.utcnow:DeprecationWarning")
def test_libcloud_openstack_driver_runs_a_full_lifecycle_on_two_accounts(live):
    import time

    from libcloud.compute.providers import get_driver
    from libcloud.compute.types import NodeState, Provider

    drivers = [
        get_driver(Provider.OPENSTACK)(
            user,
            password,
            api_version="2.2",
            ex_force_auth_url=live.auth_url,
            ex_tenant_name=user,
            ex_force_service_region="RegionOne",
        )
        for user, password in (ME, OTHER)
    ]
    for driver in drivers:
        size = driver.list_sizes()[0]
        image = next(i for i in driver.list_images() if i.name.startswith("cirros"))
        node = driver.create_node(
            name="lc-web", size=size, image=image, ex_availability_zone="nova"
        )
        ((running, _),) = driver.wait_until_running([node], wait_period=0.05, timeout=10)
        assert running.state == NodeState.RUNNING
        assert running.public_ips
        assert driver.stop_node(node)
        deadline = time.monotonic() + 10
        while driver.ex_get_node_details(node.id).state != NodeState.STOPPED:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert driver.start_node(node)
        assert driver.destroy_node(node)
        while driver.ex_get_node_details(node.id) is not None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert driver.list_nodes() == []
    assert live.sim.audit_log()


def test_the_readmes_openstacksdk_quick_start_runs_as_written(live):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### OpenStack: `dctck simulate --api openstack`", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "http://127.0.0.1:8774" in code
    exec(compile(code.replace("http://127.0.0.1:8774", live.url), "README.md", "exec"), {})
    assert live.sim.servers("mockuser") == []
    assert [entry.to_state for entry in live.sim.audit_log()][-1] == "deleted"
