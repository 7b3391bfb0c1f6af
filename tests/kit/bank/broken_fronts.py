"""Broken REST fronts, area ``api``: drifts from Deltacloud's wire format that real clients trip
on (``DELTACLOUD_API.md``). A correct MockDriver behind a RestApp with one defect each, served
as in ``broken_api``."""

import json
import xml.etree.ElementTree as ET

from dctck.rest import Documents, RestApp
from reference_drivers import MockDriver
from suites.suite_api import RULE_ACCEPTED, RULE_ENTRY, RULE_ETAG, RULE_FORCE_AUTH, RULE_FORMATS
from tests.kit.bank import broken
from tests.kit.bank.broken_api import served_by


class NestedLinksDocuments(Documents):
    def entry_xml(self, api, links):
        root = super().entry_xml(api, links)
        nested = ET.SubElement(root, "links")
        for link in root.findall("link"):
            root.remove(link)
            nested.append(link)
        return root


class NestedLinksApp(RestApp):
    def context(self, request):
        ctx = super().context(request)
        ctx.documents = NestedLinksDocuments(ctx.documents.base, ctx.documents.api_matrix)
        return ctx


@broken("api", RULE_ENTRY, *served_by(NestedLinksApp))
class LinksNestedUnderLinks(MockDriver):
    """Behind a front whose XML entry point holds its links in <links>, so //api/link finds
    none (what dctck serve did before)."""


class JsonWithCharsetApp(RestApp):
    def finish(self, request, ctx, response):
        if response.content_type == "application/json":
            response.headers["Content-Type"] = "application/json; charset=utf-8"
        return super().finish(request, ctx, response)


@broken("api", RULE_FORMATS, *served_by(JsonWithCharsetApp))
class JsonContentTypeWithCharset(MockDriver):
    """Behind a front answering Content-Type: application/json; charset=utf-8, which clients
    comparing the type as a string refuse."""


class NoEtagApp(RestApp):
    def conditional(self, request, response):
        return response


@broken("api", RULE_ETAG, *served_by(NoEtagApp))
class NoEtag(MockDriver):
    """Behind a front that sends no ETag, so If-None-Match never answers 304."""


class ForceAuthIgnoredApp(RestApp):
    def check_force_auth(self, request, ctx):
        return None


@broken("api", RULE_FORCE_AUTH, *served_by(ForceAuthIgnoredApp))
class ForceAuthIgnored(MockDriver):
    """Behind a front that ignores ?force_auth=1, so valid_credentials() is always true."""


class ActionWrappedApp(RestApp):
    def action(self, request, ctx, id, action):
        response = super().action(request, ctx, id, action)
        if response.status_code == 202 and response.content_type == "application/json":
            response.set_data(json.dumps({"instance": json.loads(response.get_data())}))
        return response


@broken("api", RULE_ACCEPTED, *served_by(ActionWrappedApp))
class ActionJsonWrapped(MockDriver):
    """Behind a front whose 202 wraps the instance in {"instance": ...}, where Deltacloud
    answered the instance object itself."""
