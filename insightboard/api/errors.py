"""Every error answers JSON: `{"detail": "..."}`, or for invalid input (422) one entry per field."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError

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
    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
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

    @api.exception_handler(SuspiciousOperation)
    def refused(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
        # Django answers these with a 400 page; ninja would otherwise make them a 500.
        if isinstance(error, RequestDataTooBig):
            detail = too_large_detail(error)
            return api.create_response(request, {"detail": detail}, status=413)
        return api.create_response(request, {"detail": DETAILS[400]}, status=400)
