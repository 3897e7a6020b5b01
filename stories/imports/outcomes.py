"""What an import did, row by row, kept on the upload as JSON so that the import page shows the
same counts and row-and-column report however often it is reloaded, and a rerun after a worker
died carries on counting from what the chunks before it committed."""

from dataclasses import dataclass, field
from typing import Any

from insightboard.csv_upload import RowNote, RowNotes
from stories.imports.rows import RowOutcome


def repeat_note(number: int, first: int) -> RowNote:
    """The notice on a row that repeats an earlier row of the same file."""
    return RowNote(number, "", f"The same as row {first}: it is imported once.")


def notes_from(stored: dict[str, Any], name: str) -> RowNotes:
    notes = RowNotes()
    notes.add_all([RowNote(row, column, message) for row, column, message in stored.get(name, [])])
    notes.total = stored.get(f"{name}_total", notes.total)
    return notes


@dataclass
class RowTally:
    """Checked rows counted by what the check found: the preview and the import count alike."""

    already_imported: int = 0
    duplicates: int = 0
    rows_with_problems: int = 0
    already_here: int = 0
    problems: RowNotes = field(default_factory=RowNotes)
    notices: RowNotes = field(default_factory=RowNotes)

    def count(self, row: RowOutcome) -> bool:
        """Count a checked row, with its problems and notices; True if it is one to import."""
        self.notices.add_all(row.notices)
        if row.problems:
            self.rows_with_problems += 1
            self.problems.add_all(row.problems)
        elif row.duplicate_of is not None:
            self.duplicates += 1
            self.notices.add_all([repeat_note(row.number, row.duplicate_of)])
        elif row.already_here:
            self.already_here += 1
        elif row.already_imported:
            self.already_imported += 1
        else:
            return True
        return False


@dataclass
class ImportOutcome(RowTally):
    imported: int = 0

    @classmethod
    def from_stored(cls, stored: dict[str, Any], *, imported: int) -> "ImportOutcome":
        return cls(
            imported=imported,
            already_imported=stored.get("already_imported", 0),
            duplicates=stored.get("duplicates", 0),
            rows_with_problems=stored.get("rows_with_problems", 0),
            already_here=stored.get("already_here", 0),
            problems=notes_from(stored, "problems"),
            notices=notes_from(stored, "notices"),
        )

    def stored(self) -> dict[str, Any]:
        """As StoryImport.outcome keeps it (the imported count has a column of its own)."""
        return {
            "already_imported": self.already_imported,
            "duplicates": self.duplicates,
            "rows_with_problems": self.rows_with_problems,
            "already_here": self.already_here,
            "problems": [[note.row, note.column, note.message] for note in self.problems],
            "problems_total": self.problems.total,
            "notices": [[note.row, note.column, note.message] for note in self.notices],
            "notices_total": self.notices.total,
        }

    @property
    def skipped(self) -> int:
        return self.already_imported + self.already_here
