"""Checked rows, a batch at a time, against what is here already: the stories a file's rows were
exported from, what the person imported before, and the people who own reports' actions."""

import datetime
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from insightboard.csv_upload import RowNote
from stories.imports.columns import REPORT_OWNER_COLUMN
from stories.imports.practices import CheckedPractice
from stories.imports.rows import BATCH_SIZE, Header, RowOutcome, check_row
from stories.models import Kind, Story


def row_outcomes(
    header: Header,
    rows: Iterator[tuple[int, list[str]]],
    *,
    person_id: int,
    files_reports: bool = False,
) -> Iterator[list[RowOutcome]]:
    """Every row of the file checked, in batches, each knowing whether it repeats an earlier row,
    a story still here or one the person imported before (a few queries per batch)."""
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
        here = stories_here([o.row.identity for o in batch if o.row and o.row.identity])
        owners = owners_by_address({owner_address(outcome) for outcome in batch})
        for outcome in batch:
            row = outcome.row
            if row is None or outcome.duplicate_of is not None:
                continue
            outcome.already_here = row.identity in here
            outcome.already_imported = not outcome.already_here and row.import_key in existing
            if outcome.already_here or outcome.already_imported:
                continue
            problems, notices = settle_practice(
                outcome.number,
                row.kind,
                row.practice,
                owners=owners,
                files_reports=files_reports,
            )
            outcome.notices.extend(notices)
            if problems:
                outcome.problems.extend(problems)
                outcome.row = None
        yield batch


def owner_address(outcome: RowOutcome) -> str:
    """The address of the person a checked report row names as the action's owner, or ""."""
    practice = outcome.row.practice if outcome.row else None
    return practice.owner_address if practice else ""


def stories_here(identities: list[tuple[int, datetime.datetime]]) -> set[tuple[int, Any]]:
    """Which of these exported stories are still here: the same id, logged at the same moment
    (an id alone could be another database's story)."""
    if not identities:
        return set()
    found = Story.objects.filter(pk__in={story_id for story_id, _ in identities}).order_by()
    return set(found.values_list("pk", "created_at"))


def owners_by_address(addresses: set[str]) -> dict[str, int]:
    """Active people by their address, in lower case."""
    addresses.discard("")
    if not addresses:
        return {}
    people = User.objects.filter(Q(username__in=addresses) | Q(email__in=addresses), is_active=True)
    owners: dict[str, int] = {}
    for pk, username, email in people.values_list("pk", "username", "email"):
        owners.setdefault(email.lower(), pk)
        owners.setdefault(username.lower(), pk)
    return owners


def settle_practice(
    number: int,
    kind: str,
    practice: CheckedPractice | None,
    *,
    owners: dict[str, int],
    files_reports: bool,
) -> tuple[list[RowNote], list[RowNote]]:
    """What importing the row's practice needs that the row alone cannot say: whether the person
    may file executive reports, and who the action's owner is. Its problems and notices."""
    if kind == Kind.EXECUTIVE and not files_reports:
        return [
            RowNote(
                number,
                "",
                "Only leaders and admins file executive reports: ask one of them to import this "
                "row.",
            )
        ], []
    if practice is None or not practice.owner_address:
        return [], []
    owner = owners.get(practice.owner_address)
    practice.fields["action_owner_id"] = owner
    if owner is None:
        note = (
            f"No one here signs in as “{practice.owner_address}”: the suggested action is "
            "imported without an owner."
        )
        return [], [RowNote(number, REPORT_OWNER_COLUMN, note)]
    return [], []
