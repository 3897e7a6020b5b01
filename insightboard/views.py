"""The home page: what a person needs this week, from stories and meetings."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from insightboard.people.roles import signed_in
from insightboard.weeks import week_start
from meetings.permissions import may_set_up_meetings
from meetings.schedule import series_upcoming_ensure
from meetings.selectors import empathy_turns, home_meetings, open_actions, series_of_person
from stories.cards import card_rows, story_cards_ready
from stories.models import Sentiment, Story
from stories.selectors import reacted_story_ids

RECENT = 10


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    today = timezone.localdate()
    monday = week_start(today)
    # The next meeting of each series, and its empathy sharer, exist before they are read.
    series_upcoming_ensure(series_list=series_of_person(person))
    visible = Story.objects.visible_to(person)
    this_week = visible.filter(happened_on__gte=monday)
    recent = list(card_rows(visible)[:RECENT])
    context = {
        "next_meetings": home_meetings(person),
        "empathy_turns": empathy_turns(person),
        "open_actions": open_actions(person),
        "can_set_up_meetings": may_set_up_meetings(person),
        "today": today,
        "recent": recent,
        "reacted": reacted_story_ids(person, recent),
        "week_start": monday,
        "successes_this_week": this_week.filter(sentiment=Sentiment.SUCCESS).count(),
        "frustrations_this_week": this_week.filter(sentiment=Sentiment.FRUSTRATION).count(),
    }
    story_cards_ready(recent)
    return render(request, "home.html", context)
