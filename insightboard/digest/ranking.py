"""Which stories lead the digest: the ranking formula, in one place, with its reasons.

    evidence = 1 + people who hear it too                (the author counts once)
    meetings = min(meetings it opened + resonance / 10, 3)
    leader   = 6 if a leader reported it (an executive report), else 0
    recency  = 1 for a story logged on the week's last day, down to 0 for one a week older
    score    = 2 * evidence + meetings + leader + recency

Thin evidence is damped by construction: one mention scores at most 2 + 3 + 1 = 6, five score at
least 10, so one mention never outranks five unless a leader reported it. At most two items come
from the same author, and two from the same team. Ties are broken by more evidence, then the
newer story, then the lower id, so the same stories rank the same whatever order they came in.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

LEADER_POINTS = 6.0
MEETINGS_CAP = 3.0
PER_AUTHOR = 2
PER_TEAM = 2
TOP_ITEMS = 5


@dataclass(frozen=True)
class Candidate:
    """What the digest knows about one story's week."""

    story_id: int
    author_id: int
    team: str
    logged_at: datetime.datetime
    hear_too: int  # distinct people who hear it too
    meetings: int  # meetings it opened
    resonated: int  # people it resonated with in those meetings
    leader_reported: bool

    @property
    def evidence(self) -> int:
        return 1 + self.hear_too


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: float


def recency(logged_at: datetime.datetime, week_end: datetime.datetime) -> float:
    """1 for a story logged at the week's end, falling to 0 a week before it (and older)."""
    age = (week_end - logged_at).total_seconds() / datetime.timedelta(days=7).total_seconds()
    return max(0.0, min(1.0, 1.0 - age))


def score(candidate: Candidate, week_end: datetime.datetime) -> float:
    meetings = min(candidate.meetings + candidate.resonated / 10, MEETINGS_CAP)
    leader = LEADER_POINTS if candidate.leader_reported else 0.0
    return 2 * candidate.evidence + meetings + leader + recency(candidate.logged_at, week_end)


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def why_it_is_here(candidate: Candidate, *, hearing_teams: int) -> str:
    """One line a reader believes: "heard by 4 people in 3 teams; opened 2 meetings"."""
    parts = []
    if candidate.hear_too:
        people = plural(candidate.hear_too, "person", "people")
        teams = plural(hearing_teams, "team", "teams")
        parts.append(f"heard by {people} in {teams}" if hearing_teams else f"heard by {people}")
    else:
        parts.append("logged this week, nobody else has heard it yet")
    if candidate.meetings:
        parts.append(f"opened {plural(candidate.meetings, 'meeting', 'meetings')}")
    if candidate.resonated:
        parts.append(f"resonated with {plural(candidate.resonated, 'person', 'people')}")
    if candidate.leader_reported:
        parts.append("a leader reported it")
    return "; ".join(parts)


def order_key(ranked: Ranked) -> tuple[float, int, float, int]:
    candidate = ranked.candidate
    return (
        -ranked.score,
        -candidate.evidence,
        -candidate.logged_at.timestamp(),
        candidate.story_id,
    )


@dataclass
class Caps:
    """At most PER_AUTHOR items by one author and PER_TEAM from one team."""

    authors: Counter[int] = field(default_factory=Counter)
    teams: Counter[str] = field(default_factory=Counter)

    def allows(self, candidate: Candidate) -> bool:
        if self.authors[candidate.author_id] >= PER_AUTHOR:
            return False
        return not candidate.team or self.teams[candidate.team] < PER_TEAM

    def take(self, candidate: Candidate) -> None:
        self.authors[candidate.author_id] += 1
        if candidate.team:
            self.teams[candidate.team] += 1


def top(
    candidates: list[Candidate], *, week_end: datetime.datetime, limit: int = TOP_ITEMS
) -> list[Ranked]:
    """The best `limit` candidates, each author and team at most twice, best first."""
    ranked = sorted(
        (Ranked(candidate, score(candidate, week_end)) for candidate in candidates), key=order_key
    )
    caps = Caps()
    chosen: list[Ranked] = []
    for item in ranked:
        if len(chosen) == limit:
            break
        if caps.allows(item.candidate):
            caps.take(item.candidate)
            chosen.append(item)
    return chosen
