import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from insightboard.people.roles import HOST_PERMISSION, is_admin, signed_in
from meetings.selectors import empathy_turns, home_meetings, open_actions
from stories.models import Sentiment, Story
from stories.selectors import reacted_story_ids

RECENT = 10


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    today = timezone.localdate()
    monday = week_start(today)
    visible = Story.objects.visible_to(person)
    this_week = visible.filter(happened_on__gte=monday)
    recent = list(visible.for_listing()[:RECENT])
    context = {
        # First: it creates any missing next occurrence, whose empathy sharer the turns read.
        "next_meetings": home_meetings(person),
        "empathy_turns": empathy_turns(person),
        "open_actions": open_actions(person),
        "can_set_up_meetings": person.has_perm(HOST_PERMISSION) or is_admin(person),
        "today": today,
        "recent": recent,
        "reacted": reacted_story_ids(person, recent),
        "week_start": monday,
        "successes_this_week": this_week.filter(sentiment=Sentiment.SUCCESS).count(),
        "frustrations_this_week": this_week.filter(sentiment=Sentiment.FRUSTRATION).count(),
    }
    return render(request, "home.html", context)
