"""After the run: is every insight the staff were told was logged in the database exactly once,
and is none that failed there?"""

from collections import Counter
from dataclasses import dataclass, field

from insightboard.demo.load.ledger import MARKER, Attempt, Outcome, run_markers
from stories.models import Story


@dataclass
class Reconciliation:
    saved: int = 0
    failed: int = 0
    cut_off: int = 0
    # Told "logged", and not in the database.
    lost: list[str] = field(default_factory=list)
    # Told "logged", and in the database more than once.
    doubled: list[str] = field(default_factory=list)
    # Told it failed, and in the database all the same.
    saved_though_failed: list[str] = field(default_factory=list)
    # In the database, though no one was ever answered for them.
    unaccounted: list[str] = field(default_factory=list)
    # Cut off by the end of the run, and saved anyway: fine, but worth counting.
    cut_off_saved: int = 0

    @property
    def problems(self) -> int:
        return (
            len(self.lost)
            + len(self.doubled)
            + len(self.saved_though_failed)
            + len(self.unaccounted)
        )

    def lines(self) -> list[str]:
        verdict = "OK" if not self.problems else "FAILED"
        lines = [
            f"Reconciliation: {verdict}. {self.saved:,} insights logged (each must be there "
            f"exactly once), {self.failed:,} failed (none may be there), {self.cut_off:,} cut off "
            f"by the end of the run ({self.cut_off_saved:,} of them saved).",
            f"- lost: {len(self.lost)}, doubled: {len(self.doubled)}, saved though failed: "
            f"{len(self.saved_though_failed)}, in the database but never sent: "
            f"{len(self.unaccounted)}",
        ]
        for name in ("lost", "doubled", "saved_though_failed", "unaccounted"):
            markers: list[str] = getattr(self, name)
            if markers:
                lines.append(f"- {name.replace('_', ' ')}: {', '.join(markers[:10])}")
        return lines


def stories_by_marker(run: str) -> Counter[str]:
    """How many stories carry each marker of this run (merged and private ones included)."""
    titles = Story.objects.filter(title__contains=run_markers(run)).values_list("title", flat=True)
    return Counter(
        found.group(0)
        for title in titles
        for found in MARKER.finditer(title)
        if found.group(1) == run
    )


def reconcile(run: str, attempts: list[Attempt]) -> Reconciliation:
    found = stories_by_marker(run)
    result = Reconciliation()
    for attempt in attempts:
        copies = found.get(attempt.marker, 0)
        if attempt.outcome is Outcome.SAVED:
            result.saved += 1
            if copies == 0:
                result.lost.append(attempt.marker)
            elif copies > 1:
                result.doubled.append(attempt.marker)
        elif attempt.outcome is Outcome.FAILED:
            result.failed += 1
            if copies:
                result.saved_though_failed.append(attempt.marker)
        else:
            result.cut_off += 1
            result.cut_off_saved += copies > 0
            if copies > 1:
                result.doubled.append(attempt.marker)
    sent = {attempt.marker for attempt in attempts}
    result.unaccounted = sorted(marker for marker in found if marker not in sent)
    return result
