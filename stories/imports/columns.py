"""The one list of story columns that a CSV import reads and an export writes, so an export can
be imported again; and how a cell that a spreadsheet would run as a formula is kept harmless."""

REQUIRED = ("title", "sentiment")
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
# An empathy story's answers and an executive report's fields, each named after the practice so
# that no column means two things ("report_insight" is not the story's title).
EMPATHY_PREFIX = "empathy_"
REPORT_PREFIX = "report_"
EMPATHY_FIELDS = (
    "company",
    "experience",
    "what_made_it",
    "why_it_stood_out",
    "would_stay",
    "meaning_for_us",
)
REPORT_FIELDS = ("spoke_with", "conversations", "place", "insight", "suggested_action")
EMPATHY_COLUMNS = tuple(EMPATHY_PREFIX + name for name in EMPATHY_FIELDS)
# The action's owner is written as their email address: the one thing that names them anywhere.
REPORT_OWNER_COLUMN = "report_action_owner"
REPORT_COLUMNS = (*(REPORT_PREFIX + name for name in REPORT_FIELDS), REPORT_OWNER_COLUMN)
PRACTICE_COLUMNS = (*EMPATHY_COLUMNS, *REPORT_COLUMNS)
# Together, as an export writes them, these say which story a row is: one still here is skipped.
IDENTITY_COLUMNS = ("id", "created_at")
# What an import reads: the story's columns, its practice's, and where the row came from.
IMPORT_COLUMNS = (*STORY_COLUMNS, "kind", *PRACTICE_COLUMNS, "source_id", *IDENTITY_COLUMNS)
# What an export writes: the story's columns first, then what only the site knows.
EXPORT_COLUMNS = (
    *STORY_COLUMNS,
    "kind",
    *PRACTICE_COLUMNS,
    "id",
    "url",
    "author",
    "created_at",
    "hear_too",
)
# Other spellings people give the same column.
ALIASES = {
    "quote": "title",
    "customer_organization": "customer_organisation",
    "date": "happened_on",
}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text instead of running it as a formula (OWASP's advice:
    a leading single quote). Text that already starts with quotes before a formula character
    gets one more, so that spreadsheet_text gives every cell back exactly."""
    return TEXT_MARK + value if value.lstrip(TEXT_MARK).startswith(FORMULA_STARTS) else value


def spreadsheet_text(cell: str) -> str:
    """The text an export's cell stands for: its formula guard, if it has one, taken off."""
    guarded = cell.startswith(TEXT_MARK) and cell.lstrip(TEXT_MARK).startswith(FORMULA_STARTS)
    return cell[len(TEXT_MARK) :] if guarded else cell
