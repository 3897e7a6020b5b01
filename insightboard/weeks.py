"""The company week: Monday to Sunday (ISO 8601) in the company's time zone.

Metric values, the home page's "this week" and the weekly digest all count by it, so a week has
one meaning everywhere: named by its Monday.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

WEEK = datetime.timedelta(days=7)


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
