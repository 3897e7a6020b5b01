"""CSV and JSON export of the stories a person can see, streamed so that size costs no memory.

Every field is written, an empathy story's answers and a leader's report included, with the
columns the import reads, so that an export imported again gives the same stories back.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest

from insightboard.people.models import display_name
from stories.imports.columns import (
    EMPATHY_FIELDS,
    EMPATHY_PREFIX,
    EXPORT_COLUMNS,
    REPORT_FIELDS,
    REPORT_OWNER_COLUMN,
    REPORT_PREFIX,
    spreadsheet_safe,
)
from stories.models import EmpathyAnswers, ExecutiveReport, Story, StoryQuerySet

CHUNK_SIZE = 2_000
# Stories per piece of the response: fewer, larger writes to the client than one per line.
STORIES_PER_WRITE = 100
# Tells spreadsheets the file is UTF-8 (Excel guesses otherwise); the import accepts it.
BYTE_ORDER_MARK = "\ufeff"


def export_rows(stories: StoryQuerySet) -> Iterator[Story]:
    """The stories one chunk at a time: two queries per chunk (stories with their answers or
    report, their tags)."""
    yield from (
        stories.select_related("author__profile", "empathy", "report__action_owner")
        .prefetch_related("tags")
        .with_hear_too_count()
        .iterator(chunk_size=CHUNK_SIZE)
    )


def story_fields(story: Story, request: HttpRequest) -> dict[str, Any]:
    return {
        "title": story.title,
        "sentiment": story.sentiment,
        "body": story.body,
        "tags": [tag.name for tag in story.tags.all()],
        "customer_name": story.customer_name,
        "customer_organisation": story.customer_organisation,
        "customer_segment": story.customer_segment,
        "channel": story.channel,
        "happened_on": story.happened_on.isoformat(),
        "visibility": story.visibility,
        "shout_out_to": story.shout_out_to,
        "kind": story.kind,
        **practice_fields(story),
        "id": story.pk,
        "url": request.build_absolute_uri(story.get_absolute_url()),
        "author": display_name(story.author),
        "created_at": story.created_at.isoformat(),
        "hear_too": story.hear_too,  # type: ignore[attr-defined]
    }


def practice_fields(story: Story) -> dict[str, Any]:
    """An empathy story's answers and a leader's report; None where the story has none."""
    answers: EmpathyAnswers | None = getattr(story, "empathy", None)
    report: ExecutiveReport | None = getattr(story, "report", None)
    fields: dict[str, Any] = {
        EMPATHY_PREFIX + name: getattr(answers, name) if answers else None
        for name in EMPATHY_FIELDS
    }
    fields.update(
        {REPORT_PREFIX + name: getattr(report, name) if report else None for name in REPORT_FIELDS}
    )
    owner = report.action_owner if report else None
    fields[REPORT_OWNER_COLUMN] = (owner.email or owner.get_username()) if owner else None
    return fields


class Line:
    """A file-like object csv.writer writes one line to, which is handed back at once."""

    def write(self, value: str) -> str:
        return value


def in_pieces(lines: Iterable[str]) -> Iterator[str]:
    piece: list[str] = []
    for line in lines:
        piece.append(line)
        if len(piece) == STORIES_PER_WRITE:
            yield "".join(piece)
            piece.clear()
    if piece:
        yield "".join(piece)


def csv_lines(stories: StoryQuerySet, request: HttpRequest) -> Iterator[str]:
    writer = csv.writer(Line())
    yield BYTE_ORDER_MARK + writer.writerow(EXPORT_COLUMNS)
    for story in export_rows(stories):
        fields = story_fields(story, request)
        fields["tags"] = ", ".join(fields["tags"])
        yield writer.writerow(csv_cell(fields[column]) for column in EXPORT_COLUMNS)


def csv_cell(value: object) -> object:
    if value is None:
        return ""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def json_chunks(stories: StoryQuerySet, request: HttpRequest) -> Iterable[str]:
    """{"stories": [...]}, one story at a time. JSON is read by programs, not spreadsheets, so
    its text is exactly as written."""
    yield '{"stories": ['
    separator = "\n"
    for story in export_rows(stories):
        yield separator + json.dumps(story_fields(story, request), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"
