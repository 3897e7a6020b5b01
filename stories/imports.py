"""CSV import of insights: read a file, check every row with the story form's rules, import.

Nothing is written but the uploaded text until the person confirms the preview. The confirm
checks the stored file again and imports every valid row in one transaction. Each imported
story keeps an import key (its source id, or a fingerprint of its content), and a person has
each key once, so importing the same file twice adds nothing the second time.
"""

import codecs
import csv
import datetime
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from stories.forms import StoryForm
from stories.models import Channel, Kind, Sentiment, Story, StoryImport, Visibility
from stories.services import tags_for

# Room for a 10 MB cell and more, so that an overlong cell is a row's problem, not the file's.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
BATCH_SIZE = 1_000
SHOWN_PROBLEMS = 200
SAMPLE_ROWS = 5
SOURCE_PREFIX = "src:"
FINGERPRINT_PREFIX = "sha256:"
SOURCE_ID_MAX_LENGTH = Story._meta.get_field("import_key").max_length - len(SOURCE_PREFIX)  # type: ignore[operator]
# Cells of choice and date columns are short; anything longer is a mistake, not a value.
SHORT_CELL = 100
# Unimported previews are kept this long, then cleared when their person uploads again.
PENDING_DAYS = 1

REQUIRED = ("title", "sentiment")
# The story columns a file may carry; an export writes the same ones, so it imports again.
STORY_COLUMNS = (
    "title",
    "sentiment",
    "body",
    "tags",
    "customer_name",
    "customer_organisation",
    "customer_segment",
    "channel",
    "happened_on",
    "visibility",
    "shout_out_to",
)
COLUMNS = (*STORY_COLUMNS, "source_id")
ALIASES = {
    "quote": "title",
    "customer_organization": "customer_organisation",
    "date": "happened_on",
}
# The fingerprint covers these, so it stays the same if the form gains fields.
FINGERPRINTED = COLUMNS[:-1]
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = (",", ";", "\t")
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")

# csv refuses fields over 128 KB by default; the upload cap bounds them instead.
csv.field_size_limit(max(csv.field_size_limit(), MAX_UPLOAD_BYTES))


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


class ImportRefused(Exception):
    """A confirm that must not import (already imported, nothing valid); the message says why."""


class SharedFields(dict[str, Any]):
    """Form fields that rows share rather than deep-copy: cleaning reads them and never changes
    them, and copying them for each of 50,000 rows took about half the time of a preview."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return dict(self)


class ImportRowForm(StoryForm):
    """The story form's rules, for one row of a file."""

    def validate_constraints(self) -> None:
        # The model's one constraint, an import key once per person, is checked for a thousand
        # rows in one query (row_outcomes), and the database enforces it at the confirm.
        pass


ImportRowForm.base_fields = SharedFields(ImportRowForm.base_fields)


def cell_limit(column: str) -> int:
    if column == "source_id":
        return SOURCE_ID_MAX_LENGTH
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
}
CHOICES = {
    "sentiment": choice_names(Sentiment.choices),
    "channel": choice_names(Channel.choices),
    "visibility": choice_names(Visibility.choices),
}
# Free text: where a formula could hide. Choice and date cells are refused if they are odd.
TEXT_COLUMNS = {"title", "body", "tags", "customer_name", "customer_organisation"}
TEXT_COLUMNS |= {"customer_segment", "shout_out_to", "source_id"}
# What an empty cell means in an optional choice column: the same default as the form's.
BLANK_MEANS = {"channel": Channel.OTHER.value, "visibility": Visibility.COMPANY.value}
LIMITS = {column: cell_limit(column) for column in COLUMNS}


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


def fingerprint(values: dict[str, Any], *, dated: bool) -> str:
    """One key for the same content, whatever its spacing or case (and a blank date stays
    blank, or the same file imported tomorrow would look new)."""
    parts: dict[str, str] = {}
    for name in FINGERPRINTED:
        value = values.get(name, "")
        if name == "happened_on" and not dated:
            value = ""
        elif name == "tags":
            value = ",".join(sorted(value))
        parts[name] = " ".join(str(value).split()).casefold()
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return FINGERPRINT_PREFIX + digest


# --- Reading the file ----------------------------------------------------------------------------


def decode_upload(data: bytes) -> str:
    """The file's text, or an ImportFileError that names the encoding problem."""
    if not data or data.isspace():
        raise ImportFileError(
            "This file is empty. It needs a first row naming the columns (title, sentiment, …) "
            "and then one row per insight."
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise ImportFileError(
            "This file is saved as UTF-16 (“Unicode text”), not UTF-8, so it cannot be read. "
            "Save it again as “CSV UTF-8” and upload that."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFileError(
            f"This file is not UTF-8: byte 0x{data[error.start]:02X} on line {line} is not valid "
            "UTF-8 (the file was probably saved as Latin-1 or Windows-1252). Nothing was "
            "imported. In Excel choose “CSV UTF-8 (comma delimited)”; Google Sheets and "
            "Numbers export UTF-8 already."
        ) from None
    if not text or text.isspace():
        raise ImportFileError("This file is empty: there is nothing after its byte-order mark.")
    return text


def delimiter_of(text: str) -> str:
    """Comma, or the semicolon or tab some spreadsheets use instead, judged by the first line."""
    end = text.find("\n")
    first_line = text if end == -1 else text[:end]
    return max(DELIMITERS, key=first_line.count)


def lines_of(text: str) -> Iterator[str]:
    """The text's lines with their endings (CRLF, LF or CR), as csv wants them. Unlike
    io.StringIO, which holds four bytes a character, this copies one line at a time."""
    return (match.group() for match in LINE.finditer(text))


def normalise_column(name: str) -> str:
    column = re.sub(r"[\s\-]+", "_", name.strip().casefold())
    return ALIASES.get(column, column)


@dataclass(frozen=True)
class RowNote:
    """Something about one cell (or a whole row, when column is empty) of the file."""

    row: int
    column: str
    message: str


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
            raise ImportFileError(f"The column “{shown(name)}” appears twice in the first row.")
        if column in COLUMNS:
            columns.append(column)
        else:
            columns.append(None)
            if column:
                notices.append(RowNote(1, shown(name), "Not a column we import: it is ignored."))
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
            raise ImportFileError(
                f"The first row looks like an insight, not column names (it reads: {first_row}). "
                "Add a first row that names the columns, for example: "
                "title,sentiment,body,tags,happened_on"
            )
        raise ImportFileError(
            f"The first row has no {one_of([f'“{name}”' for name in missing])} column"
            f"{'s' if len(missing) > 1 else ''}. The title column holds what the customer said "
            "and sentiment says success, frustration or idea. The first row reads: "
            f"{first_row}."
        )
    return Header(names=cells, columns=columns, notices=notices)


def read_rows(text: str) -> tuple[Header, Iterator[tuple[int, list[str]]]]:
    """The header, and each later row with its number as a spreadsheet shows it (header = 1)."""
    reader = csv.reader(lines_of(text), delimiter=delimiter_of(text))
    try:
        cells = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(f"The first row could not be read as CSV: {error}.") from None
    if cells is None or not any(cell.strip() for cell in cells):
        raise ImportFileError("The first row is empty: it must name the columns.")
    header = read_header(cells)

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        while True:
            try:
                row = next(reader, None)
            except csv.Error as error:
                raise ImportFileError(
                    f"Row {number + 1} could not be read as CSV: {error}. "
                    "Check it for a stray quote mark."
                ) from None
            if row is None:
                return
            number += 1
            if any(cell.strip() for cell in row):  # Spreadsheets leave blank rows at the end.
                yield number, row

    return header, rows()


def check_file(text: str) -> None:
    """What can be said about the file as a whole at upload: readable, with rows, not too many."""
    _, rows = read_rows(text)
    count = sum(1 for _ in islice(rows, MAX_ROWS + 1))
    if count == 0:
        raise ImportFileError("The file names its columns but has no rows to import.")
    if count > MAX_ROWS:
        raise ImportFileError(
            f"This file has more than {MAX_ROWS:,} rows. Split it into files of at most "
            f"{MAX_ROWS:,} rows and import them one by one."
        )


# --- Checking rows -------------------------------------------------------------------------------


@dataclass
class CheckedRow:
    number: int
    values: dict[str, Any]  # the story's fields as the form cleaned them, tags included
    import_key: str


@dataclass
class RowOutcome:
    number: int
    row: CheckedRow | None  # None when the row has problems
    problems: list[RowNote]
    notices: list[RowNote]
    duplicate_of: int | None = None
    already_imported: bool = False


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
    if problems:
        return RowOutcome(number, None, problems, notices)
    values = dict(form.cleaned_data)
    source_id = str(data.get("source_id", ""))
    key = SOURCE_PREFIX + source_id if source_id else fingerprint(values, dated=dated)
    return RowOutcome(number, CheckedRow(number, values, key), problems, notices)


def row_outcomes(
    header: Header, rows: Iterator[tuple[int, list[str]]], *, person_id: int
) -> Iterator[list[RowOutcome]]:
    """Every row of the file checked, in batches, each knowing whether it repeats an earlier row
    or a story the person imported before (one query per batch)."""
    today = timezone.localdate()
    first_row_with_key: dict[str, int] = {}
    while batch := [
        check_row(number, cells, header, today) for number, cells in islice(rows, BATCH_SIZE)
    ]:
        keys = []
        for outcome in batch:
            if outcome.row is None:
                continue
            key = outcome.row.import_key
            if key in first_row_with_key:
                outcome.duplicate_of = first_row_with_key[key]
            else:
                first_row_with_key[key] = outcome.number
                keys.append(key)
        existing = set(
            Story.objects.filter(author_id=person_id, import_key__in=keys)
            .order_by()
            .values_list("import_key", flat=True)
        )
        for outcome in batch:
            if outcome.row is not None and outcome.duplicate_of is None:
                outcome.already_imported = outcome.row.import_key in existing
        yield batch


# --- Services ------------------------------------------------------------------------------------


def story_import_create(*, person: User, filename: str, data: bytes) -> StoryImport:
    """Keep an uploaded file for its preview, or raise ImportFileError saying what is wrong."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(too_big_message(len(data)))
    text = decode_upload(data)
    check_file(text)
    StoryImport.objects.filter(
        person=person,
        imported_at__isnull=True,
        created_at__lt=timezone.now() - datetime.timedelta(days=PENDING_DAYS),
    ).delete()
    return StoryImport.objects.create(person=person, filename=filename[:255], content=text)


def too_big_message(size: int) -> str:
    return (
        f"This file is {size / 1024 / 1024:.1f} MB; files can be at most "
        f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Split it into smaller files."
    )


@dataclass
class ImportPreview:
    header: Header
    rows_read: int = 0
    to_import: int = 0
    already_imported: int = 0
    duplicates: int = 0
    rows_with_problems: int = 0
    problem_count: int = 0
    problems: list[RowNote] = field(default_factory=list)
    notices: list[RowNote] = field(default_factory=list)
    notice_count: int = 0
    sample: list[CheckedRow] = field(default_factory=list)

    @property
    def more_problems(self) -> int:
        return self.problem_count - len(self.problems)

    @property
    def more_notices(self) -> int:
        return self.notice_count - len(self.notices)


def story_import_preview(*, story_import: StoryImport) -> ImportPreview:
    """What confirming would do, row by row; writes nothing."""
    header, rows = read_rows(story_import.content)
    preview = ImportPreview(header=header)
    notes(preview, header.notices)
    for batch in row_outcomes(header, rows, person_id=story_import.person_id):
        for outcome in batch:
            preview.rows_read += 1
            notes(preview, outcome.notices)
            if outcome.problems:
                preview.rows_with_problems += 1
                preview.problem_count += len(outcome.problems)
                room = SHOWN_PROBLEMS - len(preview.problems)
                preview.problems.extend(outcome.problems[: max(room, 0)])
            elif outcome.duplicate_of is not None:
                preview.duplicates += 1
                notes(
                    preview,
                    [
                        RowNote(
                            outcome.number,
                            "",
                            f"The same as row {outcome.duplicate_of}: it is imported once.",
                        )
                    ],
                )
            elif outcome.already_imported:
                preview.already_imported += 1
            else:
                preview.to_import += 1
                if outcome.row is not None and len(preview.sample) < SAMPLE_ROWS:
                    preview.sample.append(outcome.row)
    return preview


def notes(preview: ImportPreview, notices: list[RowNote]) -> None:
    preview.notice_count += len(notices)
    room = SHOWN_PROBLEMS - len(preview.notices)
    preview.notices.extend(notices[: max(room, 0)])


@dataclass(frozen=True)
class ImportOutcome:
    imported: int
    already_imported: int
    duplicates: int
    rows_with_problems: int


def story_import_confirm(*, story_import: StoryImport, person: User) -> ImportOutcome:
    """Import every valid row of the file in one transaction, as the person who uploaded it.

    Raises ImportRefused when the file was imported already or has nothing to import.
    """
    if story_import.person_id != person.pk:
        raise ImportRefused("Only the person who uploaded a file can import it.")
    try:
        with transaction.atomic():
            # The claim: of two confirms at once, the second waits here, then finds it taken.
            claimed = StoryImport.objects.filter(
                pk=story_import.pk, imported_at__isnull=True
            ).update(imported_at=timezone.now())
            if not claimed:
                raise ImportRefused(already_imported_message(story_import))
            outcome = import_rows(story_import, person)
            if outcome.imported == 0 and outcome.already_imported == 0:
                raise ImportRefused(
                    "Nothing was imported: no row of this file is valid. Fix the rows listed "
                    "below and upload the file again."
                )
            StoryImport.objects.filter(pk=story_import.pk).update(
                imported_count=outcome.imported, content=""
            )
    except ImportFileError as error:
        raise ImportRefused(str(error)) from None
    except IntegrityError:
        # Another import by the same person added some of these rows a moment ago.
        raise ImportRefused(
            "Some of these rows were imported by another upload at the same moment, so nothing "
            "was imported. Confirm again to import the rest."
        ) from None
    story_import.refresh_from_db()
    return outcome


def already_imported_message(story_import: StoryImport) -> str:
    story_import.refresh_from_db(fields=["imported_at", "imported_count"])
    when = timezone.localtime(story_import.imported_at) if story_import.imported_at else None
    at = f" on {when:%d %B %Y at %H:%M}" if when else ""
    return f"This file was imported already{at}: nothing more was added."


def import_rows(story_import: StoryImport, person: User) -> ImportOutcome:
    imported = already = duplicates = with_problems = 0
    header, rows = read_rows(story_import.content)
    for batch in row_outcomes(header, rows, person_id=person.pk):
        new_rows = []
        for outcome in batch:
            if outcome.problems:
                with_problems += 1
            elif outcome.duplicate_of is not None:
                duplicates += 1
            elif outcome.already_imported:
                already += 1
            elif outcome.row is not None:
                new_rows.append(outcome.row)
        stories = [
            Story(
                author=person,
                kind=Kind.INSIGHT,
                import_key=row.import_key,
                **{name: value for name, value in row.values.items() if name != "tags"},
            )
            for row in new_rows
        ]
        Story.objects.bulk_create(stories)
        names = sorted({name for row in new_rows for name in row.values["tags"]})
        tags = {tag.name: tag.pk for tag in tags_for(names)} if names else {}
        Story.tags.through.objects.bulk_create(
            Story.tags.through(story_id=story.pk, tag_id=tags[name])
            for story, row in zip(stories, new_rows, strict=True)
            for name in row.values["tags"]
        )
        imported += len(stories)
    return ImportOutcome(imported, already, duplicates, with_problems)
