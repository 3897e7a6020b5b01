"""Reading and checking the rows of an insights CSV: every row gets the story form's rules.

Each good row keeps an import key (its source id, the story an export wrote it from, or a
fingerprint of its content), so importing the same file twice adds nothing the second time; and a
row exported from a story that is still here is skipped, so importing an export adds nothing.
"""

import datetime
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django import forms

from insightboard.csv_upload import RowNote, UploadFileError, csv_rows
from stories.forms import StoryForm
from stories.imports.columns import (
    ALIASES,
    FORMULA_STARTS,
    IMPORT_COLUMNS,
    REQUIRED,
    STORY_COLUMNS,
    spreadsheet_text,
)
from stories.imports.practices import (
    PRACTICE_TEXT_COLUMNS,
    CheckedPractice,
    check_practice,
    identity_key,
    identity_notes,
    practice_limit,
    read_identity,
)
from stories.models import Channel, Kind, Sentiment, Story, Visibility

MAX_ROWS = 50_000
BATCH_SIZE = 1_000
SOURCE_PREFIX = "src:"
FINGERPRINT_PREFIX = "sha256:"
SOURCE_ID_MAX_LENGTH = Story._meta.get_field("import_key").max_length - len(SOURCE_PREFIX)  # type: ignore[operator]
# Cells of choice and date columns are short; anything longer is a mistake, not a value.
SHORT_CELL = 100


class SharedFields(dict[str, Any]):
    """Form fields that rows share rather than deep-copy: cleaning reads them and never changes
    them, and copying them for each of 50,000 rows took about half the time of a preview."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return dict(self)


class ImportRowForm(StoryForm):
    """The story form's rules, for one row of a file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The model form's own set-up only. The rows share their fields, so nothing may change
        # them per form: BlankMeansDefault wrapped them again for each row (about a thousand rows
        # deep, cleaning overflowed the stack), and check_row fills a blank with the default
        # itself. The story form's widgets (date picker bounds, live suggestions) are for a page.
        forms.BaseModelForm.__init__(self, *args, **kwargs)

    def validate_constraints(self) -> None:
        # The model's one constraint, an import key once per person, is checked for a thousand
        # rows in one query (row_outcomes), and the database enforces it at the confirm.
        pass


ImportRowForm.base_fields = SharedFields(ImportRowForm.base_fields)


def cell_limit(column: str) -> int:
    if column == "source_id":
        return SOURCE_ID_MAX_LENGTH
    if limit := practice_limit(column):
        return limit
    form_field = ImportRowForm.base_fields.get(column)
    return getattr(form_field, "max_length", None) or SHORT_CELL


def choice_names(choices: list[tuple[str, str]]) -> dict[str, str]:
    """Values and labels, in any case, to the stored value ("Support ticket" -> support_ticket)."""
    names = {label.casefold(): value for value, label in choices}
    names.update({value.casefold(): value for value, _ in choices})
    return names


CHOICE_VALUES = {
    "sentiment": Sentiment.values,
    "channel": Channel.values,
    "visibility": Visibility.values,
    "kind": Kind.values,
}
CHOICES = {
    "sentiment": choice_names(Sentiment.choices),
    "channel": choice_names(Channel.choices),
    "visibility": choice_names(Visibility.choices),
    "kind": choice_names(Kind.choices),
}
# Free text: where a formula could hide. Choice and date cells are refused if they are odd.
TEXT_COLUMNS = {"title", "body", "tags", "customer_name", "customer_organisation"}
TEXT_COLUMNS |= {"customer_segment", "shout_out_to", "source_id"} | PRACTICE_TEXT_COLUMNS
# What an empty cell means in an optional choice column: the same default as the form's.
BLANK_MEANS = {
    "channel": Channel.OTHER.value,
    "visibility": Visibility.COMPANY.value,
    "kind": Kind.INSIGHT.value,
}
LIMITS = {column: cell_limit(column) for column in IMPORT_COLUMNS}


def shown(value: str, limit: int = 40) -> str:
    """A cell's value short enough to quote back in a message."""
    value = " ".join(value.split())
    return value if len(value) <= limit else f"{value[: limit - 1]}…"


def one_of(values: list[str]) -> str:
    return f"{', '.join(values[:-1])} or {values[-1]}" if len(values) > 1 else values[0]


def parse_date(text: str) -> datetime.date | None:
    """YYYY-MM-DD, or DD/MM/YYYY (day first, as in the UK); None if it is neither."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.date.fromisoformat(text)
        if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        return None
    return None


def formula_start(value: str) -> str | None:
    """What makes a spreadsheet run this cell as a formula, if anything."""
    if value.startswith(("\t", "\r")):
        return "a tab" if value[0] == "\t" else "a carriage return"
    stripped = value.strip()
    if stripped.startswith(FORMULA_STARTS):
        return f"“{stripped[0]}”"
    return None


def fingerprint(
    values: dict[str, Any],
    *,
    dated: bool,
    kind: str = Kind.INSIGHT,
    practice: dict[str, Any] | None = None,
) -> str:
    """One key for the same content, whatever its spacing or case (and a blank date stays
    blank, or the same file imported tomorrow would look new). An insight's key is the same as
    before stories of other kinds were imported, so older files still find their rows."""
    parts: dict[str, str] = {}
    for name in STORY_COLUMNS:
        value = values.get(name, "")
        if name == "happened_on" and not dated:
            value = ""
        elif name == "tags":
            value = ",".join(sorted(value))
        parts[name] = " ".join(str(value).split()).casefold()
    if kind != Kind.INSIGHT:
        parts["kind"] = kind
    for name, value in (practice or {}).items():
        parts[f"practice_{name}"] = " ".join(str(value).split()).casefold()
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return FINGERPRINT_PREFIX + digest


# --- Reading the file ----------------------------------------------------------------------------


def normalise_column(name: str) -> str:
    column = re.sub(r"[\s\-]+", "_", name.strip().casefold())
    return ALIASES.get(column, column)


@dataclass
class Header:
    names: list[str]  # as written in the file, to quote back
    columns: list[str | None]  # what each position imports, None when ignored
    notices: list[RowNote]
    spelling: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.spelling = {
            column: shown(name)
            for name, column in zip(self.names, self.columns, strict=True)
            if column
        }

    def name_of(self, column: str) -> str:
        """How the file spells a column, for messages."""
        return self.spelling.get(column, column)


def read_header(cells: list[str]) -> Header:
    columns: list[str | None] = []
    notices: list[RowNote] = []
    for name in cells:
        column = normalise_column(name)
        if column in columns:
            raise UploadFileError(f"The column “{shown(name)}” appears twice in the first row.")
        if column in IMPORT_COLUMNS:
            columns.append(column)
        else:
            columns.append(None)
            if column:
                notices.append(RowNote(1, shown(name), "Not a column we import: it is ignored."))
    spelled = {column: shown(name) for column, name in zip(columns, cells, strict=True)}
    notices.extend(identity_notes(columns, spelled=spelled))
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        first_row = ", ".join(shown(cell, 20) for cell in cells[:6])
        looks_like_data = any(
            cell.strip().casefold() in CHOICES["sentiment"]
            or parse_date(cell.strip())
            or len(cell) > 40
            for cell in cells
        )
        if looks_like_data:
            raise UploadFileError(
                f"The first row looks like an insight, not column names (it reads: {first_row}). "
                "Add a first row that names the columns, for example: "
                "title,sentiment,body,tags,happened_on"
            )
        raise UploadFileError(
            f"The first row has no {one_of([f'“{name}”' for name in missing])} column"
            f"{'s' if len(missing) > 1 else ''}. The title column holds what the customer said "
            "and sentiment says success, frustration or idea. The first row reads: "
            f"{first_row}."
        )
    return Header(names=cells, columns=columns, notices=notices)


def read_rows(text: str) -> tuple[Header, Iterator[tuple[int, list[str]]]]:
    """The header, and each later row with its number as a spreadsheet shows it (header = 1)."""
    rows = csv_rows(text)
    first = next(rows, None)
    if first is None or first[0] != 1:
        raise UploadFileError("The first row is empty: it must name the columns.")
    return read_header(first[1]), rows


def check_file(text: str) -> int:
    """What can be said about the file as a whole at upload: readable, with rows, not too many.
    How many rows it has."""
    _, rows = read_rows(text)
    count = sum(1 for _ in islice(rows, MAX_ROWS + 1))
    if count == 0:
        raise UploadFileError("The file names its columns but has no rows to import.")
    if count > MAX_ROWS:
        raise UploadFileError(
            f"This file has more than {MAX_ROWS:,} rows. Split it into files of at most "
            f"{MAX_ROWS:,} rows and import them one by one."
        )
    return count


# --- Checking rows -------------------------------------------------------------------------------


@dataclass
class CheckedRow:
    number: int
    values: dict[str, Any]  # the story's fields as the form cleaned them, tags included
    import_key: str
    kind: str = Kind.INSIGHT
    practice: CheckedPractice | None = None  # an empathy story's answers, a leader's report
    identity: tuple[int, datetime.datetime] | None = None  # the story an export wrote it from


@dataclass
class RowOutcome:
    number: int
    row: CheckedRow | None  # None when the row has problems
    problems: list[RowNote]
    notices: list[RowNote]
    duplicate_of: int | None = None
    already_imported: bool = False
    already_here: bool = False  # exported from a story that is still here


def check_row(number: int, cells: list[str], header: Header, today: datetime.date) -> RowOutcome:
    problems: list[RowNote] = []
    notices: list[RowNote] = []
    if len(cells) > len(header.columns) and any(
        cell.strip() for cell in cells[len(header.columns) :]
    ):
        problems.append(
            RowNote(
                number,
                "",
                f"This row has {len(cells)} cells but the first row names "
                f"{len(header.columns)} columns. A cell with a comma in it needs double quotes.",
            )
        )
    raw = {column: cell for column, cell in zip(header.columns, cells, strict=False) if column}
    # Dates go in as dates: the form takes them as they are, without trying each format.
    data: dict[str, str | datetime.date] = {}
    for column, value in raw.items():
        name = header.name_of(column)
        if len(value) > LIMITS[column]:
            problems.append(
                RowNote(
                    number,
                    name,
                    f"This cell has {len(value):,} characters; at most {LIMITS[column]:,} fit "
                    f"in “{name}”.",
                )
            )
            continue
        if column in TEXT_COLUMNS:
            # An export puts a quote before a cell a spreadsheet would run; it is not the text.
            value = spreadsheet_text(value)
        if column in TEXT_COLUMNS and (start := formula_start(value)):
            notices.append(
                RowNote(
                    number,
                    name,
                    f"Starts with {start}: it will be shown as text, never run as a formula "
                    "(exports neutralise it).",
                )
            )
        value = value.strip()
        if column in CHOICES:
            if not value:
                value = BLANK_MEANS.get(column, "")
            elif value.casefold() in CHOICES[column]:
                value = CHOICES[column][value.casefold()]
            else:
                problems.append(
                    RowNote(
                        number,
                        name,
                        f"“{shown(value)}” is not a {column} we know: "
                        f"use {one_of(CHOICE_VALUES[column])}.",
                    )
                )
                continue
        elif column == "happened_on" and value:
            day = parse_date(value)
            if day is None:
                problems.append(
                    RowNote(
                        number,
                        name,
                        f"“{shown(value)}” is not a date we can read: write it as YYYY-MM-DD "
                        "(2025-03-31) or DD/MM/YYYY (31/03/2025).",
                    )
                )
                continue
            data[column] = day
            continue
        elif column == "tags":
            value = value.replace(";", ",")
        data[column] = value
    for column, default in BLANK_MEANS.items():
        data.setdefault(column, default)
    dated = bool(data.get("happened_on"))
    if not dated:
        data["happened_on"] = today
    flagged = {note.column for note in problems}
    form = ImportRowForm(data)
    if not form.is_valid():
        for field_name, messages in form.errors.items():
            name = "" if field_name == "__all__" else header.name_of(field_name)
            if name not in flagged:
                problems.extend(RowNote(number, name, str(message)) for message in messages)
    kind = str(data["kind"])
    practice, practice_problems, practice_notices = check_practice(
        number, kind, data, header.name_of
    )
    identity, identity_notices = read_identity(number, data, header.name_of)
    problems.extend(practice_problems)
    notices.extend(practice_notices + identity_notices)
    if problems:
        return RowOutcome(number, None, problems, notices)
    values = dict(form.cleaned_data)
    source_id = str(data.get("source_id", ""))
    if source_id:
        key = SOURCE_PREFIX + source_id
    elif identity:
        key = identity_key(identity)
    else:
        fields = practice.fields if practice else {}
        key = fingerprint(values, dated=dated, kind=kind, practice=fields)
    row = CheckedRow(number, values, key, kind=kind, practice=practice, identity=identity)
    return RowOutcome(number, row, problems, notices)
