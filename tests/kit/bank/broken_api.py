"""Broken REST fronts, area ``api``: a correct MockDriver behind a RestApp with one defect each.

Each case is a RestApp subclass with the defect, then a MockDriver subclass named after it and
registered with the options that serve it through that application:
``--dctck-via-rest --dctck-rest-app=<this module>:<App>``.
"""

from dctck import ValidationError
from dctck.rest import HttpError, RestApp
from reference_drivers import MockDriver
from suites.suite_api import (
    RULE_CHALLENGE,
    RULE_CREATED,
    RULE_DESTROYED,
    RULE_ERRORS,
    RULE_FILTERS,
    RULE_FORBIDDEN,
    RULE_FORMATS,
    RULE_HREFS,
    RULE_UNKNOWN,
)
from tests.kit.bank import broken


def served_by(app: type[RestApp]) -> tuple[str, str]:
    """The options that certify the driver behind the application ``app``."""
    return "--dctck-via-rest", f"--dctck-rest-app={app.__module__}:{app.__qualname__}"


class CreateAnswers200App(RestApp):
    def create_instance(self, request):
        response = super().create_instance(request)
        response.status = 200
        return response


@broken("api", RULE_CREATED, *served_by(CreateAnswers200App))
class CreateAnswers200(MockDriver):
    """Behind a front whose POST /api/instances answers 200 instead of 201."""


class NoLocationApp(RestApp):
    def create_instance(self, request):
        return super().create_instance(request).without_header("Location")


@broken("api", RULE_CREATED, *served_by(NoLocationApp))
class CreateWithoutLocation(MockDriver):
    """Behind a front whose 201 for a new instance has no Location header."""


class NoChallengeApp(RestApp):
    def error_response(self, request, error):
        return super().error_response(request, error).without_header("WWW-Authenticate")


@broken("api", RULE_CHALLENGE, *served_by(NoChallengeApp))
class UnauthorizedWithoutChallenge(MockDriver):
    """Behind a front whose 401 has no WWW-Authenticate challenge."""


class FiltersDroppedApp(RestApp):
    def filter_opts(self, request):
        return None


@broken("api", RULE_FILTERS, *served_by(FiltersDroppedApp))
class FiltersNotPassedThrough(MockDriver):
    """Behind a front that never passes the query parameters to the driver's opts."""


class ActionsUncheckedApp(RestApp):
    def check_action(self, credentials, id, action):
        return None


@broken("api", RULE_FORBIDDEN, *served_by(ActionsUncheckedApp))
class ActionsNotCheckedAgainstTheMachine(MockDriver):
    """Behind a front that passes every action to the driver (its refusal becomes a 409)."""


class JsonForXmlApp(RestApp):
    def negotiate(self, request, available):
        chosen = super().negotiate(request, available)
        return "application/json" if chosen == "application/xml" else chosen


@broken("api", RULE_FORMATS, *served_by(JsonForXmlApp))
class JsonForApplicationXml(MockDriver):
    """Behind a front that answers JSON when asked for application/xml."""


class DestroyAnswers200App(RestApp):
    def action(self, request, id, action):
        response = super().action(request, id, action)
        if action == "destroy":
            response.status = 200
        return response


@broken("api", RULE_DESTROYED, *served_by(DestroyAnswers200App))
class DestroyAnswers200(MockDriver):
    """Behind a front whose destroy answers 200 instead of 204."""


class RelativeHrefsApp(RestApp):
    def base(self, request):
        return ""


@broken("api", RULE_HREFS, *served_by(RelativeHrefsApp))
class RelativeHrefs(MockDriver):
    """Behind a front whose hrefs are relative (/api/images/...) instead of absolute."""


class ValidationAs500App(RestApp):
    def driver_error(self, error, call, credentials):
        if isinstance(error, ValidationError):
            return HttpError(500, "driver_failure", f"{call} failed")
        return super().driver_error(error, call, credentials)


@broken("api", RULE_ERRORS, *served_by(ValidationAs500App))
class ValidationErrorAs500(MockDriver):
    """Behind a front that answers a driver's ValidationError with 500 instead of 400."""


class WrongMethodAs404App(RestApp):
    def route(self, request):
        try:
            return super().route(request)
        except HttpError as error:
            if error.status == 405:
                raise HttpError(404, "not_found", "no such resource") from None
            raise


@broken("api", RULE_UNKNOWN, *served_by(WrongMethodAs404App))
class WrongMethodAs404(MockDriver):
    """Behind a front that answers a wrong method with 404 instead of 405 and Allow."""
