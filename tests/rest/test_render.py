"""Rendering details: driver names, hrefs, XML text, numbers."""

from decimal import Decimal

import pytest

from dctck import HardwareProfile, Image
from dctck.rest import RestApp, driver_label, driver_name
from tests.rest._wsgi import request


class Named:
    name = "acme"


class EC2Driver:
    pass


class Driver:
    pass


@pytest.mark.parametrize(
    ("driver", "name", "label"),
    [(Named(), "acme", "Named"), (EC2Driver(), "ec2", "EC2"), (Driver(), "driver", "Driver")],
)
def test_driver_name_and_label(driver, name, label):
    assert (driver_name(driver), driver_label(driver)) == (name, label)


class Catalogue:
    def __init__(self, profiles=(), images=()):
        self.profiles, self.image_list = list(profiles), list(images)

    def hardware_profiles(self, credentials, opts=None):
        return self.profiles

    def images(self, credentials, opts=None):
        return self.image_list


def test_ids_become_one_encoded_path_segment_in_hrefs():
    app = RestApp(Catalogue(images=[Image(id="a/b c"), Image(id=".."), Image(id="é")]))
    answer = request(app, "GET", "/api/images", headers={"Accept": "application/json"})
    hrefs = [i["href"] for i in answer.json()["images"]]
    assert hrefs == [
        "http://front.test:8080/api/images/a%2Fb%20c",
        "http://front.test:8080/api/images/%2E%2E",
        "http://front.test:8080/api/images/%C3%A9",
    ]


def test_xml_replaces_characters_it_cannot_carry():
    app = RestApp(Catalogue(images=[Image(id="i", name="bell\x07 nul\x00 ok\u00e9")]))
    answer = request(app, "GET", "/api/images", headers={"Accept": "application/xml"})
    assert answer.xml().find("image/name").text == "bell\ufffd nul\ufffd ok\u00e9"


@pytest.mark.parametrize(
    ("address", "kind"),
    [("10.0.0.1", "ipv4"), ("2001:db8::1", "ipv6"), ("host.example", "hostname")],
)
def test_addresses_carry_their_type(address, kind):
    from dctck import Instance

    class One(Catalogue):
        def instances(self, credentials, opts=None):
            return [Instance(id="i", state="RUNNING", public_addresses=[address])]

    answer = request(
        RestApp(One()), "GET", "/api/instances", headers={"Accept": "application/json"}
    )
    assert answer.json()["instances"][0]["public_addresses"] == [{"address": address, "type": kind}]


@pytest.mark.parametrize(
    ("memory", "as_json", "as_xml"),
    [
        (Decimal("2"), 2048, "2048"),
        (Decimal("1.50"), 1536, "1536"),
        (0.5, 512, "512"),
        (8, 8192, "8192"),
        (0.1, 102.4, "102.4"),
    ],
)
def test_memory_in_mb_in_both_formats(memory, as_json, as_xml):
    app = RestApp(Catalogue(profiles=[HardwareProfile(id="h", memory=memory)]))
    json_answer = request(app, "GET", "/api/hardware_profiles?format=json")
    xml_answer = request(app, "GET", "/api/hardware_profiles?format=xml")
    (prop,) = json_answer.json()["hardware_profiles"][0]["properties"]
    assert (prop["value"], type(prop["value"])) == (as_json, type(as_json))
    assert xml_answer.xml().find("hardware_profile/property[@name='memory']").get("value") == as_xml
