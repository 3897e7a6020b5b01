"""Customer metrics from a CSV file (columns metric, week, value): every row is read and checked
before anything is written, and the person confirms what the check found."""

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core import signing

from stories.metrics import (
    MetricEntry,
    MetricInputError,
    amount,
    existing_values,
    parse_value,
    parse_week,
    week_name,
)
from stories.models import Metric

UPLOAD_MAX_BYTES = 2 * 1024 * 1024
UPLOAD_MAX_ROWS = 10_000
COLUMNS = ("metric", "week", "value")
# A report lists this many problems; a file with more has a bigger problem than any one row.
PROBLEMS_SHOWN = 100


@dataclass(frozen=True)
class UploadRow:
    line: int  # the row number a spreadsheet shows (the header is row 1)
    metric: Metric
    week: datetime.date
    value: Decimal
    before: Decimal | None  # the week's value already recorded, which this one would replace

    @property
    def outcome(self) -> str:
        if self.before is None:
            return "new"
        return "unchanged" if self.before == self.value else "corrected"

    @property
    def value_text(self) -> str:
        return amount(self.value, self.metric.unit)

    @property
    def before_text(self) -> str:
        return "" if self.before is None else amount(self.before, self.metric.unit)


@dataclass(frozen=True)
class UploadProblem:
    line: int | None  # None: the file as a whole
    column: str
    message: str


@dataclass
class UploadReport:
    rows: list[UploadRow]
    problems: list[UploadProblem]
    more_problems: int = 0  # found but not listed

    @property
    def ready(self) -> bool:
        return bool(self.rows) and not self.problems

    def count(self, outcome: str) -> int:
        return sum(row.outcome == outcome for row in self.rows)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def corrected(self) -> int:
        return self.count("corrected")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def problem(self, line: int | None, column: str, message: str) -> None:
        if len(self.problems) < PROBLEMS_SHOWN:
            self.problems.append(UploadProblem(line, column, message))
        else:
            self.more_problems += 1


def decoded(content: bytes, report: UploadReport) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        report.problem(
            line,
            "",
            "The file is not UTF-8 text, so its letters would come out garbled. "
            "Save it as “CSV UTF-8” (Excel) or choose UTF-8 when you export, then upload it again.",
        )
        return None


def metric_named(metrics: Sequence[Metric], name: str) -> Metric | None:
    """The metric with this name; letter case only matters when it tells two metrics apart."""
    exact = [metric for metric in metrics if metric.name == name]
    if exact:
        return exact[0]
    alike = [metric for metric in metrics if metric.name.casefold() == name.casefold()]
    return alike[0] if len(alike) == 1 else None


def metric_upload_read(content: bytes, *, today: datetime.date) -> UploadReport:
    """Check an uploaded CSV (columns metric, week, value) row by row; writes nothing."""
    report = UploadReport(rows=[], problems=[])
    if not content.strip().removeprefix(b"\xef\xbb\xbf").strip():
        report.problem(None, "", "The file is empty: it needs a header row and one row per value.")
        return report
    text = decoded(content, report)
    if text is None:
        return report
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    metrics = list(Metric.objects.all())
    seen: dict[tuple[int, datetime.date], int] = {}
    found: list[tuple[int, Metric, datetime.date, Decimal]] = []
    columns: dict[str, int] | None = None
    rows_read = 0
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = header_columns(cells, report)
                if columns is None:
                    return report
                continue
            rows_read += 1
            if rows_read > UPLOAD_MAX_ROWS:
                report.problem(
                    line, "", f"The file has more than {UPLOAD_MAX_ROWS:,} rows: split it in two."
                )
                return report
            row = read_row(cells, columns, line, report, metrics=metrics, today=today)
            if row is None:
                continue
            metric, week, value = row
            key = (metric.pk, week)
            if key in seen:
                report.problem(
                    line,
                    "week",
                    f"Row {seen[key]} already gives {metric.name} for the week of "
                    f"{week_name(week, today=today)}: keep one of the two.",
                )
                continue
            seen[key] = line
            found.append((line, metric, week, value))
    except csv.Error as error:
        report.problem(
            reader.line_num,
            "",
            f"The CSV cannot be read from here on ({error}): check for a missing or stray quote.",
        )
        return report
    if columns is None:
        report.problem(None, "", "The file is empty: it needs a header row and one row per value.")
        return report
    if not found and not report.problems:
        report.problem(None, "", "The file has a header row but no values under it.")
    before = existing_values((metric.pk, week) for _, metric, week, _ in found)
    report.rows = [
        UploadRow(line, metric, week, value, before.get((metric.pk, week)))
        for line, metric, week, value in found
    ]
    return report


def words_list(words: Sequence[str]) -> str:
    """ "week", "week and value", "metric, week and value"."""
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else words[0]


def header_columns(cells: list[str], report: UploadReport) -> dict[str, int] | None:
    names = [cell.strip().casefold() for cell in cells]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        shown = ", ".join(cell.strip()[:30] for cell in cells)
        report.problem(
            1,
            "",
            f"The first row must name the columns metric, week and value; "
            f"{words_list(missing)} {'is' if len(missing) == 1 else 'are'} missing "
            f"(the first row says: {shown}).",
        )
        return None
    return {column: names.index(column) for column in COLUMNS}


def read_row(
    cells: list[str],
    columns: dict[str, int],
    line: int,
    report: UploadReport,
    *,
    metrics: Sequence[Metric],
    today: datetime.date,
) -> tuple[Metric, datetime.date, Decimal] | None:
    def cell(column: str) -> str:
        index = columns[column]
        return cells[index] if index < len(cells) else ""

    name = cell("metric").strip()
    metric = metric_named(metrics, name) if name else None
    if not name:
        report.problem(line, "metric", "Give the name of the metric, as on the metrics page.")
    elif metric is None:
        shown = name if len(name) <= 60 else f"{name[:60]}…"
        report.problem(
            line,
            "metric",
            f"There is no metric called “{shown}”: check its spelling on the metrics page, "
            "or add the metric first.",
        )
    week = value = None
    try:
        week = parse_week(cell("week"), today=today)
    except MetricInputError as error:
        report.problem(line, "week", str(error))
    try:
        value = parse_value(cell("value"))
    except MetricInputError as error:
        report.problem(line, "value", str(error))
    if metric is None or week is None or value is None:
        return None  # each missing part has its problem in the report
    return metric, week, value


# --- Between the preview and the confirmation ----------------------------------------------------

# The checked rows travel in the confirmation form, signed, so no server keeps half an upload and
# any web process can finish it. An hour is plenty to read a preview.
PREVIEW_MAX_AGE = datetime.timedelta(hours=1)


class PreviewExpiredError(ValueError):
    """The confirmation carries rows that were not signed by us for this person, or too long ago."""


def preview_salt(person: User) -> str:
    return f"stories.metric_upload.{person.pk}"


def preview_sign(rows: Sequence[UploadRow], *, person: User) -> str:
    payload = [[row.metric.pk, row.week.isoformat(), str(row.value)] for row in rows]
    return signing.dumps(payload, salt=preview_salt(person), compress=True)


def preview_entries(signed: str, *, person: User) -> list[MetricEntry]:
    """The rows a preview showed, ready to record; their metrics must all still exist."""
    try:
        payload = signing.loads(signed, salt=preview_salt(person), max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        raise PreviewExpiredError from None
    metrics = Metric.objects.in_bulk({metric_id for metric_id, _, _ in payload})
    if len(metrics) != len({metric_id for metric_id, _, _ in payload}):
        raise PreviewExpiredError
    return [
        MetricEntry(
            metric=metrics[metric_id],
            week=datetime.date.fromisoformat(week),
            value=Decimal(value),
        )
        for metric_id, week, value in payload
    ]
