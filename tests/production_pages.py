"""Renders the main pages as production would and prints, as JSON, what each one answered.

Settings are read once, at import, so this runs in a process of its own, started by
tests/test_production.py with DJANGO_DEBUG=false and a throwaway database:
`python -m tests.production_pages`. It migrates that database, collects the static files into
STATIC_ROOT as a deploy does, fills in a little of everything and asks for each page over HTTPS.
"""

import json
import os
import re
from typing import Any

import django

# A static file referenced by a page, as in src="/static/js/insightboard.4f1e2c3b5a6d.js".
STATIC_REFERENCE = re.compile(r"""(?:src|href)=["'](/static/[^"']+)["']""")


# What only a debug page, or an error page that is not ours, would show.
LEAKS = ("Traceback", "DEBUG", "CSRF verification", "Request Method")


def answer(response: Any) -> dict[str, Any]:
    text = response.content.decode()
    return {
        "status": response.status_code,
        "static": STATIC_REFERENCE.findall(text),
        "leaks": [word for word in LEAKS if word in text],
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insightboard.settings")
    django.setup()

    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from stories.models import Sentiment
    from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
    from tests.metrics.factories import THIS_WEEK, MetricFactory, MetricValueFactory
    from tests.people.factories import PersonFactory
    from tests.stories.factories import ExecutiveReportFactory, ReactionFactory, StoryFactory

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    host = PersonFactory(username="hugo@example.com", roles=["Hosts"])
    story = StoryFactory(
        author=host, sentiment=Sentiment.SUCCESS, shout_out_to="Priya", tags=["refunds"]
    )
    ReactionFactory(story=story)
    ExecutiveReportFactory(story__author=PersonFactory(roles=["Leaders"]))
    MetricValueFactory(metric=MetricFactory(unit="%"), week=THIS_WEEK)
    meeting = MeetingFactory(series=SeriesFactory(hosts=[host]))
    OpenerFactory(meeting=meeting, story=story, kept_by=host)

    signed_in = Client()
    signed_in.force_login(host)
    pages = {
        "home": (signed_in, reverse("home")),
        "insights": (signed_in, reverse("stories:list")),
        "a story": (signed_in, story.get_absolute_url()),
        "kudos": (signed_in, reverse("stories:kudos")),
        "leaders": (signed_in, reverse("stories:leaders")),
        "metrics": (signed_in, reverse("metrics:list")),
        "meetings": (signed_in, reverse("meetings:list")),
        "a meeting": (signed_in, reverse("meetings:detail", args=[meeting.pk])),
        "profile": (signed_in, reverse("profile")),
        "sign-in": (Client(), reverse("login")),
        "a missing page": (signed_in, "/no-such-page/"),
        "sign-out by link": (signed_in, reverse("logout")),
    }
    answers = {}
    for name, (client, path) in pages.items():
        answers[name] = answer(client.get(path, secure=True))
    # Error pages met without a GET: a form too large to read, and a form with no token.
    refusals = {
        "an oversized form": (signed_in, {"title": "Long", "body": "x" * 3_000_000}),
        "a form without its token": (Client(enforce_csrf_checks=True), {"title": "Hi"}),
    }
    for name, (client, form) in refusals.items():
        answers[name] = answer(client.post(reverse("stories:create"), form, secure=True))
    # Each file the pages reference, as WhiteNoise serves it from what collectstatic wrote.
    files = sorted({url for answer in answers.values() for url in answer["static"]})
    served = {}
    for url in files:
        response = Client().get(url, secure=True)
        served[url] = {"status": response.status_code, "cache": response.get("Cache-Control")}
    print(json.dumps({"pages": answers, "static files": served}))


if __name__ == "__main__":
    main()
