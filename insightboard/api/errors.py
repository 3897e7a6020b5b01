"""Every error answers JSON: `{"detail": "..."}`, or for invalid input (422) one entry per field."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, Throttled, ValidationError

from insightboard.api import rate_limit
from insightboard.error_pages import DETAILS, too_large_detail


class Message(Schema):
    detail: str


class FieldProblem(Schema):
    loc: list[str | int] = Field(description="Where: body or query, then the field's name.")
    msg: str
    type: str


class Problems(Schema):
    detail: list[FieldProblem]


def invalid(field: str, message: str, where: str = "body") -> ValidationError:
    """A 422 in the shape ninja gives its own validation errors."""
    location = [where, "payload", field] if where == "body" else [where, field]
    return ValidationError([{"loc": location, "msg": message, "type": "value_error"}])


def form_invalid(errors: ErrorDict) -> ValidationError:
    """A 422 naming each field a site form refused, with the form's own words."""
    return ValidationError(
        [
            {"loc": ["body", "payload", field], "msg": message, "type": "value_error"}
            for field, messages in errors.items()
            for message in messages
        ]
    )


def answer_errors_as_json(api: NinjaAPI) -> None:
    def too_many(request: HttpRequest, budget: rate_limit.Budget) -> HttpResponse:
        detail = rate_limit.refusal_detail(budget)
        response = api.create_response(request, {"detail": detail}, status=429)
        response["Retry-After"] = str(budget.reset_seconds)
        return response

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
        budget = rate_limit.budget_of(request)
        assert budget is not None  # ApiRateLimit refuses only a request it counted
        return too_many(request, budget)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        # Ninja's throttle runs after authentication, so refusals are counted here, against the
        # address: guessing keys or retrying a revoked one spends a budget too.
        budget = rate_limit.spend(request)
        if budget is not None and budget.exhausted:
            return too_many(request, budget)
        response = api.create_response(
            request,
            {
                "detail": "Send a key as `Authorization: Bearer <key>`; make one on your "
                "profile page."
            },
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="InsightBoard"'
        return response

    @api.exception_handler(AuthorizationError)
    def not_allowed(request: HttpRequest, error: AuthorizationError) -> HttpResponse:
        # A live key refused for its person's role (an admin's endpoint): it spends that key's
        # budget like any other request.
        budget = rate_limit.spend(request)
        if budget is not None and budget.exhausted:
            return too_many(request, budget)
        return api.create_response(request, {"detail": str(error)}, status=error.status_code)

    @api.exception_handler(SuspiciousOperation)
    def refused(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
        # Django answers these with a 400 page; ninja would otherwise make them a 500.
        if isinstance(error, RequestDataTooBig):
            detail = too_large_detail(error)
            return api.create_response(request, {"detail": detail}, status=413)
        return api.create_response(request, {"detail": DETAILS[400]}, status=400)
