"""The company week: Monday to Sunday (ISO 8601) in the company's time zone.

Metric values, the home page's "this week" and the weekly digest all count by it, so a week has
one meaning everywhere: named by its Monday.
"""

import datetime
import re

from django.utils import timezone
from django.utils.formats import date_format

WEEK = datetime.timedelta(days=7)
EN_DASH = "\u2013"


def week_start(day: datetime.date) -> datetime.date:
    """The Monday starting the week a day falls in."""
    return day - datetime.timedelta(days=day.weekday())


def this_week() -> datetime.date:
    """The Monday of this week, today being today in the company's time zone."""
    return week_start(timezone.localdate())


def last_complete_week(today: datetime.date | None = None) -> datetime.date:
    """The Monday of the latest week that has ended (last week, whatever day today is)."""
    return week_start(today or timezone.localdate()) - WEEK


def week_name(week: datetime.date, *, today: datetime.date | None = None) -> str:
    """ "16 Nov", with the year when it is not this year's."""
    today = today or timezone.localdate()
    return date_format(week, "j M" if week.year == today.year else "j M Y")


# --- ISO weeks: how the weekly digest names, bounds and shows a week ------------------------------


class NotAWeek(ValueError):
    """Text that does not name an ISO week, such as "2026-W54"."""


def week_label(week: datetime.date) -> str:
    """The ISO week a Monday starts, as in the digest's address: "2026-W47"."""
    year, number, _ = week.isocalendar()
    return f"{year}-W{number:02d}"


def week_from_label(label: str) -> datetime.date:
    """The Monday of an ISO week named like "2026-W47"."""
    if not re.fullmatch(r"\d{4}-W\d{2}", label):
        raise NotAWeek(f"“{label[:20]}” is not a week: write it like 2026-W47.")
    try:
        monday = datetime.date.fromisoformat(f"{label}-1")
    except ValueError:
        raise NotAWeek(f"{label} is not a week of its year.") from None
    if week_label(monday) != label:
        raise NotAWeek(f"{label} is not a week of its year.")
    return monday


def week_span(week: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """When the week starts and the next one starts, in the company's time zone.

    Each end is midnight of its own Monday, localised separately, so weeks are contiguous and
    never overlap, even when the clocks change inside one (that week is an hour shorter or
    longer).
    """
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(week, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(week + WEEK, datetime.time.min, tzinfo=zone)
    return start, end


def week_dates(week: datetime.date) -> str:
    """The week's exact dates, with an en dash: 16-22 Nov 2026, 30 Nov - 6 Dec 2026, and
    28 Dec 2026 - 3 Jan 2027."""
    sunday = week + datetime.timedelta(days=6)
    if week.year != sunday.year:
        return f"{date_format(week, 'j M Y')} {EN_DASH} {date_format(sunday, 'j M Y')}"
    if week.month != sunday.month:
        return f"{date_format(week, 'j M')} {EN_DASH} {date_format(sunday, 'j M Y')}"
    return f"{week.day}{EN_DASH}{date_format(sunday, 'j M Y')}"
