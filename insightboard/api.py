"""The JSON API at /api/v1/: stories in and out, and customer metrics, for people with a key.

Anyone signed in makes a key on their profile page and sends it as `Authorization: Bearer <key>`.
Reads also accept the browser's session, so that a signed-in person can open them (and try them
in the docs at /api/v1/docs); writes take a key only, which is why no CSRF token is needed.
"""

import binascii
import datetime
from base64 import urlsafe_b64decode, urlsafe_b64encode
from decimal import Decimal
from typing import Annotated, Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.operation import Operation
from ninja.params import P, PathEx
from ninja.security import HttpBearer, SessionAuth
from pydantic import AfterValidator

from insightboard.people import tokens
from insightboard.people.models import display_name
from insightboard.people.roles import is_admin
from stories import metrics, services
from stories.forms import LARGEST_ID, StoryForm
from stories.models import (
    TAG_MAX_LENGTH,
    Channel,
    GoodDirection,
    Kind,
    Metric,
    MetricValue,
    Sentiment,
    Story,
    StoryQuerySet,
    Visibility,
    normalise_tag,
)

DOCS_URL_NAME = "openapi-view"
PAGE_SIZE = 25
LARGEST_PAGE = 100


class ApiKey(HttpBearer):
    """A key made on the profile page, sent as `Authorization: Bearer <key>`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = tokens.authenticate(token)
        return None if found is None else found.person


class AdminApiKey(ApiKey):
    """A key whose person is an admin; anyone else's key is refused before the body is read."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        person = super().authenticate(request, token)
        if person is not None and not is_admin(person):
            raise AuthorizationError(message="Only admins can do this.")
        return person


class SignedIn(SessionAuth):
    """The browser's session, for reads only."""


READERS = [ApiKey(), SignedIn()]


class LocalSwagger(Swagger):
    # Served from this site (ninja's own copy) with the page's CSP nonce: no CDN.
    template = "api/swagger.html"


class InsightBoardApi(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and pattern.name != DOCS_URL_NAME:
                # The key is the sign-in: without one the answer is a JSON 401, not the sign-in
                # page. The docs are a page like any other and need a signed-in person.
                login_not_required(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # "story_list", not "insightboard_api_story_list": clients generate method names from it.
        return operation.view_func.__name__


api = InsightBoardApi(
    title="InsightBoard API",
    version="1",
    description=(
        "Log customer stories, read the stories you can see, and record customer metrics. "
        "Make a key on your profile page and send it as `Authorization: Bearer <key>`. "
        'Errors are JSON: `{"detail": "..."}`, or for invalid input (422) '
        '`{"detail": [{"loc": ["body", "payload", "title"], "msg": "...", "type": "..."}]}` '
        "with one entry per problem, `loc` naming the field."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=LocalSwagger(settings={"persistAuthorization": False}),
    auth=ApiKey(),
)


def person_of(request: HttpRequest) -> User:
    person = request.auth  # type: ignore[attr-defined]
    assert isinstance(person, User)
    return person


def invalid(field: str, message: str, where: str = "body") -> ValidationError:
    """A 422 in the shape ninja gives its own validation errors."""
    location = [where, "payload", field] if where == "body" else [where, field]
    return ValidationError([{"loc": location, "msg": message, "type": "value_error"}])


# --- Errors -----------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class FieldProblem(Schema):
    loc: list[str | int] = Field(description="Where: body or query, then the field's name.")
    msg: str
    type: str


class Problems(Schema):
    detail: list[FieldProblem]


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": "Send a key as `Authorization: Bearer <key>`; make one on your profile page."},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="InsightBoard"'
    return response


@api.exception_handler(SuspiciousOperation)
def refused(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    # Django answers these with a 400 page; ninja would otherwise make them a 500.
    if isinstance(error, RequestDataTooBig):
        return api.create_response(request, {"detail": "The request is too large."}, status=413)
    return api.create_response(request, {"detail": "Bad request."}, status=400)


# --- Stories ----------------------------------------------------------------------------------


def no_nul(text: str) -> str:
    # PostgreSQL refuses NUL characters in a query, so they must stop here.
    if "\x00" in text:
        raise ValueError("NUL characters are not allowed.")
    return text


QueryText = Annotated[str, AfterValidator(no_nul)]


class StoryIn(Schema):
    title: str = Field(description="What the customer said: a quote or a short summary.")
    sentiment: Sentiment
    body: str = Field("", description="More detail, in Markdown.")
    tags: list[str] = Field(
        default_factory=list,
        description="At most 10, normalised as on the site: “Check Out” becomes check-out.",
    )
    customer_name: str = ""
    customer_organisation: str = ""
    customer_segment: str = ""
    channel: Channel = Channel.OTHER
    happened_on: datetime.date | None = Field(None, description="Today when left out.")
    visibility: Visibility = Visibility.COMPANY


class StoryOut(Schema):
    id: int
    url: str = Field(description="The story's page on the site.")
    kind: Kind
    title: str
    sentiment: Sentiment
    body: str
    tags: list[str]
    customer_name: str
    customer_organisation: str
    customer_segment: str
    channel: Channel
    happened_on: datetime.date
    visibility: Visibility
    author: str = Field(description="The author's display name.")
    hear_too: int = Field(description="How many people say they hear this too.")
    created_at: datetime.datetime
    merged_into: int | None = Field(description="The story this one was merged into, if any.")

    @staticmethod
    def resolve_url(story: Story, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        return request.build_absolute_uri(story.get_absolute_url())

    @staticmethod
    def resolve_tags(story: Story) -> list[str]:
        return [tag.name for tag in story.tags.all()]

    @staticmethod
    def resolve_author(story: Story) -> str:
        return display_name(story.author)

    @staticmethod
    def resolve_merged_into(story: Story) -> int | None:
        return story.merged_into_id


class StoryFilters(Schema):
    sentiment: Sentiment | None = None
    kind: Kind | None = None
    tag: QueryText | None = Field(None, max_length=TAG_MAX_LENGTH)
    since: datetime.date | None = Field(None, description="Happened on or after this day.")
    until: datetime.date | None = Field(None, description="Happened on or before this day.")
    q: QueryText | None = Field(None, max_length=200, description="Words in the title or body.")
    limit: int = Field(PAGE_SIZE, ge=1, le=LARGEST_PAGE)
    cursor: str | None = Field(
        None, max_length=100, description="`next_cursor` from the previous page."
    )


class StoryPage(Schema):
    items: list[StoryOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


def cursor_after(story: Story) -> str:
    position = f"{story.created_at.isoformat()}|{story.pk}"
    return urlsafe_b64encode(position.encode()).decode().rstrip("=")


def position_of(cursor: str) -> tuple[datetime.datetime, int]:
    """Where a cursor points: the creation time and id of the last story of the last page."""
    try:
        text = urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, pk = text.partition("|")
        created_at, story_id = datetime.datetime.fromisoformat(at), int(pk)
    except (ValueError, binascii.Error):
        raise invalid("cursor", "Not a cursor from this API.", where="query") from None
    if created_at.tzinfo is None or not 1 <= story_id <= LARGEST_ID:
        raise invalid("cursor", "Not a cursor from this API.", where="query")
    return created_at, story_id


def containing(stories: StoryQuerySet, text: str) -> StoryQuerySet:
    """The site's search as a filter only: the API keeps newest first, so pages do not shift."""
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="english", search_type="websearch")
        return stories.filter(search_vector=query)
    return stories.filter(Q(title__icontains=text) | Q(body__icontains=text))


@api.post(
    "/stories",
    response={201: StoryOut, 400: Message, 401: Message, 413: Message, 422: Problems},
    url_name="story_create",
    tags=["Stories"],
    summary="Log a story",
)
def story_create(request: HttpRequest, payload: StoryIn) -> Status[Story]:
    """Log a customer story as the key's person, checked as the site's form checks it."""
    form = StoryForm(
        data={
            "title": payload.title,
            "sentiment": payload.sentiment.value,
            "body": payload.body,
            "tags": ", ".join(payload.tags),
            "customer_name": payload.customer_name,
            "customer_organisation": payload.customer_organisation,
            "customer_segment": payload.customer_segment,
            "channel": payload.channel.value,
            "happened_on": payload.happened_on or timezone.localdate(),
            "visibility": payload.visibility.value,
        }
    )
    if not form.is_valid():
        raise ValidationError(
            [
                {"loc": ["body", "payload", field], "msg": message, "type": "value_error"}
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    story = services.story_create(author=person_of(request), **form.cleaned_data)
    return Status(201, Story.objects.for_listing().get(pk=story.pk))


@api.get(
    "/stories",
    response={200: StoryPage, 401: Message, 422: Problems},
    auth=READERS,
    url_name="story_list",
    tags=["Stories"],
    summary="List stories",
)
def story_list(request: HttpRequest, filters: Query[StoryFilters]) -> dict[str, object]:
    """The stories you can see, newest first, a page at a time (follow `next_cursor`)."""
    # Stories merged into another are left out, as on the site.
    stories = Story.objects.visible_to(person_of(request))
    if filters.sentiment:
        stories = stories.filter(sentiment=filters.sentiment)
    if filters.kind:
        stories = stories.filter(kind=filters.kind)
    if filters.tag:
        stories = stories.filter(tags__name=normalise_tag(filters.tag))
    if filters.since:
        stories = stories.filter(happened_on__gte=filters.since)
    if filters.until:
        stories = stories.filter(happened_on__lte=filters.until)
    if filters.q and filters.q.strip():
        stories = containing(stories, filters.q.strip())
    if filters.cursor:
        created_at, story_id = position_of(filters.cursor)
        # The first condition alone bounds an index range; the second breaks ties.
        stories = stories.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=story_id),
            created_at__lte=created_at,
        )
    # One row more than a page says whether there is another, without a COUNT over the table.
    rows = list(stories.for_listing().order_by("-created_at", "-id")[: filters.limit + 1])
    page = rows[: filters.limit]
    more = len(rows) > filters.limit
    return {"items": page, "next_cursor": cursor_after(page[-1]) if more else None}


@api.get(
    "/stories/{story_id}",
    response={200: StoryOut, 401: Message, 404: Message, 422: Problems},
    auth=READERS,
    url_name="story_detail",
    tags=["Stories"],
    summary="Read a story",
)
def story_detail(request: HttpRequest, story_id: PathEx[int, P(ge=1, le=LARGEST_ID)]) -> Story:
    # A merged story is still found by its id, as its page is; `merged_into` says where it went.
    visible = Story.objects.visible_to(person_of(request), include_merged=True)
    story = visible.for_listing().filter(pk=story_id).first()
    if story is None:
        # Private stories stay unknown: the same answer as for an id nobody has.
        raise HttpError(404, "No story with this id that you can see.")
    return story


# --- Metrics ----------------------------------------------------------------------------------


def decimal_text(value: Decimal) -> str:
    """42.2500 as "42.25" and 420 as "420" (not "4.2E+2"), the same from every database."""
    return f"{value.normalize():f}"


EXACT_VALUE = "A decimal number as a string, exact: no floating-point rounding."


class LatestValue(Schema):
    week: datetime.date
    value: str = Field(description=EXACT_VALUE)


class MetricOut(Schema):
    id: int
    name: str
    unit: str
    good_direction: GoodDirection
    description: str
    latest: LatestValue | None = Field(description="The most recent week's value, if any.")

    @staticmethod
    def resolve_latest(metric: Metric) -> dict[str, object] | None:
        week = getattr(metric, "latest_week", None)
        if week is None:
            return None
        return {"week": week, "value": decimal_text(metric.latest_value)}  # type: ignore[attr-defined]


class MetricValueIn(Schema):
    week: datetime.date = Field(description="The Monday starting the week.")
    # 15 digits: what every database here hands back exactly (see stories.metrics).
    value: Decimal = Field(
        max_digits=15,
        decimal_places=4,
        description="At most 15 digits, 4 of them after the point. "
        'Send it as a string ("41.5") to keep it exact.',
    )


class MetricValueOut(Schema):
    metric: int
    week: datetime.date
    value: str = Field(description=EXACT_VALUE)

    @staticmethod
    def resolve_metric(row: MetricValue) -> int:
        return row.metric_id

    @staticmethod
    def resolve_value(row: MetricValue) -> str:
        return decimal_text(Decimal(row.value))


@api.get(
    "/metrics",
    response={200: list[MetricOut], 401: Message},
    auth=READERS,
    url_name="metric_list",
    tags=["Metrics"],
    summary="List metrics",
)
def metric_list(request: HttpRequest) -> list[Metric]:
    """Every customer metric with its latest recorded week."""
    latest = MetricValue.objects.filter(metric=OuterRef("pk")).order_by("-week")
    return list(
        Metric.objects.annotate(
            latest_week=Subquery(latest.values("week")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
        ).order_by("name")
    )


@api.post(
    "/metrics/{metric_id}/values",
    response={
        200: MetricValueOut,
        201: MetricValueOut,
        400: Message,
        401: Message,
        403: Message,
        404: Message,
        413: Message,
        422: Problems,
    },
    auth=AdminApiKey(),
    url_name="metric_value_record",
    tags=["Metrics"],
    summary="Record a metric's value for a week (admins)",
)
def metric_value_record(
    request: HttpRequest,
    metric_id: PathEx[int, P(ge=1, le=LARGEST_ID)],
    payload: MetricValueIn,
) -> Status[MetricValue]:
    """Record a week's value, or correct it: 201 when the week is new, 200 when it was there."""
    metric = Metric.objects.filter(pk=metric_id).first()
    if metric is None:
        raise HttpError(404, "No metric with this id.")
    try:
        row, created = metrics.metric_value_record(
            metric=metric, week=payload.week, value=payload.value, person=person_of(request)
        )
    except metrics.MetricWeekError as error:
        raise invalid("week", str(error)) from None
    return Status(201 if created else 200, row)
