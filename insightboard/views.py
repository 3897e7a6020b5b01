import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from insightboard.people.roles import signed_in
from stories.models import Sentiment, Story
from stories.selectors import reacted_story_ids

RECENT = 10


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    monday = week_start(timezone.localdate())
    visible = Story.objects.visible_to(request.user)
    this_week = visible.filter(happened_on__gte=monday)
    recent = list(visible.for_listing()[:RECENT])
    context = {
        "recent": recent,
        "reacted": reacted_story_ids(signed_in(request), recent),
        "week_start": monday,
        "successes_this_week": this_week.filter(sentiment=Sentiment.SUCCESS).count(),
        "frustrations_this_week": this_week.filter(sentiment=Sentiment.FRUSTRATION).count(),
    }
    return render(request, "home.html", context)
