"""The digest builder: a week of stories, meetings and metrics, read through their selectors and
frozen into the plain data (`contents`) that the email, the archive page and every resend show.

It only reads, in a fixed number of queries whatever the number of stories and people, and it
fails loudly: a query that breaks stops the build, so no number is ever shown as 0 because its
query failed.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format

from insightboard.digest.ranking import Candidate, Ranked, top, why_it_is_here
from insightboard.digest.wording import change_words, verdict
from insightboard.metrics.numbers import amount
from insightboard.metrics.numbers import difference as difference_text
from insightboard.metrics.selectors import MetricOverview, metrics_overview
from insightboard.weeks import WEEK, week_dates, week_label, week_span
from meetings import selectors as meeting_reads
from stories import selectors as story_reads
from stories.models import Kind, Sentiment, Story

THEMES = 5
KUDOS = 5
CLOSED_LOOPS = 5
EXCERPT = 220
CHART_WEEKS = 8
MINUS = "\u2212"  # a true minus sign, as in print
RANKING_FIELDS = ("pk", "sentiment", "kind", "author_id", "author__profile__team", "created_at")


@dataclass(frozen=True)
class Week:
    monday: datetime.date
    start: datetime.datetime
    end: datetime.datetime

    @classmethod
    def of(cls, monday: datetime.date) -> "Week":
        start, end = week_span(monday)
        return cls(monday, start, end)

    @property
    def before(self) -> "Week":
        return Week.of(self.monday - WEEK)


def story_path(story_id: int) -> str:
    return reverse("stories:detail", args=[story_id])


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else f"{flat[: EXCERPT - 1].rstrip()}…"


# --- Top successes and frustrations --------------------------------------------------------------


def candidate_rows(week: Week) -> list[dict[str, Any]]:
    """Company-wide successes and frustrations logged, heard too or opening a meeting this week,
    with what ranking needs (and not their words: only the chosen few are read in full)."""
    also = story_reads.heard_in(week.start, week.end) | meeting_reads.stories_opening_in(
        week.start, week.end
    )
    active = story_reads.active_in(week.start, week.end, also=also).filter(
        sentiment__in=[Sentiment.SUCCESS, Sentiment.FRUSTRATION]
    )
    return list(
        story_reads.with_hearing_until(active, week.end)
        .order_by()
        .values(  # type: ignore[misc]  # heard_by is an annotation the type checker cannot see
            "pk",
            "sentiment",
            "kind",
            "author_id",
            "author__profile__team",
            "created_at",
            "heard_by",
        )
    )


def fresh_for_this_digest(
    rows: list[dict[str, Any]], week: Week, featured: dict[int, datetime.datetime]
) -> list[dict[str, Any]]:
    """Leave out stories an earlier digest featured, unless they were heard too or opened a
    meeting since."""
    again = [row["pk"] for row in rows if row["pk"] in featured]
    if not again:
        return rows
    heard = story_reads.heard_at_latest(again, week.end)
    opened = meeting_reads.opened_at_latest(again, week.end)
    stale = {
        story_id
        for story_id in again
        if max(
            heard.get(story_id, datetime.datetime.min.replace(tzinfo=datetime.UTC)),
            opened.get(story_id, datetime.datetime.min.replace(tzinfo=datetime.UTC)),
        )
        <= featured[story_id]
    }
    return [row for row in rows if row["pk"] not in stale]


def candidate_of(row: dict[str, Any], openings: dict[int, tuple[int, int]]) -> Candidate:
    meetings, resonated = openings.get(row["pk"], (0, 0))
    return Candidate(
        story_id=row["pk"],
        author_id=row["author_id"],
        team=row["author__profile__team"] or "",
        logged_at=row["created_at"],
        hear_too=row["heard_by"],
        meetings=meetings,
        resonated=resonated,
        leader_reported=row["kind"] == Kind.EXECUTIVE,
    )


def item_of(story: dict[str, Any], ranked: Ranked, hearing_teams: int) -> dict[str, Any]:
    customer = ", ".join(
        part for part in (story["customer_name"], story["customer_organisation"]) if part
    )
    return {
        "story_id": story["pk"],
        "title": story["title"],
        "excerpt": excerpt(story["body"]),
        "sentiment": story["sentiment"],
        "author": story["author__profile__display_name"] or story["author__email"],
        "team": story["author__profile__team"] or "",
        "customer": customer,
        "path": story_path(story["pk"]),
        "score": round(ranked.score, 2),
        "why": why_it_is_here(ranked.candidate, hearing_teams=hearing_teams),
    }


def top_stories(
    week: Week, featured: dict[int, datetime.datetime], *, told_in_full: set[int]
) -> dict[str, list[dict[str, Any]]]:
    """The top successes and frustrations; stories told in full further down (the week's
    leader's story and empathy story) are not listed twice."""
    rows = [
        row
        for row in fresh_for_this_digest(candidate_rows(week), week, featured)
        if row["pk"] not in told_in_full
    ]
    openings = meeting_reads.openings_until(week.end)
    chosen: dict[str, list[Ranked]] = {}
    for sentiment in (Sentiment.SUCCESS, Sentiment.FRUSTRATION):
        candidates = [candidate_of(row, openings) for row in rows if row["sentiment"] == sentiment]
        chosen[sentiment] = top(candidates, week_end=week.end)
    shown = [item.candidate.story_id for items in chosen.values() for item in items]
    teams = story_reads.hearing_teams(shown, week.end)
    stories = story_reads.stories_shown(shown)
    return {
        sentiment: [
            item_of(stories[item.candidate.story_id], item, teams.get(item.candidate.story_id, 0))
            for item in items
        ]
        for sentiment, items in chosen.items()
    }


# --- Themes, metrics, stories of the week ---------------------------------------------------------


def themes(week: Week) -> dict[str, list[dict[str, Any]]]:
    """The tags most mentioned in frustrations and in successes, with the change on last week."""
    now, before = (
        story_reads.tag_counts(week.start, week.end),
        story_reads.tag_counts(week.before.start, week.before.end),
    )
    leaders: dict[str, list[dict[str, Any]]] = {}
    for sentiment in (Sentiment.FRUSTRATION, Sentiment.SUCCESS):
        counts = Counter({tag: total for (kind, tag), total in now.items() if kind == sentiment})
        ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:THEMES]
        leaders[sentiment] = [
            {
                "tag": tag,
                "count": total,
                "change": change_words(total, before.get((sentiment, tag), 0)),
                "polarising": False,
            }
            for tag, total in ranked
        ]
    if leaders[Sentiment.FRUSTRATION] and leaders[Sentiment.SUCCESS]:
        top_tag = leaders[Sentiment.FRUSTRATION][0]["tag"]
        if top_tag == leaders[Sentiment.SUCCESS][0]["tag"]:
            for entries in leaders.values():
                entries[0]["polarising"] = True
    return leaders


def metric_entry(overview: MetricOverview) -> dict[str, Any]:
    metric, change = overview.metric, overview.change
    values = [week.value for week in overview.weeks if week.value is not None]
    high = max((abs(value) for value in values), default=0)
    bars = [
        {
            "week": week.week.isoformat(),
            "label": date_format(week.week, "j M"),
            "height": 0
            if week.value is None or not high
            else max(round(abs(week.value) / high * 100), 4),
            "text": "not recorded" if week.value is None else amount(week.value, metric.unit),
        }
        for week in overview.weeks
    ]
    entry: dict[str, Any] = {
        "name": metric.name,
        "value": overview.latest_text,
        "value_week": overview.latest.week.isoformat() if overview.latest else None,
        "bars": bars,
        "change": None,
    }
    if change is not None:
        arrow = {"up": "▲", "down": "▼", "flat": "="}[change.direction]
        sign = {"up": "+", "down": MINUS, "flat": "±"}[change.direction]
        difference = difference_text(change.absolute, metric.unit)
        entry["change"] = {
            "arrow": arrow,
            "sign": sign,
            "difference": f"{sign}{difference}" if change.absolute else "±0",
            "previous": overview.previous_text,
            "percent": None if change.percent is None else signed(change.percent),
            "words": overview.change_text,
            "verdict": change.verdict.value,
        }
    return entry


def signed(value: Decimal) -> str:
    """+5.0%, \u22121.6%: a true minus sign, and always a sign."""
    return f"{'+' if value >= 0 else MINUS}{abs(value)}%"


def story_of_kind(kind: str, week: Week) -> dict[str, Any] | None:
    story = story_reads.latest_logged(kind, week.start, week.end)
    if story is None:
        return None
    entry: dict[str, Any] = {
        "story_id": story.pk,
        "title": story.title,
        "excerpt": excerpt(story.body),
        "author": display(story),
        "path": story_path(story.pk),
    }
    report = getattr(story, "report", None)
    if kind == Kind.EXECUTIVE and report is not None:
        entry |= {
            "spoke_with": report.spoke_with,
            "insight": report.insight,
            "action": report.suggested_action,
        }
    answers = getattr(story, "empathy", None)
    if kind == Kind.EMPATHY and answers is not None:
        entry |= {
            "company": answers.company,
            "what_made_it": answers.what_made_it,
            "meaning_for_us": answers.meaning_for_us,
        }
    return entry


def display(story: Story) -> str:
    profile = getattr(story.author, "profile", None)
    return profile.display_name if profile and profile.display_name else story.author.email


def kudos(week: Week) -> list[dict[str, Any]]:
    return [
        {
            "story_id": story.pk,
            "title": story.title,
            "shout_out_to": story.shout_out_to,
            "author": display(story),
            "path": story_path(story.pk),
        }
        for story in story_reads.kudos_logged(week.start, week.end, limit=KUDOS)
    ]


def closed_loops(week: Week) -> list[dict[str, Any]]:
    """Actions finished this week that came out of a customer's story the company can see."""
    actions = meeting_reads.actions_done_in(week.start, week.end, limit=CLOSED_LOOPS * 2)
    # An action outlives its story (deleted since): only those still telling one are shown.
    told = [(action, action.story) for action in actions if action.story is not None]
    visible = story_reads.company_wide_ids([story.pk for _, story in told])
    return [
        {
            "story_id": story.pk,
            "story": story.title,
            "action": action.text,
            "owner": action.owner.profile.display_name if hasattr(action.owner, "profile") else "",
            "path": story_path(story.pk),
        }
        for action, story in told
        if story.pk in visible
    ][:CLOSED_LOOPS]


def ritual(week: Week) -> list[dict[str, Any]]:
    """Whether the practices happened, each figure against last week."""
    now, before = (
        story_reads.week_counts(week.start, week.end),
        story_reads.week_counts(week.before.start, week.before.end),
    )
    meetings, earlier = (
        meeting_reads.ritual_counts(week.start, week.end),
        meeting_reads.ritual_counts(week.before.start, week.before.end),
    )
    rows = [
        ("Meetings held", meetings.meetings_held, earlier.meetings_held),
        (
            "Opened with a customer insight",
            meetings.opened_with_insight,
            earlier.opened_with_insight,
        ),
        ("Insights logged", now.insights, before.insights),
        ("People contributing", now.contributors, before.contributors),
        ("Actions opened", meetings.actions_opened, earlier.actions_opened),
        ("Actions closed", meetings.actions_closed, earlier.actions_closed),
    ]
    return [
        {"label": label, "value": value, "before": last, "change": change_words(value, last)}
        for label, value, last in rows
    ] + [{"by_sentiment": now.by_sentiment, "before_by_sentiment": before.by_sentiment}]


def personal(week: Week) -> dict[str, dict[str, int]]:
    """Author id -> how their stories travelled this week (hear-too, meetings opened, actions)."""
    heard = story_reads.hear_too_received(week.start, week.end)
    reach = meeting_reads.reach_of_authors(week.start, week.end)
    return {
        str(author): {
            "hear_too": heard.get(author, 0),
            "meetings": reach.get(author, (0, 0))[0],
            "actions": reach.get(author, (0, 0))[1],
        }
        for author in heard.keys() | reach.keys()
    }


def build_digest(
    monday: datetime.date, *, featured: dict[int, datetime.datetime]
) -> dict[str, Any]:
    """Everything the week's digest shows, as plain data (dates as ISO text)."""
    week = Week.of(monday)
    report, empathy = story_of_kind(Kind.EXECUTIVE, week), story_of_kind(Kind.EMPATHY, week)
    told_in_full = {entry["story_id"] for entry in (report, empathy) if entry}
    stories = top_stories(week, featured, told_in_full=told_in_full)
    ritual_rows = ritual(week)
    counts = ritual_rows.pop()
    theme_lists = themes(week)
    return {
        "week": week_label(monday),
        "monday": monday.isoformat(),
        "dates": week_dates(monday),
        "verdict": verdict(counts["by_sentiment"], theme_lists),
        "counts": counts["by_sentiment"],
        "successes": stories[Sentiment.SUCCESS],
        "frustrations": stories[Sentiment.FRUSTRATION],
        "themes": theme_lists,
        "metrics": [
            metric_entry(overview) for overview in metrics_overview(weeks=CHART_WEEKS, until=monday)
        ],
        "report": report,
        "empathy": empathy,
        "kudos": kudos(week),
        "loop": closed_loops(week),
        "ritual": ritual_rows,
        "people": personal(week),
    }


def is_empty(contents: dict[str, Any]) -> bool:
    """Nothing logged, heard, held, opened or closed this week: nothing worth an email."""
    return not (
        sum(contents["counts"].values())
        or contents["successes"]
        or contents["frustrations"]
        or contents["loop"]
        or any(row["value"] for row in contents["ritual"])
    )
