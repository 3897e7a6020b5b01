"""What confirming an uploaded file would import, row by row; reading only."""

from dataclasses import dataclass, field

from django.contrib.auth.models import User

from stories.imports.batches import row_outcomes
from stories.imports.outcomes import ImportOutcome, RowTally
from stories.imports.rows import CheckedRow, Header, read_rows
from stories.models import StoryImport
from stories.reports.selectors import may_file_reports

SAMPLE_ROWS = 5


@dataclass(kw_only=True)
class ImportPreview(RowTally):
    header: Header
    rows_read: int = 0
    to_import: int = 0
    sample: list[CheckedRow] = field(default_factory=list)


def story_import_preview(*, story_import: StoryImport, person: User) -> ImportPreview:
    """What confirming would do for the person who uploaded it, row by row; writes nothing."""
    header, rows = read_rows(story_import.content)
    preview = ImportPreview(header=header)
    preview.notices.add_all(header.notices)
    batches = row_outcomes(
        header, rows, person_id=person.pk, files_reports=may_file_reports(person)
    )
    for batch in batches:
        for outcome in batch:
            preview.rows_read += 1
            if preview.count(outcome):
                preview.to_import += 1
                if outcome.row is not None and len(preview.sample) < SAMPLE_ROWS:
                    preview.sample.append(outcome.row)
    return preview


def story_import_outcome(story_import: StoryImport) -> ImportOutcome:
    """What a confirmed import has done so far: counts, problems and notices, as its last
    committed chunk left them."""
    return ImportOutcome.from_stored(story_import.outcome, imported=story_import.imported_count)
