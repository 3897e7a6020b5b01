"""How a digest's frozen contents read, in the email and on the archive page: each metric's
change in an arrow, a sign and words, its weeks as bars sized in pixels, and for the email every
text on one line and cut to a length that keeps a full week under Gmail's clipping size."""

import datetime
import re
from typing import Any

from django.utils.formats import date_format

MINUS = "\u2212"  # a true minus sign, as in print
# The email's bar charts are this many pixels high; a recorded week is never shorter than 2.
CHART_PIXELS = 40
NOT_RECORDED = "not recorded"  # what the builder writes for a week without a value
# The email is a summary with links: each free-text field is cut to this many characters, so a
# week of long stories still stays well under Gmail's 102 KB clipping limit.
EMAIL_LIMITS = {
    "title": 200,
    "story": 200,
    "excerpt": 220,
    "insight": 320,
    "action": 200,
    "what_made_it": 320,
    "meaning_for_us": 320,
    "spoke_with": 160,
    "customer": 160,
    "shout_out_to": 120,
    "author": 100,
    "owner": 100,
    "team": 100,
    "tag": 50,
    "name": 100,
}
VERDICT_WORDS = {"better": "better", "worse": "worse", "same": "no change"}


def change_shown(change: dict[str, str] | None) -> dict[str, str] | None:
    """A metric's change in an arrow, a sign and words, never in colour alone:
    "▲ +2.8 on the week before (56.1), +5.0%: worse"."""
    if change is None:
        return None
    verdict = VERDICT_WORDS.get(change["verdict"], change["verdict"])
    if change["verdict"] == "same" or change["sign"] == "±":
        figure, rest = "±0", "on the week before"
    else:
        # The builder words it "Up 2.8 on the week before (56.1), +5.0%": the arrow and the
        # sign already say up or down, so the word goes and the figure takes the sign.
        head, _, words = change["words"].partition(" ")
        if head not in ("Up", "Down"):
            words = change["words"]
        amount, found, tail = words.partition(" on the week before")
        figure = f"{change['sign']}{amount}" if found else change["sign"]
        rest = re.sub(r", -(?=\d)", f", {MINUS}", f"{found}{tail}".strip() or words)
    return {
        "arrow": change["arrow"],
        "figure": figure,
        "rest": rest,
        "verdict": verdict,
        "tone": change["verdict"],
        "text": f"{change['arrow']} {figure} {rest}: {verdict}",
    }


def bar_shown(bar: dict[str, Any], index: int) -> dict[str, Any]:
    """A week's bar with its height in pixels (of CHART_PIXELS) and where it sits in a chart
    of 10-pixel columns; a recorded week, even a zero, is never shorter than 2 pixels."""
    recorded = bar["text"] != NOT_RECORDED
    pixels = max(round(bar["height"] * CHART_PIXELS / 100), 2) if recorded else 0
    return bar | {
        "recorded": recorded,
        "pixels": pixels,
        "x": index * 10 + 1,
        "y": CHART_PIXELS - pixels + 1,
    }


def metric_shown(metric: dict[str, Any], monday: str) -> dict[str, Any]:
    entry = dict(metric)
    entry["delta"] = change_shown(metric.get("change"))
    value_week = metric.get("value_week")
    entry["stale"] = (
        date_format(datetime.date.fromisoformat(value_week), "j M")
        if value_week and monday and value_week != monday
        else ""
    )
    bars = [bar_shown(bar, index) for index, bar in enumerate(metric.get("bars", []))]
    entry["bars"] = bars
    entry["recorded"] = [bar for bar in bars if bar["recorded"]]
    entry["chart_width"] = len(bars) * 10
    entry["chart_height"] = CHART_PIXELS + 2
    return entry


def shown(contents: dict[str, Any]) -> dict[str, Any]:
    """The contents with the words and bar sizes that the email and the page show."""
    result = dict(contents)
    monday = contents.get("monday", "")
    result["metrics"] = [metric_shown(metric, monday) for metric in contents.get("metrics", [])]
    return result


def one_line(value: Any, key: str = "") -> Any:
    """Every text on one line (a title may hold line breaks) and cut to its email limit."""
    if isinstance(value, str):
        flat = " ".join(value.split())
        limit = EMAIL_LIMITS.get(key)
        if limit and len(flat) > limit:
            flat = f"{flat[: limit - 1].rstrip()}…"
        return flat
    if isinstance(value, dict):
        return {name: one_line(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [one_line(item, key) for item in value]
    return value


def for_email(contents: dict[str, Any]) -> dict[str, Any]:
    people = contents.get("people", {})
    result: dict[str, Any] = one_line(shown({**contents, "people": {}}))
    result["people"] = people
    return result
