"""What the meetings pages are sent, on a calendar frozen on the Wednesday before a meeting."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse

from meetings.models import Meeting

NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)  # a Wednesday
THURSDAY_MORNING = datetime.datetime(2026, 11, 19, 9, 30, tzinfo=datetime.UTC)
NEXT_THURSDAY_MORNING = THURSDAY_MORNING + datetime.timedelta(weeks=1)


def page(meeting: Meeting, **query: object) -> str:
    url = reverse("meetings:detail", args=[meeting.pk])
    return f"{url}?{urlencode(query)}" if query else url


def keep(client, meeting: Meeting, story_id: object, reason: str = "picked by a host"):
    return client.post(
        reverse("meetings:keep", args=[meeting.pk]),
        {"story_id": story_id, "reason": reason},
        follow=True,
    )


def series_fields(**overrides: object) -> dict[str, object]:
    return {
        "name": "Support weekly",
        "team": "Support",
        "cadence": "1",
        "starts_at": "09:30",
        "ends_at": "10:00",
        "first_day": "2026-11-19",  # a Thursday: the series meets on Thursdays
        "focus_tags": "refunds",
        **overrides,
    }


def one_off_fields(**overrides: object) -> dict[str, object]:
    return {
        "title": "Refunds deep dive",
        "starts_at": "2026-11-20T14:00",
        "ends_at": "2026-11-20T15:00",
        **overrides,
    }
