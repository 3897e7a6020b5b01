"""How far back and ahead a date someone types may be: one range per kind of date, checked by
every form, model, API and CSV import that takes one.

A story happened between the company's founding (INSIGHTBOARD_COMPANY_FOUNDED) and today; a
meeting or an action's due date is planned at most two years ahead; a metric's week is one of
the last five years' (or this one). Everything the pages compute from these dates (a series'
next occurrences, a week's Monday) then stays far inside what a calendar can hold.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from insightboard.weeks import week_start

PLANNING_YEARS = 2
METRIC_YEARS = 5


def company_founded() -> datetime.date:
    founded: datetime.date = settings.INSIGHTBOARD_COMPANY_FOUNDED
    return founded


def years_from(day: datetime.date, years: int) -> datetime.date:
    """The same day so many years later (or earlier); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_plan_day(today: datetime.date | None = None) -> datetime.date:
    """The furthest day a meeting or an action's due date may be planned for."""
    return years_from(today or timezone.localdate(), PLANNING_YEARS)


def planning_horizon() -> datetime.datetime:
    """The moment the planning range ends: nothing is scheduled, or listed as coming up, after."""
    day_after = latest_plan_day() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))


def earliest_metric_week(today: datetime.date | None = None) -> datetime.date:
    """The Monday of the oldest week a metric's value may be recorded for."""
    oldest = years_from(today or timezone.localdate(), -METRIC_YEARS)
    return week_start(max(oldest, company_founded()))


def day_name(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def founding_problem(day: datetime.date) -> str | None:
    founded = company_founded()
    if day < founded:
        return (
            f"{day_name(day)} is before the company was founded ({day_name(founded)}): "
            "check the year."
        )
    return None


def validate_happened_on(day: datetime.date) -> None:
    """A story has happened: not in the future, and not before the company existed."""
    today = timezone.localdate()
    if day > today:
        raise ValidationError(
            f"{day_name(day)} is in the future: a story is something that has happened, "
            "so give today or an earlier day.",
            code="future",
        )
    if problem := founding_problem(day):
        raise ValidationError(problem, code="before_founding")


def validate_plan_day(day: datetime.date) -> None:
    """A meeting's day or an action's due date: within the next two years, and not absurdly in
    the past (before the company existed)."""
    latest = latest_plan_day()
    if day > latest:
        raise ValidationError(
            f"{day_name(day)} is more than {PLANNING_YEARS} years ahead: choose a day up to "
            f"{day_name(latest)}.",
            code="too_far_ahead",
        )
    if problem := founding_problem(day):
        raise ValidationError(problem, code="before_founding")


def validate_plan_moment(moment: datetime.datetime) -> None:
    """A meeting's start or end, as validate_plan_day sees its day in the company's time zone."""
    try:
        day = timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    except OverflowError:
        day = datetime.date.max if moment.year > 1 else datetime.date.min
    validate_plan_day(day)


def validate_metric_week(week: datetime.date) -> None:
    """A metric's week (its Monday): this week or one of the last five years'."""
    today = timezone.localdate()
    if week > week_start(today):
        raise ValidationError(
            f"The week of {day_name(week)} has not started yet: "
            "record values for this week or an earlier one.",
            code="future",
        )
    earliest = earliest_metric_week(today)
    if week < earliest:
        raise ValidationError(
            f"The week of {day_name(week)} is too long ago: values go back to the week of "
            f"{day_name(earliest)} (the last {METRIC_YEARS} years, and not before the company "
            "was founded).",
            code="too_old",
        )
