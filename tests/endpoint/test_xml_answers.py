"""A server that answers XML only certifies through the client adapter exactly as it does in
JSON: the adapter reads Deltacloud's XML documents into the same structures."""

import re

import pytest

from dctck import ValidationError
from dctck.rest import DeltacloudClient, RestApp, UnexpectedResponse
from tests.endpoint._support import Middleware, certify, fast_mock, outcomes, served

pytestmark = pytest.mark.live

AREAS = "models or ids or filters or fsm"


class SpeaksXmlOnly(Middleware):
    """Every request asks for XML, whatever its Accept said; every answer's type carries a
    charset. Records the content types of the bodies it answered."""

    def __init__(self, inner):
        super().__init__(inner)
        self.types = set()

    def call(self, environ):
        environ["HTTP_ACCEPT"] = "application/xml"
        return super().call(environ)

    def rewrite(self, environ, status, headers, body):
        typed = []
        for key, value in headers:
            if key.lower() == "content-type" and body:
                self.types.add(value)
                value += "; charset=utf-8"
            typed.append((key, value))
        return status, typed, body


def test_an_xml_only_server_reads_as_its_json_self():
    with (
        served(SpeaksXmlOnly(RestApp(fast_mock()))) as xml_url,
        served(RestApp(fast_mock())) as json_url,
    ):
        xml, plain = DeltacloudClient(xml_url), DeltacloudClient(json_url)
        credentials = {"name": "mockuser", "password": "mockpassword"}
        try:
            assert xml.features() == plain.features()
            assert xml.instance_states() == plain.instance_states()
            for listing in ("hardware_profiles", "realms", "images", "instances"):
                assert getattr(xml, listing)(credentials) == getattr(plain, listing)(credentials)
            image = plain.images(credentials)[0].id
            made = xml.create_instance(credentials, image, {"name": "x"})
            assert xml.instance(credentials, made.id) == made
            assert xml.instance(credentials, "no-such-id") is None
            assert xml.realm(credentials, "no-such-id") is None
        finally:
            xml.close()
            plain.close()


def test_an_xml_only_server_certifies_as_its_json_self(pytester):
    app = SpeaksXmlOnly(RestApp(fast_mock()))
    with served(app) as url:
        _, xml_report = certify(pytester, url, "-m", AREAS)
    with served(RestApp(fast_mock())) as url:
        _, json_report = certify(pytester, url, "-m", AREAS)
    assert app.types == {"application/xml"}
    assert outcomes(xml_report) == outcomes(json_report)
    assert "passed" in set(outcomes(xml_report).values())


class Canned:
    """Answers every request with one status and XML body."""

    def __init__(self, status, body):
        self.status, self.body = status, body

    def __call__(self, environ, start_response):
        headers = [("Content-Type", "application/xml;charset=UTF-8")]
        start_response(self.status, [*headers, ("Content-Length", str(len(self.body)))])
        return [self.body]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<realms><realm id='r'>", "GET /api/realms answered an XML body that is not well-formed"),
        (b"<!DOCTYPE r [<!ENTITY e 'x'>]><realms>&e;</realms>", "DOCTYPE or entity"),
        (b"<realms><realm><name>r</name></realm></realms>", "a <realm> without an id"),
    ],
)
def test_an_unreadable_xml_body_is_an_unexpected_response_as_bad_json_is(body, says):
    with served(Canned("200 OK", body)) as url:
        client = DeltacloudClient(url)
        try:
            with pytest.raises(UnexpectedResponse, match=re.escape(says)):
                client.realms({"name": "u", "password": "p"})
        finally:
            client.close()


def test_an_xml_error_document_gives_its_message():
    body = b"<error status='400' url='/api/realms'><code>400</code><message>bad x</message></error>"
    with served(Canned("400 Bad Request", body)) as url:
        client = DeltacloudClient(url)
        try:
            with pytest.raises(ValidationError, match=r"^bad x$"):
                client.realms({"name": "u", "password": "p"})
        finally:
            client.close()
