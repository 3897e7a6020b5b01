"""What the simulated staff saw of every insight they tried to log, one JSON line each.

Each insight carries a marker of its own in its title, so the database can be asked afterwards
whether what the staff were told ("logged", or an error) is what happened.
"""

import enum
import json
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

MARKER_PREFIX = "load-"
# load-<run>-<12 hex>: the run keeps one run's insights apart from the last one's.
MARKER = re.compile(r"load-([0-9a-z]+)-([0-9a-f]{12})")


class Outcome(enum.StrEnum):
    # The page said it was logged: it must be in the database exactly once.
    SAVED = "saved"
    # An error page, a form shown again, no answer in time: it must not be there.
    FAILED = "failed"
    # The run ended while the request was on its way: reported, not judged.
    CUT_OFF = "cut-off"


@dataclass(frozen=True)
class Attempt:
    marker: str
    outcome: Outcome
    # Which form it went through, and the answer's status (0: no answer).
    form: str
    status: int


def new_marker(run: str) -> str:
    return f"{MARKER_PREFIX}{run}-{secrets.token_hex(6)}"


def run_markers(run: str) -> str:
    """What every marker of this run contains, to find its insights with one query."""
    return f"{MARKER_PREFIX}{run}-"


def attempt_write(out: TextIO, attempt: Attempt) -> None:
    out.write(json.dumps(asdict(attempt)) + "\n")
    # Written at once: a load generator stopped hard keeps what it had seen.
    out.flush()


def attempts_read(path: Path) -> list[Attempt]:
    if not path.exists():
        return []
    return list(attempts_from(path.read_text().splitlines()))


def attempts_from(lines: Iterable[str]) -> Iterator[Attempt]:
    for line in lines:
        if line.strip():
            row = json.loads(line)
            yield Attempt(
                marker=row["marker"],
                outcome=Outcome(row["outcome"]),
                form=row["form"],
                status=int(row["status"]),
            )
