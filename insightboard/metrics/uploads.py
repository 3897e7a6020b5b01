"""Metric values from a CSV file (columns metric, week, value): every row is read and checked
before anything is written, and the person confirms what the check found.

The checked rows travel in the confirmation form, signed, so no server keeps half an upload and
any web process can finish it.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.core import signing

from insightboard.csv_upload import RowNotes, UploadFileError, csv_rows, decode_upload
from insightboard.metrics.models import Metric
from insightboard.metrics.numbers import MetricInputError, amount, parse_value, parse_week
from insightboard.metrics.selectors import existing_values
from insightboard.metrics.services import MetricEntry
from insightboard.weeks import week_name

UPLOAD_MAX_BYTES = 2 * 1024 * 1024
UPLOAD_MAX_ROWS = 10_000
COLUMNS = ("metric", "week", "value")
# A report lists this many problems; a file with more has a bigger problem than any one row.
PROBLEMS_SHOWN = 100
# An hour is plenty to read a preview.
PREVIEW_MAX_AGE = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class UploadRow:
    row: int  # the row number a spreadsheet shows (the header is row 1)
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


@dataclass
class UploadReport:
    rows: list[UploadRow] = field(default_factory=list)
    problems: RowNotes = field(default_factory=lambda: RowNotes(limit=PROBLEMS_SHOWN))

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


def metric_named(metrics: Sequence[Metric], name: str) -> Metric | None:
    """The metric with this name; letter case only matters when it tells two metrics apart."""
    exact = [metric for metric in metrics if metric.name == name]
    if exact:
        return exact[0]
    alike = [metric for metric in metrics if metric.name.casefold() == name.casefold()]
    return alike[0] if len(alike) == 1 else None


def metric_upload_read(content: bytes, *, today: datetime.date) -> UploadReport:
    """Check an uploaded CSV (columns metric, week, value) row by row; writes nothing."""
    report = UploadReport()
    try:
        found = checked_rows(decode_upload(content), report, today=today)
    except UploadFileError as error:
        report.problems.add(error.row, "", str(error))
        return report
    if found is None:
        return report
    if not found and not report.problems:
        report.problems.add(None, "", "The file has a header row but no values under it.")
    before = existing_values((metric.pk, week) for _, metric, week, _ in found)
    report.rows = [
        UploadRow(row, metric, week, value, before.get((metric.pk, week)))
        for row, metric, week, value in found
    ]
    return report


def checked_rows(
    text: str, report: UploadReport, *, today: datetime.date
) -> list[tuple[int, Metric, datetime.date, Decimal]] | None:
    """Each good row's metric, week and value; problems go to the report. None when the file
    cannot be read any further (the report says why)."""
    rows = csv_rows(text)
    header = next(rows, None)
    if header is None:
        report.problems.add(None, "", "The file is empty. It needs a first row naming the columns.")
        return None
    columns = header_columns(header[1], report)
    if columns is None:
        return None
    metrics = list(Metric.objects.all())
    seen: dict[tuple[int, datetime.date], int] = {}
    found: list[tuple[int, Metric, datetime.date, Decimal]] = []
    for count, (number, cells) in enumerate(rows, start=1):
        if count > UPLOAD_MAX_ROWS:
            # The file's own problem comes first: its rows' problems would be listed in vain.
            report.problems = RowNotes(limit=PROBLEMS_SHOWN)
            report.problems.add(
                number, "", f"The file has more than {UPLOAD_MAX_ROWS:,} rows: split it in two."
            )
            return None
        checked = read_row(cells, columns, number, report, metrics=metrics, today=today)
        if checked is None:
            continue
        metric, week, value = checked
        key = (metric.pk, week)
        if key in seen:
            report.problems.add(
                number,
                "week",
                f"Row {seen[key]} already gives {metric.name} for the week of "
                f"{week_name(week, today=today)}: keep one of the two.",
            )
            continue
        seen[key] = number
        found.append((number, metric, week, value))
    return found


def words_list(words: Sequence[str]) -> str:
    """ "week", "week and value", "metric, week and value"."""
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else words[0]


def header_columns(cells: list[str], report: UploadReport) -> dict[str, int] | None:
    names = [cell.strip().casefold() for cell in cells]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        shown = ", ".join(cell.strip()[:30] for cell in cells)
        report.problems.add(
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
    number: int,
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
        report.problems.add(
            number, "metric", "Give the name of the metric, as on the metrics page."
        )
    elif metric is None:
        shown = name if len(name) <= 60 else f"{name[:60]}…"
        report.problems.add(
            number,
            "metric",
            f"There is no metric called “{shown}”: check its spelling on the metrics page, "
            "or add the metric first.",
        )
    week = value = None
    try:
        week = parse_week(cell("week"), today=today)
    except MetricInputError as error:
        report.problems.add(number, "week", str(error))
    try:
        value = parse_value(cell("value"))
    except MetricInputError as error:
        report.problems.add(number, "value", str(error))
    if metric is None or week is None or value is None:
        return None  # each missing part has its problem in the report
    return metric, week, value


# --- Between the preview and the confirmation ----------------------------------------------------


class PreviewExpiredError(ValueError):
    """The confirmation carries rows that were not signed by us for this person, or too long ago."""


def preview_salt(person: User) -> str:
    # Unchanged since metrics lived in the stories app, so a preview open during a deploy works.
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
