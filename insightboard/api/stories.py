"""/api/v1/stories: log a story, list the stories you can see (the site's filters), read one."""

import binascii
import datetime
from base64 import urlsafe_b64decode, urlsafe_b64encode
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.params import P, PathEx
from pydantic import AfterValidator

from insightboard.api.auth import READERS, person_of
from insightboard.api.errors import Message, Problems, form_invalid, invalid
from insightboard.paging import page_of
from insightboard.people.models import display_name
from stories import services
from stories.forms import LARGEST_ID, StoryForm
from stories.models import TAG_MAX_LENGTH, Channel, Kind, Sentiment, Story, Visibility
from stories.selectors import StoryFilters, filtered_stories, stories_before, story_for_reading

PAGE_SIZE = 25
LARGEST_PAGE = 100

router = Router(tags=["Stories"])


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


class StoryQuery(Schema):
    """The insights page's filters, and a cursor to page on."""

    sentiment: Sentiment | None = None
    kind: Kind | None = None
    channel: Channel | None = None
    tag: QueryText | None = Field(
        None, max_length=TAG_MAX_LENGTH, description="Any spelling: “#Checkout” finds checkout."
    )
    author: int | None = Field(None, ge=1, le=LARGEST_ID, description="The author's id.")
    since: datetime.date | None = Field(None, description="Happened on or after this day.")
    until: datetime.date | None = Field(None, description="Happened on or before this day.")
    q: QueryText | None = Field(None, max_length=200, description="Words in the title or body.")
    limit: int = Field(PAGE_SIZE, ge=1, le=LARGEST_PAGE)
    cursor: str | None = Field(
        None, max_length=100, description="`next_cursor` from the previous page."
    )

    def story_filters(self) -> StoryFilters:
        return StoryFilters(
            kind=self.kind or "",
            sentiment=self.sentiment or "",
            channel=self.channel or "",
            tag=self.tag or "",
            author=self.author,
            since=self.since,
            until=self.until,
            words=self.q or "",
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


@router.post(
    "/stories",
    response={
        201: StoryOut,
        400: Message,
        401: Message,
        413: Message,
        422: Problems,
        429: Message,
    },
    url_name="story_create",
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
        raise form_invalid(form.errors)
    person = person_of(request)
    created = story_for_reading(
        person, services.story_create(author=person, **form.cleaned_data).pk
    )
    assert created is not None  # an author sees their own stories
    return Status(201, created)


@router.get(
    "/stories",
    response={200: StoryPage, 401: Message, 422: Problems, 429: Message},
    auth=READERS,
    url_name="story_list",
    summary="List stories",
)
def story_list(request: HttpRequest, query: Query[StoryQuery]) -> dict[str, object]:
    """The stories you can see, newest first, a page at a time (follow `next_cursor`).

    Stories merged into another are left out, as on the site."""
    stories = filtered_stories(person_of(request), query.story_filters())
    if query.cursor:
        created_at, story_id = position_of(query.cursor)
        stories = stories_before(stories, created_at=created_at, story_id=story_id)
    page = page_of(stories.for_listing(), number=1, size=query.limit)
    return {
        "items": page.rows,
        "next_cursor": cursor_after(page.rows[-1]) if page.has_next else None,
    }


@router.get(
    "/stories/{story_id}",
    response={200: StoryOut, 401: Message, 404: Message, 422: Problems, 429: Message},
    auth=READERS,
    url_name="story_detail",
    summary="Read a story",
)
def story_detail(request: HttpRequest, story_id: PathEx[int, P(ge=1, le=LARGEST_ID)]) -> Story:
    # A merged story is still found by its id, as its page is; `merged_into` says where it went.
    story = story_for_reading(person_of(request), story_id)
    if story is None:
        # Private stories stay unknown: the same answer as for an id nobody has.
        raise HttpError(404, "No story with this id that you can see.")
    return story
