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
    def create_instance(self, request, ctx):
        response = super().create_instance(request, ctx)
        response.status_code = 200
        return response


@broken("api", RULE_CREATED, *served_by(CreateAnswers200App))
class CreateAnswers200(MockDriver):
    """Behind a front whose POST /api/instances answers 200 instead of 201."""


class NoLocationApp(RestApp):
    def create_instance(self, request, ctx):
        response = super().create_instance(request, ctx)
        del response.headers["Location"]
        return response


@broken("api", RULE_CREATED, *served_by(NoLocationApp))
class CreateWithoutLocation(MockDriver):
    """Behind a front whose 201 for a new instance has no Location header."""


class NoChallengeApp(RestApp):
    def error_response(self, request, ctx, error):
        response = super().error_response(request, ctx, error)
        del response.headers["WWW-Authenticate"]
        return response


@broken("api", RULE_CHALLENGE, *served_by(NoChallengeApp))
class UnauthorizedWithoutChallenge(MockDriver):
    """Behind a front whose 401 has no WWW-Authenticate challenge."""


class FiltersDroppedApp(RestApp):
    def filter_opts(self, ctx):
        return None


@broken("api", RULE_FILTERS, *served_by(FiltersDroppedApp))
class FiltersNotPassedThrough(MockDriver):
    """Behind a front that never passes the query parameters to the driver's opts."""


class ActionsUncheckedApp(RestApp):
    def check_action(self, ctx, credentials, id, action):
        return None


@broken("api", RULE_FORBIDDEN, *served_by(ActionsUncheckedApp))
class ActionsNotCheckedAgainstTheMachine(MockDriver):
    """Behind a front that passes every action to the driver: start on a RUNNING instance
    reaches the driver, which answers 202."""


class JsonForXmlApp(RestApp):
    def negotiate(self, request, ctx, available):
        chosen = super().negotiate(request, ctx, available)
        return "application/json" if chosen == "application/xml" else chosen


@broken("api", RULE_FORMATS, *served_by(JsonForXmlApp))
class JsonForApplicationXml(MockDriver):
    """Behind a front that answers JSON when asked for application/xml."""


class DestroyAnswers200App(RestApp):
    def action(self, request, ctx, id, action):
        response = super().action(request, ctx, id, action)
        if action == "destroy":
            response.status_code = 200
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
    def route(self, request, ctx):
        try:
            return super().route(request, ctx)
        except HttpError as error:
            if error.status == 405:
                raise HttpError(404, "not_found", "no such resource") from None
            raise


@broken("api", RULE_UNKNOWN, *served_by(WrongMethodAs404App))
class WrongMethodAs404(MockDriver):
    """Behind a front that answers a wrong method with 404 instead of 405 and Allow."""
