"""Rendering details: driver names, hrefs, XML text, numbers."""

from decimal import Decimal

import pytest

from dctck import HardwareProfile, Image
from dctck.rest import RestApp, driver_name
from tests.rest._wsgi import request


class Named:
    name = "acme"


class EC2Driver:
    pass


class Driver:
    pass


@pytest.mark.parametrize(
    ("driver", "name"), [(Named(), "acme"), (EC2Driver(), "ec2"), (Driver(), "driver")]
)
def test_driver_name(driver, name):
    assert driver_name(driver) == name


class Catalogue:
    def __init__(self, profiles=(), images=()):
        self.profiles, self.image_list = list(profiles), list(images)

    def hardware_profiles(self, credentials, opts=None):
        return self.profiles

    def images(self, credentials, opts=None):
        return self.image_list


def test_ids_become_one_encoded_path_segment_in_hrefs():
    app = RestApp(Catalogue(images=[Image(id="a/b c"), Image(id=".."), Image(id="é")]))
    hrefs = [i["href"] for i in request(app, "GET", "/api/images").json()["images"]]
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
    ("memory", "as_json", "as_xml"),
    [(Decimal("2"), 2, "2"), (Decimal("1.50"), 1.5, "1.5"), (0.5, 0.5, "0.5"), (8, 8, "8")],
)
def test_numbers_in_both_formats(memory, as_json, as_xml):
    app = RestApp(Catalogue(profiles=[HardwareProfile(id="h", memory=memory)]))
    json_answer = request(app, "GET", "/api/hardware_profiles")
    xml_answer = request(app, "GET", "/api/hardware_profiles?format=xml")
    value = json_answer.json()["hardware_profiles"][0]["memory"]
    assert (value, type(value)) == (as_json, type(as_json))
    assert xml_answer.xml().find("hardware_profile/memory").text == as_xml
