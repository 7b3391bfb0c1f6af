"""Broken REST fronts, area ``api``: a correct MockDriver behind a RestApp with one defect each.

Each case registers a MockDriver subclass (named after the defect) with the options that serve
it through its broken application: ``--dctck-via-rest --dctck-rest-app=<this module>:<App>``.
"""

from dctck import ValidationError
from dctck.rest import HttpError, RestApp
from reference_drivers import MockDriver
from tests.kit.bank import broken

RULE_CREATED = "REST: POST /api/instances answers 201 with a Location that resolves"
RULE_CHALLENGE = "REST: AuthException without credentials answers 401 with a Basic challenge"
RULE_FILTERS = "REST: query parameters reach the driver's opts"
RULE_FORBIDDEN = "REST: an action the state machine forbids answers 405 and changes nothing"
RULE_FORMATS = "REST: JSON for application/json, XML for application/xml"
RULE_DESTROYED = "REST: destroy answers 204 with no body, and the instance goes"
RULE_HREFS = "REST: every href is absolute and resolves to the object it names"
RULE_ERRORS = "REST: errors answer their documented status with an error document"
RULE_UNKNOWN = "REST: unknown resources answer 404, wrong methods 405 with Allow"


def served_by(app: str) -> tuple[str, str]:
    """The options that certify the driver behind the application ``app`` of this module."""
    return "--dctck-via-rest", f"--dctck-rest-app={__name__}:{app}"


# -- the broken applications -----------------------------------------------------------------------


class CreateAnswers200App(RestApp):
    def create_instance(self, request):
        response = super().create_instance(request)
        response.status = 200
        return response


class NoLocationApp(RestApp):
    def create_instance(self, request):
        return super().create_instance(request).without_header("Location")


class NoChallengeApp(RestApp):
    def error_response(self, request, error):
        return super().error_response(request, error).without_header("WWW-Authenticate")


class FiltersDroppedApp(RestApp):
    def filter_opts(self, request):
        return None


class ActionsUncheckedApp(RestApp):
    def check_action(self, credentials, id, action):
        return None


class JsonForXmlApp(RestApp):
    def negotiate(self, request, available):
        chosen = super().negotiate(request, available)
        return "application/json" if chosen == "application/xml" else chosen


class DestroyAnswers200App(RestApp):
    def action(self, request, id, action):
        response = super().action(request, id, action)
        if action == "destroy":
            response.status = 200
        return response


class RelativeHrefsApp(RestApp):
    def base(self, request):
        return ""


class ValidationAs500App(RestApp):
    def driver_error(self, error, call, credentials):
        if isinstance(error, ValidationError):
            return HttpError(500, "driver_failure", f"{call} failed")
        return super().driver_error(error, call, credentials)


class WrongMethodAs404App(RestApp):
    def route(self, request):
        try:
            return super().route(request)
        except HttpError as error:
            if error.status == 405:
                raise HttpError(404, "not_found", "no such resource") from None
            raise


# -- the bank cases --------------------------------------------------------------------------------


@broken("api", RULE_CREATED, *served_by("CreateAnswers200App"))
class CreateAnswers200(MockDriver):
    """Behind a front whose POST /api/instances answers 200 instead of 201."""


@broken("api", RULE_CREATED, *served_by("NoLocationApp"))
class CreateWithoutLocation(MockDriver):
    """Behind a front whose 201 for a new instance has no Location header."""


@broken("api", RULE_CHALLENGE, *served_by("NoChallengeApp"))
class UnauthorizedWithoutChallenge(MockDriver):
    """Behind a front whose 401 has no WWW-Authenticate challenge."""


@broken("api", RULE_FILTERS, *served_by("FiltersDroppedApp"))
class FiltersNotPassedThrough(MockDriver):
    """Behind a front that never passes the query parameters to the driver's opts."""


@broken("api", RULE_FORBIDDEN, *served_by("ActionsUncheckedApp"))
class ActionsNotCheckedAgainstTheMachine(MockDriver):
    """Behind a front that passes every action to the driver (its refusal becomes a 409)."""


@broken("api", RULE_FORMATS, *served_by("JsonForXmlApp"))
class JsonForApplicationXml(MockDriver):
    """Behind a front that answers JSON when asked for application/xml."""


@broken("api", RULE_DESTROYED, *served_by("DestroyAnswers200App"))
class DestroyAnswers200(MockDriver):
    """Behind a front whose destroy answers 200 instead of 204."""


@broken("api", RULE_HREFS, *served_by("RelativeHrefsApp"))
class RelativeHrefs(MockDriver):
    """Behind a front whose hrefs are relative (/api/images/...) instead of absolute."""


@broken("api", RULE_ERRORS, *served_by("ValidationAs500App"))
class ValidationErrorAs500(MockDriver):
    """Behind a front that answers a driver's ValidationError with 500 instead of 400."""


@broken("api", RULE_UNKNOWN, *served_by("WrongMethodAs404App"))
class WrongMethodAs404(MockDriver):
    """Behind a front that answers a wrong method with 404 instead of 405 and Allow."""
