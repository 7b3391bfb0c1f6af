"""A server that answers XML only certifies through the client adapter exactly as it does in
JSON: the adapter reads Deltacloud's XML documents into the same structures."""

import pytest

from dctck.rest import DeltacloudClient, RestApp
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
