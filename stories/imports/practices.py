"""An import row's practice: an empathy story's answers or a leader's report, checked with the
rules of filing them; and how a row says which story it is, as an export wrote it."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from insightboard.csv_upload import RowNote
from stories.empathy.forms import EmpathyAnswersForm
from stories.imports.columns import (
    EMPATHY_COLUMNS,
    EMPATHY_PREFIX,
    IDENTITY_COLUMNS,
    REPORT_COLUMNS,
    REPORT_OWNER_COLUMN,
    REPORT_PREFIX,
)
from stories.models import Kind
from stories.reports.forms import ReportFieldsForm

# Ids are 64-bit: a larger one could be no story's, and would overflow the database's query.
LARGEST_ID = 2**63 - 1
# An email address is at most 254 characters.
ADDRESS_MAX_LENGTH = 254
IDENTITY_PREFIX = "story:"


@dataclass(frozen=True)
class Practice:
    kind: Kind
    prefix: str
    columns: tuple[str, ...]
    form: type[forms.ModelForm[Any]]
    what: str  # for messages: "empathy answers"


PRACTICES = {
    Kind.EMPATHY: Practice(
        Kind.EMPATHY, EMPATHY_PREFIX, EMPATHY_COLUMNS, EmpathyAnswersForm, "empathy answers"
    ),
    Kind.EXECUTIVE: Practice(
        Kind.EXECUTIVE, REPORT_PREFIX, REPORT_COLUMNS, ReportFieldsForm, "executive report fields"
    ),
}
# Free text among the practice columns: where a formula could hide.
PRACTICE_TEXT_COLUMNS = {
    practice.prefix + name
    for practice in PRACTICES.values()
    for name, field in practice.form.base_fields.items()
    if isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField)
} | {REPORT_OWNER_COLUMN}


def practice_limit(column: str) -> int | None:
    """The most characters a practice column's cell can hold; None for other columns."""
    if column == REPORT_OWNER_COLUMN:
        return ADDRESS_MAX_LENGTH
    for practice in PRACTICES.values():
        if column in practice.columns:
            field = practice.form.base_fields.get(column.removeprefix(practice.prefix))
            return getattr(field, "max_length", None)
    return None


@dataclass
class CheckedPractice:
    fields: dict[str, Any]  # as the filing form cleaned them
    owner_address: str = ""  # a report's action owner, looked up for a batch of rows at once


def check_practice(
    number: int, kind: str, data: dict[str, Any], name_of: Callable[[str], str]
) -> tuple[CheckedPractice | None, list[RowNote], list[RowNote]]:
    """The row's answers or report (None when its kind has none, or every cell is empty, as an
    export writes a story filed without them), its problems and its notices."""
    problems: list[RowNote] = []
    notices: list[RowNote] = []
    for other in PRACTICES.values():
        if other.kind != kind and any(data.get(column) for column in other.columns):
            notices.append(
                RowNote(
                    number,
                    "",
                    f"Only an {other.kind.label.lower()} has {other.what}: this "
                    f"{Kind(kind).label.lower()} is imported without them.",
                )
            )
    practice = PRACTICES.get(Kind(kind))
    if practice is None or not any(data.get(column) for column in practice.columns):
        return None, problems, notices
    cells = {
        column.removeprefix(practice.prefix): data.get(column, "")
        for column in practice.columns
        if column != REPORT_OWNER_COLUMN
    }
    form = practice.form(cells)
    if not form.is_valid():
        for field_name, messages in form.errors.items():
            column = "" if field_name == "__all__" else name_of(practice.prefix + field_name)
            problems.extend(RowNote(number, column, str(message)) for message in messages)
        return None, problems, notices
    owner = str(data.get(REPORT_OWNER_COLUMN, "")) if practice.kind == Kind.EXECUTIVE else ""
    return CheckedPractice(dict(form.cleaned_data), owner_address=owner.lower()), problems, notices


def read_identity(
    number: int, data: dict[str, Any], name_of: Callable[[str], str]
) -> tuple[tuple[int, datetime.datetime] | None, list[RowNote]]:
    """The story an exported row was (its id and when it was logged), if the row says."""
    story_id, logged = str(data.get("id", "")), str(data.get("created_at", ""))
    if not story_id or not logged:
        return None, []
    try:
        identity = (int(story_id), datetime.datetime.fromisoformat(logged))
    except ValueError:
        identity = None
    if identity is None or not 1 <= identity[0] <= LARGEST_ID or identity[1].tzinfo is None:
        note = (
            f"“{name_of('id')}” and “{name_of('created_at')}” are read as an export writes them "
            "(a number, and a date and time with its time zone); these are not, so the row is "
            "checked against earlier imports by its content instead."
        )
        return None, [RowNote(number, "", note)]
    return identity, []


def identity_notes(columns: list[str | None], *, spelled: dict[str | None, str]) -> list[RowNote]:
    """A file with only one of the two identity columns: say why it does nothing."""
    present = [column for column in IDENTITY_COLUMNS if column in columns]
    if len(present) != 1:
        return []
    (column,) = present
    other = next(name for name in IDENTITY_COLUMNS if name != column)
    note = (
        f"Read together with “{other}”, as an export writes them, to know a story that is here "
        "already; alone it is ignored. For your own ids, name the column source_id."
    )
    return [RowNote(1, spelled[column], note)]


def identity_key(identity: tuple[int, datetime.datetime]) -> str:
    """The import key of a row exported from a story: importing that file again adds nothing,
    wherever it was exported from."""
    story_id, logged = identity
    return f"{IDENTITY_PREFIX}{story_id}@{logged.astimezone(datetime.UTC).isoformat()}"
