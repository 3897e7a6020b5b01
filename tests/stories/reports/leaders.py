"""Leaders as the corner and its reminders see them, on a calendar frozen on a Wednesday."""

import datetime

from tests.people.factories import PersonFactory
from tests.stories.factories import ExecutiveReportFactory

# A Wednesday noon; with the default target a leader is due 30 days after their last report.
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def days_ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def report_filed(leader, days: int, **kwargs):
    return ExecutiveReportFactory(story__author=leader, story__created_at=days_ago(days), **kwargs)


def leader(name: str, **kwargs):
    return PersonFactory(
        username=f"{name.split()[0].lower()}@example.com",
        profile__display_name=name,
        roles=["Leaders"],
        **kwargs,
    )
