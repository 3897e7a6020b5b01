"""The digest's words: the one-line verdict, changes on last week, each reader's own line.

A change always has a sign and a word ("+3, up from 5"), never a colour alone, and a figure with
nothing to compare with says so instead of claiming "+100%".
"""

from collections import Counter
from typing import Any

from insightboard.people.templatetags.people import isolated_text


def plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def change_words(now: int, before: int) -> str:
    """ "+3, up from 5", "−2, down from 7", "±0, as last week" (a true minus sign)."""  # noqa: RUF002
    difference = now - before
    if difference > 0:
        return f"+{difference}, up from {before}"
    if difference < 0:
        return f"\u2212{-difference}, down from {before}"
    return "±0, as last week"


def verdict(by_sentiment: dict[str, int], themes: dict[str, list[dict[str, Any]]]) -> str:
    """ "More frustrations than successes this week; checkout leads"."""
    successes = by_sentiment.get("success", 0)
    frustrations = by_sentiment.get("frustration", 0)
    if not successes and not frustrations:
        balance = "No successes or frustrations logged this week"
    elif frustrations > successes:
        balance = "More frustrations than successes this week"
    elif successes > frustrations:
        balance = "More successes than frustrations this week"
    else:
        balance = "As many successes as frustrations this week"
    mentions: Counter[str] = Counter()
    for entries in themes.values():
        for entry in entries:
            mentions[entry["tag"]] += entry["count"]
    if not mentions:
        return balance
    # The most mentioned tag; alphabetical among equals, so the line is the same every time.
    leading = min(mentions, key=lambda tag: (-mentions[tag], tag))
    # A tag is typed by people: isolated, so right-to-left text in it keeps to itself.
    return f"{balance}; {isolated_text(leading)} leads"


def personal_line(stats: dict[str, int] | None) -> str:
    """How a reader's own insights travelled this week, or an invitation to log one."""
    if not stats or not any(stats.values()):
        return (
            "None of your insights travelled this week. Heard something from a customer? "
            "Log it: it takes ten seconds."
        )
    parts = []
    if stats.get("hear_too"):
        parts.append(f"{plural(stats['hear_too'], 'colleague heard', 'colleagues heard')} them too")
    if stats.get("meetings"):
        parts.append(f"they opened {plural(stats['meetings'], 'meeting', 'meetings')}")
    if stats.get("actions"):
        parts.append(f"{plural(stats['actions'], 'action', 'actions')} came out of them")
    return "Your insights this week: " + ", ".join(parts) + "."
