"""Small deterministic drivers for the REST front's tests; they record what they receive."""

from decimal import Decimal

from dctck import (
    AuthException,
    BaseDriver,
    HardwareProfile,
    Image,
    Instance,
    NotFound,
    Realm,
    ValidationError,
)

ALICE = {"name": "alice", "password": "s3cret"}
ALICE_AUTH = "Basic YWxpY2U6czNjcmV0"  # alice:s3cret

STATES = [
    ("begin", {"pending": "create"}),
    ("pending", {"running": "_auto_"}),
    ("running", {"running": "reboot", "stopped": "stop"}),
    ("stopped", {"running": "start", "end": "destroy"}),
]


class TinyDriver(BaseDriver):
    """One profile, one realm, one image, instances in a dict; every call is recorded.

    ``fail_with`` is raised by the next call; catalogue methods are public, the rest need alice.
    """

    def __init__(self):
        self.calls = []
        self.fail_with = None
        self.states = [(state, dict(edges)) for state, edges in STATES]
        self.store = {"i-1": self._make("i-1", "RUNNING")}

    def _make(self, id, state, **extra):
        return Instance(
            id=id,
            name=extra.get("name"),
            owner_id="alice",
            image="img-1",
            realm="r-1",
            hardware_profile="hwp-1",
            state=state,
            actions=self.instance_actions_for(state),
            public_addresses=["203.0.113.1"],
            private_addresses=["10.0.0.1"],
        )

    def _enter(self, method, *args):
        self.calls.append((method, *args))
        if self.fail_with is not None:
            error, self.fail_with = self.fail_with, None
            raise error

    def _auth(self, credentials):
        if not credentials:
            raise AuthException("credentials required")
        if dict(credentials) != ALICE:
            raise AuthException(
                f"rejected {credentials.get('name')!r} with password {credentials.get('password')}"
            )

    def hardware_profiles(self, credentials, opts=None):
        self._enter("hardware_profiles", credentials, opts)
        profile = HardwareProfile(
            id="hwp-1", architecture="x86_64", memory=Decimal("1.5"), storage=20, cpu=2
        )
        return self.filter_on(self.filter_on([profile], "id", opts), "architecture", opts)

    def realms(self, credentials, opts=None):
        self._enter("realms", credentials, opts)
        return self.filter_on(
            [Realm(id="r-1", name="one", state="AVAILABLE", limit=None)], "id", opts
        )

    def images(self, credentials, opts=None):
        self._enter("images", credentials, opts)
        self._auth(credentials)
        image = Image(
            id="img-1",
            name="linux",
            architecture="x86_64",
            owner_id="alice",
            description="a <linux> & more",
        )
        return self.filter_on([image], "id", opts)

    def instances(self, credentials, opts=None):
        self._enter("instances", credentials, opts)
        self._auth(credentials)
        found = self.filter_on(list(self.store.values()), "id", opts)
        return self.filter_on(found, "state", opts)

    def create_instance(self, credentials, image_id, opts=None):
        self._enter("create_instance", credentials, image_id, opts)
        self._auth(credentials)
        if image_id != "img-1":
            raise NotFound(f"no image {image_id!r}")
        id = f"i-{len(self.store) + 1}"
        self.store[id] = self._make(id, "PENDING", name=(opts or {}).get("name"))
        return self.store[id]

    def _act(self, method, credentials, id, state):
        self._enter(method, credentials, id)
        self._auth(credentials)
        if id not in self.store:
            raise NotFound(f"no instance {id!r}")
        self.store[id] = self._make(id, state)
        return self.store[id]

    def reboot_instance(self, credentials, id):
        return self._act("reboot_instance", credentials, id, "RUNNING")

    def stop_instance(self, credentials, id):
        return self._act("stop_instance", credentials, id, "STOPPED")

    def start_instance(self, credentials, id):
        return self._act("start_instance", credentials, id, "RUNNING")

    def destroy_instance(self, credentials, id):
        last = self._act("destroy_instance", credentials, id, "STOPPED")
        del self.store[id]
        return last

    def instance_states(self):
        return [(state, dict(edges)) for state, edges in self.states]

    def driver_calls(self, method):
        return [call[1:] for call in self.calls if call[0] == method]


class CatalogueOnly:
    """Not a BaseDriver: only hardware profiles and the state machine."""

    name = "catalogue"

    def hardware_profiles(self, credentials, opts=None):
        return [HardwareProfile(id="hwp-1")]

    def instance_states(self):
        return STATES


class Regional(TinyDriver):
    """A TinyDriver with providers: ``north`` (its own) and ``south``, each with its own store."""

    def __init__(self, provider="north"):
        super().__init__()
        self.provider = provider

    def providers(self):
        return ["north", "south"]

    def for_provider(self, name):
        if name not in self.providers():
            raise ValidationError(f"no provider {name!r}")
        return Regional(name)
