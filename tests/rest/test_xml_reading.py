"""Deltacloud's XML documents read into the shapes of its JSON ones."""

import pytest

from dctck.rest._xml_reading import XmlUnreadable, is_xml, read_xml

INSTANCE = b"""<?xml version="1.0" encoding="UTF-8"?>
<instance id="i1" href="http://h/api/instances/i1" vendor:x="1" xmlns:vendor="urn:v">
  <storage_volumes/>
  <private_addresses><address type="ipv4">10.0.0.1</address></private_addresses>
  <public_addresses>
    <address type="hostname">a.example</address>
    <address type="ipv4">1.2.3.4</address>
  </public_addresses>
  <actions>
    <link rel="stop" method="post" href="http://h/api/instances/i1/stop"/>
    <link rel="destroy" method="delete" href="http://h/api/instances/i1"/>
  </actions>
  <state>RUNNING</state>
  <launch_time>2012-01-01</launch_time>
  <hardware_profile id="m1" href="http://h/api/hardware_profiles/m1"/>
  <realm id="us" href="http://h/api/realms/us"/>
  <image id="img1" href="http://h/api/images/img1"/>
  <owner_id>mockuser</owner_id>
  <name>web</name>
</instance>"""


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/xml", True),
        ("application/xml; charset=utf-8", True),
        ("Text/XML;charset=ISO-8859-1", True),
        ("application/json", False),
        ("application/json; charset=utf-8", False),
        ("text/html", False),
        ("application/xhtml+xml", False),  # a page, not a Deltacloud document
        (None, False),
    ],
)
def test_xml_is_told_by_its_content_type(content_type, expected):
    assert is_xml(content_type) is expected


def test_an_instance_in_any_order_with_extra_elements_and_attributes():
    assert read_xml(INSTANCE) == {
        "instance": {
            "id": "i1",
            "href": "http://h/api/instances/i1",
            "name": "web",
            "owner": "mockuser",
            "state": "RUNNING",
            "image": {"id": "img1", "href": "http://h/api/images/img1"},
            "realm": {"id": "us", "href": "http://h/api/realms/us"},
            "hardware_profile": {"id": "m1", "href": "http://h/api/hardware_profiles/m1"},
            "actions": [
                {"rel": "stop", "method": "post", "href": "http://h/api/instances/i1/stop"},
                {"rel": "destroy", "method": "delete", "href": "http://h/api/instances/i1"},
            ],
            "public_addresses": [
                {"address": "a.example", "type": "hostname"},
                {"address": "1.2.3.4", "type": "ipv4"},
            ],
            "private_addresses": [{"address": "10.0.0.1", "type": "ipv4"}],
        }
    }


def test_the_entry_point_with_its_links_and_features():
    body = b"""<api version="1.1" driver="mock" extra="y">
      <link rel="realms" href="http://h/api/realms"/>
      <link rel="instances" href="http://h/api/instances">
        <feature name="user_name" rel="create"><param name="name"/></feature>
        <feature name="authentication_key"/>
      </link>
      <other/>
    </api>"""
    assert read_xml(body) == {
        "api": {
            "version": "1.1",
            "driver": "mock",
            "provider": None,
            "links": [
                {"rel": "realms", "href": "http://h/api/realms", "features": []},
                {
                    "rel": "instances",
                    "href": "http://h/api/instances",
                    "features": ["user_name", "authentication_key"],
                },
            ],
        }
    }


def test_hardware_profiles_carry_numbers_and_labels():
    body = b"""<hardware_profiles>
      <hardware_profile id="m1" href="http://h/api/hardware_profiles/m1">
        <property kind="fixed" name="memory" unit="MB" value="1740.8"/>
        <property kind="fixed" name="cpu" unit="count" value="2"/>
        <property kind="range" name="storage" unit="GB" value="160">
          <range first="1" last="2"/>
        </property>
        <property kind="fixed" name="architecture" unit="label" value="x86_64"/>
        <name>m1</name>
      </hardware_profile>
      <note>ignored</note>
    </hardware_profiles>"""
    (profile,) = read_xml(body)["hardware_profiles"]
    assert profile["name"] == "m1"
    values = {p["name"]: p["value"] for p in profile["properties"]}
    assert values == {"memory": 1740.8, "cpu": 2, "storage": 160, "architecture": "x86_64"}
    assert type(values["cpu"]) is int


def test_realms_with_and_without_a_limit_and_images():
    realms = read_xml(
        b"<realms><realm id='a' href='h'><limit>5</limit><state>AVAILABLE</state><name>A</name>"
        b"</realm><realm id='b' href='h'><name>b</name><state>UNAVAILABLE</state><limit/></realm>"
        b"</realms>"
    )["realms"]
    assert realms[0] == {"id": "a", "href": "h", "name": "A", "state": "AVAILABLE", "limit": 5}
    assert "limit" not in realms[1]
    image = read_xml(
        b"<image id='img' href='h'><description></description><owner_id>o</owner_id>"
        b"<name>n</name><state>AVAILABLE</state></image>"
    )["image"]
    assert image["owner"] == "o"
    assert image["description"] == ""  # present and empty, not absent
    assert image["architecture"] is None
    assert image["hardware_profiles"] == []
    assert image["actions"] == []  # the kit reads no image action: not judged


def test_states_and_errors():
    states = read_xml(
        b"<states><state name='start'><transition to='pending' auto='true'/></state>"
        b"<state name='running'><transition action='stop' to='stopped'/></state></states>"
    )
    assert states == [
        {"name": "start", "transitions": [{"to": "pending", "auto": True}]},
        {"name": "running", "transitions": [{"to": "stopped", "action": "stop"}]},
    ]
    error = read_xml(b"<error status='404' url='/api/x'><message>gone</message></error>")
    assert error == {"code": "404", "message": "gone"}


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<instances><instance id='a'>", "not well-formed"),
        (b"", "not well-formed"),
        (b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><realms>&a;</realms>", "DOCTYPE"),
        (b"<?xml version='1.0'?><!doctype realms><realms/>", "not well-formed"),
        (b"<buckets/>", "<buckets>"),
        (b"<realms><realm href='h'><name>n</name></realm></realms>", "without an id"),
        (b"<realm id='r'><name>n</name><limit>lots</limit></realm>", "not an integer"),
        (b"<instance id='i'><name>n</name></instance>", "without <actions>"),
    ],
)
def test_what_cannot_be_read_is_named(body, says):
    with pytest.raises(XmlUnreadable, match=says):
        read_xml(body)


def test_a_declaration_is_refused_in_any_encoding_and_text_that_looks_like_one_is_not():
    body = "<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE r><realms/>".encode("utf-16")
    with pytest.raises(XmlUnreadable, match="DOCTYPE"):
        read_xml(body)
    realm = b"<realm id='r'><name><![CDATA[<!DOCTYPE x>]]></name><state>A</state></realm>"
    assert read_xml(realm)["realm"]["name"] == "<!DOCTYPE x>"
