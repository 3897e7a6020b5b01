"""One CSV upload for every kind of row (insights, metric values): decode, read, report problems.

A file is read as a spreadsheet shows it: the first row names the columns and is row 1, each later
row has the number a spreadsheet gives it, and every problem names its row and column. The pages
share one upload form (includes/csv_upload_form.html) and one problem table
(includes/csv_problems.html).
"""

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

DELIMITERS = (",", ";", "\t")
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
# A report lists this many notes; a file with more has a bigger problem than any one row.
NOTES_SHOWN = 200

# csv refuses fields over 128 KB by default; each upload's size cap bounds them instead.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


class UploadFileError(Exception):
    """The file as a whole cannot be used; the message says why and what to do, and `row`
    where it went wrong, when it is known."""

    def __init__(self, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


@dataclass(frozen=True)
class RowNote:
    """Something about one cell of a file, a whole row (column ""), or the file (row None)."""

    row: int | None
    column: str
    message: str


class RowNotes(list[RowNote]):
    """Notes found in a file: the first `limit` kept to list, every one counted."""

    def __init__(self, limit: int = NOTES_SHOWN) -> None:
        super().__init__()
        self.limit = limit
        self.total = 0

    def add(self, row: int | None, column: str, message: str) -> None:
        self.add_all([RowNote(row, column, message)])

    def add_all(self, notes: list[RowNote]) -> None:
        self.total += len(notes)
        room = max(self.limit - len(self), 0)
        super().extend(notes[:room])

    @property
    def more(self) -> int:
        """Found but not listed."""
        return self.total - len(self)


def too_big_message(size: int, max_bytes: int) -> str:
    return (
        f"This file is {size / 1024 / 1024:.1f} MB; files can be at most "
        f"{max_bytes // 1024 // 1024} MB. Split it into smaller files."
    )


def decode_upload(data: bytes) -> str:
    """The file's text, or an UploadFileError that names the encoding problem."""
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        raise UploadFileError(
            "The file is empty. It needs a first row naming the columns and then one row per line "
            "of data."
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise utf16_error()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data.count(b"\n", 0, error.start) + 1
        raise UploadFileError(
            f"The file is not UTF-8 text: byte 0x{data[error.start]:02X} on line {row} is not "
            "valid UTF-8 (the file was probably saved as Latin-1 or Windows-1252), so its letters "
            "would come out garbled. Nothing was taken from it. In Excel choose “CSV UTF-8 "
            "(comma delimited)”; Google Sheets and Numbers export UTF-8 already.",
            row=row,
        ) from None
    if "\x00" in text:
        raise utf16_error()
    return text


def utf16_error() -> UploadFileError:
    return UploadFileError(
        "The file is saved as UTF-16 (“Unicode text”), not UTF-8, so it cannot be read. "
        "Save it again as “CSV UTF-8” and upload that."
    )


def delimiter_of(text: str) -> str:
    """Comma, or the semicolon or tab some spreadsheets use instead, judged by the first line."""
    end = text.find("\n")
    first_line = text if end == -1 else text[:end]
    return max(DELIMITERS, key=first_line.count)


def lines_of(text: str) -> Iterator[str]:
    """The text's lines with their endings (CRLF, LF or CR), as csv wants them. Unlike
    io.StringIO, which holds four bytes a character, this copies one line at a time."""
    return (match.group() for match in LINE.finditer(text))


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Every row that has something in it, with its number as a spreadsheet shows it.

    Blank rows (spreadsheets leave some at the end) are skipped but still counted. A row that
    is not CSV (a stray quote mark) stops the reading with an UploadFileError naming it.
    """
    reader = csv.reader(lines_of(text), delimiter=delimiter_of(text), strict=True)
    number = 0
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            raise UploadFileError(
                f"Row {number + 1} cannot be read as CSV ({error}): check for a missing or stray "
                "quote mark in it.",
                row=number + 1,
            ) from None
        if cells is None:
            return
        number += 1
        if any(cell.strip() for cell in cells):
            yield number, cells


class CsvUploadForm(forms.Form):
    """A CSV file, refused before it is read when it is bigger than the page allows."""

    file = forms.FileField(
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty. It needs a first row naming the columns and then one "
            "row per line of data.",
            "invalid": "That was not a file: choose a CSV file to upload.",
        },
    )

    def __init__(self, *args: Any, max_bytes: int, help_text: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].help_text = help_text

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        # Checked before reading, so an oversized file is never held in memory.
        size = upload.size or 0
        if size > self.max_bytes:
            raise forms.ValidationError(too_big_message(size, self.max_bytes))
        return upload
