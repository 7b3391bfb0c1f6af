"""LibcloudDriver: credentials, the NodeState table, errors, and EC2 and Dummy behind it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from libcloud.common.exceptions import BaseHTTPError, RateLimitReachedError
from libcloud.common.types import InvalidCredsError, LibcloudError
from libcloud.compute.base import Node
from libcloud.compute.types import NodeState

from dctck import ActionNotAllowed, AuthException, NotFound, ProviderError, ValidationError
from reference_drivers.libcloud import (
    NODE_STATES,
    LibcloudDriver,
    Provider,
    dummy,
    ec2_from_environment,
    ec2_on_simulator,
)
from tests.reference._support import OTHER, VALID, SimulateServer, dctck
from tests.simulator._support import ARM_IMAGE, X86_IMAGE

ROOT = Path(__file__).resolve().parents[2]
MACHINE = [("begin", {"running": "create"}), ("running", {"end": "destroy"})]


class FakeCloud:
    """A Libcloud-like driver whose nodes and failures a test sets."""

    def __init__(self, key, secret):
        self.key, self.secret = key, secret
        self.nodes = []
        self.failure = None

    def list_nodes(self):
        if self.failure is not None:
            raise self.failure
        return self.nodes

    def reboot_node(self, node):
        return False  # ignored: the node's state is what counts


def fake(**provider):
    built = []

    def connect(key, secret):
        built.append(FakeCloud(key, secret))
        return built[-1]

    options = {"name": "Fake", "connect": connect, "states": MACHINE, **provider}
    return LibcloudDriver(Provider(**options)), built


def node(state, id="n-1"):
    return Node(id=id, name="n", state=state, public_ips=[], private_ips=[], driver=None)


@pytest.mark.parametrize("credentials", [{}, {"name": "a"}, {"name": "", "password": "p"}, None])
def test_missing_credentials_are_refused_before_any_driver_is_built(credentials):
    driver, built = fake()
    with pytest.raises(AuthException):
        driver.instances(credentials)
    assert built == []


def test_one_libcloud_driver_per_account_is_built_and_reused():
    driver, built = fake()
    driver.instances(VALID)
    driver.instances(VALID)
    driver.instances(OTHER)
    assert [(cloud.key, cloud.secret) for cloud in built] == [
        ("mockuser", "mockpassword"),
        ("otheruser", "otherpassword"),
    ]


@pytest.mark.parametrize(
    ("node_state", "expected"),
    [
        (NodeState.PENDING, "PENDING"),
        (NodeState.STARTING, "PENDING"),
        (NodeState.RUNNING, "RUNNING"),
        (NodeState.REBOOTING, "RUNNING"),
        (NodeState.STOPPING, "SHUTTING_DOWN"),
        (NodeState.STOPPED, "STOPPED"),
        (NodeState.TERMINATED, None),
        (NodeState.UNKNOWN, "UNKNOWN"),
        (NodeState.ERROR, "ERROR"),
        (NodeState.SUSPENDED, "SUSPENDED"),
    ],
)
def test_node_states_are_read_through_the_one_table(node_state, expected):
    driver, built = fake()
    driver.instances(VALID)
    built[0].nodes = [node(node_state)]
    states = [instance.state for instance in driver.instances(VALID)]
    assert states == ([expected] if expected else [])
    assert NODE_STATES.get(node_state, node_state.upper()) == expected


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (InvalidCredsError("AuthFailure: no"), AuthException("AuthFailure: no")),
        (BaseHTTPError(403, "Forbidden: no"), AuthException("Forbidden: no")),
        (BaseHTTPError(404, "gone"), NotFound("gone")),
        (BaseHTTPError(400, "bad size"), ValidationError("bad size")),
        (RateLimitReachedError(), ProviderError("429 Rate limit exceeded")),
        (BaseHTTPError(500, "boom"), ProviderError("boom")),
        (LibcloudError("odd answer"), ProviderError("odd answer")),
        (
            NotImplementedError("no stop"),
            NotImplementedError("list_nodes is not supported by FakeCloud (no stop)"),
        ),
    ],
    ids=lambda value: type(value).__name__,
)
def test_libcloud_errors_become_the_spis_with_their_message(failure, error):
    driver, built = fake()
    driver.instances(VALID)
    built[0].failure = failure
    with pytest.raises(type(error)) as excinfo:
        driver.instances(VALID)
    assert excinfo.value.args == error.args


def test_an_exception_that_is_not_libclouds_is_let_through():
    driver, built = fake()
    driver.instances(VALID)
    built[0].failure = TypeError("create_node() got an unexpected keyword argument 'location'")
    with pytest.raises(TypeError):
        driver.instances(VALID)


def test_an_action_judges_by_the_node_not_by_the_boolean_libcloud_returns():
    driver, built = fake()
    driver.instances(VALID)
    built[0].nodes = [node(NodeState.RUNNING)]
    assert driver.reboot_instance(VALID, "n-1").state == "RUNNING"
    with pytest.raises(NotFound):
        driver.reboot_instance(VALID, "n-2")


# -- EC2 through Libcloud, on the simulator --------------------------------------------------------


@pytest.fixture
def ec2():
    return ec2_on_simulator()


def test_ec2_lifecycle_with_name_t2_micro_and_realm(ec2):
    opts = {"name": "web", "hwp_id": "t2.micro", "realm_id": "us-east-1b"}
    created = ec2.create_instance(VALID, X86_IMAGE, opts)
    facts = (created.name, created.image, created.hardware_profile, created.realm, created.state)
    assert facts == ("web", X86_IMAGE, "t2.micro", "us-east-1b", "PENDING")
    ec2.clock.tick(40)
    assert [(i.id, i.state) for i in ec2.instances(VALID)] == [(created.id, "RUNNING")]
    assert ec2.instances(OTHER) == []
    assert ec2.reboot_instance(VALID, created.id).state == "RUNNING"
    assert ec2.stop_instance(VALID, created.id).state == "UNKNOWN"  # Libcloud's "stopping"
    ec2.clock.tick(20)
    assert ec2.start_instance(VALID, created.id).state == "PENDING"
    assert ec2.destroy_instance(VALID, created.id).state == "PENDING"
    ec2.clock.tick(20)
    assert ec2.instances(VALID) == []
    with pytest.raises(NotFound):
        ec2.reboot_instance(VALID, created.id)


def test_ec2_catalogue_and_defaults(ec2):
    profiles = {p.id: p for p in ec2.hardware_profiles(VALID)}
    assert (profiles["t2.micro"].memory, profiles["t2.micro"].cpu) == (1, 1)
    assert profiles["c6g.medium"].architecture == "arm64"
    assert (profiles["t2.micro"].storage, profiles["m5d.large"].storage) == (None, 75)  # EBS only
    assert [r.id for r in ec2.realms(VALID)] == ["us-east-1a", "us-east-1b"]
    assert ec2.create_instance(VALID, ARM_IMAGE).hardware_profile == "t4g.nano"  # the smallest
    assert ec2.features() == {"instances": {"user_name"}}


def test_ec2_wrong_secret_is_an_auth_exception_from_ec2(ec2):
    with pytest.raises(AuthException) as excinfo:
        ec2.instances({"name": "mockuser", "password": "wrong"})
    assert excinfo.value.args == (
        "AuthFailure: AWS was not able to validate the provided access credentials",
    )


def test_ec2_errors_are_read_by_their_code(ec2):
    ec2.create_instance(VALID, X86_IMAGE)
    (instance,) = ec2.instances(VALID)
    with pytest.raises(ActionNotAllowed, match=r"^IncorrectInstanceState: "):
        ec2.stop_instance(VALID, instance.id)  # still pending
    with pytest.raises(ValidationError, match=r"^InvalidParameterValue: "):
        ec2.create_instance(VALID, X86_IMAGE, {"hwp_id": "z1d.xlarge"})


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("throttle", r"^RequestLimitExceeded: "),
        ("timeout", r"^no answer from https://ec2\.simulator\.invalid/ in time \(injected\)$"),
    ],
)
def test_ec2_faults_raise_provider_error_a_lost_answer_after_ec2_acted(ec2, kind, message):
    """Libcloud's EC2 requests are GETs: the lost answer is found by the query's Action."""
    ec2.faults.fail_next("create_instance", kind)
    with pytest.raises(ProviderError, match=message):
        ec2.create_instance(VALID, X86_IMAGE)
    assert len(ec2.instances(VALID)) == (1 if kind == "timeout" else 0)


# -- Dummy ---------------------------------------------------------------------------------------


def test_dummy_accounts_each_get_their_own_driver_and_two_nodes():
    driver = dummy()
    assert [i.name for i in driver.instances(VALID)] == ["dummy-1", "dummy-2"]
    created = driver.create_instance(VALID, "1", {"name": "mine"})
    assert created.name == "dummy-3"  # DummyNodeDriver ignores the name (a finding)
    assert [i.name for i in driver.instances(OTHER)] == ["dummy-1", "dummy-2"]
    with pytest.raises(ActionNotAllowed, match="stop_node is not supported by DummyNodeDriver"):
        driver.stop_instance(VALID, created.id)  # its machine declares no stop: refused


def _not_implemented(node):
    raise NotImplementedError


def test_a_declared_action_libcloud_does_not_implement_is_not_supported_never_refused():
    rebooting = [("begin", {"running": "create"}), ("running", {"running": "reboot"})]
    for states, error, message in [
        (rebooting, NotImplementedError, r"^_not_implemented is not supported by Fake$"),
        (
            MACHINE,
            ActionNotAllowed,
            r"^_not_implemented is not supported by Fake: Fake declares no ",
        ),
    ]:
        driver, built = fake(states=states)
        driver.instances(VALID)
        built[0].nodes = [node(NodeState.RUNNING)]
        built[0].reboot_node = _not_implemented
        with pytest.raises(error, match=message):
            driver.reboot_instance(VALID, "n-1")


@pytest.mark.live
def test_ec2_from_environment_runs_against_a_live_simulator(monkeypatch):
    server = SimulateServer("--clock", "manual")
    try:
        for name, value in {**server.env, "DCTCK_EC2_CONTROL": server.url + "/_sim"}.items():
            monkeypatch.setenv(name, value)
        driver = ec2_from_environment()
        created = driver.create_instance(VALID, X86_IMAGE, {"name": "live", "hwp_id": "t2.micro"})
        driver.clock.tick(40)
        assert [(i.name, i.state) for i in driver.instances(VALID)] == [("live", "RUNNING")]
        driver.destroy_instance(VALID, created.id)
        driver.clock.tick(20)
        assert driver.instances(VALID) == []
        driver.faults.fail_next("realms", "timeout")  # the server's RequestTimeout
        with pytest.raises(ProviderError, match=r"^RequestTimeout: "):
            driver.realms(VALID)
    finally:
        server.stop()


def test_without_libcloud_certify_says_in_one_line_which_extra_to_install(tmp_path):
    (tmp_path / "libcloud").mkdir()
    (tmp_path / "libcloud" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'libcloud'\", name='libcloud')\n"
    )
    path = os.pathsep.join([str(tmp_path), str(ROOT)])
    result = dctck(
        "certify", "reference_drivers.libcloud:dummy", "--credentials", "a:b",
        env={"PYTHONPATH": path}, cwd=tmp_path,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "dctck certify: error: importing 'reference_drivers.libcloud' raised ImportError: "
        "reference_drivers.libcloud needs Apache Libcloud: pip install 'dctck[libcloud]'\n"
    )
