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
# What an import reads: the story's columns and where the row came from.
IMPORT_COLUMNS = (*STORY_COLUMNS, "source_id")
# What an export writes: the story's columns first, then what only the site knows.
EXPORT_COLUMNS = (*STORY_COLUMNS, "kind", "id", "url", "author", "created_at", "hear_too")
# Other spellings people give the same column.
ALIASES = {
    "quote": "title",
    "customer_organization": "customer_organisation",
    "date": "happened_on",
}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text instead of running it as a formula (OWASP's advice:
    a leading single quote)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
