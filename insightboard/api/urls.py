"""The API object: its routers, keys, docs and error answers, mounted at /api/v1/."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.operation import Operation

from insightboard.api import metrics, rate_limit, stories
from insightboard.api.auth import ApiKey
from insightboard.api.errors import answer_errors_as_json

DOCS_URL_NAME = "openapi-view"
# The API's description and its docs page are only read: any other method is refused (405).
READ_ONLY_URL_NAMES = {"openapi-json", DOCS_URL_NAME}


class LocalSwagger(Swagger):
    # Served from this site (ninja's own copy) with the page's CSP nonce: no CDN.
    template = "api/swagger.html"


class InsightBoardApi(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and pattern.name in READ_ONLY_URL_NAMES:
                pattern.callback = require_GET(pattern.callback)
            if isinstance(pattern, URLPattern) and pattern.name != DOCS_URL_NAME:
                # The key is the sign-in: without one the answer is a JSON 401, not the sign-in
                # page. The docs are a page like any other and need a signed-in person.
                login_not_required(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # "story_list", not "insightboard_api_story_list": clients generate method names from it.
        return operation.view_func.__name__

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        # Every answer of an operation, success or error, goes through here.
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        rate_limit.add_headers(request, response)
        return response


api = InsightBoardApi(
    title="InsightBoard API",
    version="1",
    description=(
        "Log customer stories, read the stories you can see, and record customer metrics. "
        "Make a key on your profile page and send it as `Authorization: Bearer <key>`. "
        'Errors are JSON: `{"detail": "..."}`, or for invalid input (422) '
        '`{"detail": [{"loc": ["body", "payload", "title"], "msg": "...", "type": "..."}]}` '
        "with one entry per problem, `loc` naming the field. "
        f"Each key may make {settings.INSIGHTBOARD_API_REQUESTS_PER_MINUTE} requests a minute "
        "(each minute on the clock; requests without a valid key count per address): answers "
        "say how many are left in `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` "
        "(seconds until the count starts again), and one over the limit is a 429 with "
        "`Retry-After`."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=LocalSwagger(settings={"persistAuthorization": False}),
    auth=ApiKey(),
    throttle=rate_limit.ApiRateLimit(),
)
answer_errors_as_json(api)
api.add_router("", stories.router)
api.add_router("", metrics.router)
