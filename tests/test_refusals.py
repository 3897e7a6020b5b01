"""Only show what a person can do, on every page with a control some people may not use: the one
who may not use it does not see it, the one who may does, and if the first gets there anyway
(an old link, a forged form) the refusal says the real reason."""

from dataclasses import dataclass
from html import unescape

import pytest
from django.urls import reverse

from insightboard.people.roles import ADMIN_REFUSAL
from tests.conftest import client_for
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Control:
    page: str  # where the control is shown
    target: str  # where it leads (its link or form action)
    refused: str  # who may not use it
    allowed: str  # who may
    reason: str  # what the refusal says


def controls(story_id: int) -> dict[str, Control]:
    story = reverse("stories:detail", args=[story_id])
    return {
        "edit a story": Control(
            story,
            reverse("stories:edit", args=[story_id]),
            refused="bob",
            allowed="alice",
            reason="Only the author or an admin can change this story.",
        ),
        "delete a story": Control(
            story,
            reverse("stories:delete", args=[story_id]),
            refused="bob",
            allowed="alice",
            reason="Only the author or an admin can change this story.",
        ),
        "merge a story": Control(
            story,
            reverse("stories:merge"),
            refused="alice",
            allowed="ada",
            reason=ADMIN_REFUSAL,
        ),
        "add a metric": Control(
            reverse("metrics:list"),
            reverse("metrics:create"),
            refused="alice",
            allowed="ada",
            reason=ADMIN_REFUSAL,
        ),
        "file a report": Control(
            reverse("stories:leaders"),
            reverse("stories:report_create"),
            refused="alice",
            allowed="lena",
            reason="Only leaders and admins file executive reports.",
        ),
        "send the digest": Control(
            reverse("digest:archive"),
            reverse("digest:manage"),
            refused="lena",
            allowed="ada",
            reason="Only admins can preview and send the digest",
        ),
        "invite people": Control(
            reverse("home"),
            reverse("invite"),
            refused="hugo",
            allowed="ada",
            reason=ADMIN_REFUSAL,
        ),
        "set up a meeting": Control(
            reverse("meetings:list"),
            reverse("meetings:series_create"),
            refused="alice",
            allowed="hugo",
            reason="Only hosts and admins can set up meetings.",
        ),
    }


CONTROLS = list(controls(0))


@pytest.mark.parametrize("name", CONTROLS)
def test_it_shows_a_control_only_to_those_who_may_use_it(request, name, alice):
    control = controls(StoryFactory(author=alice).pk)[name]
    refused = client_for(request.getfixturevalue(control.refused))
    allowed = client_for(request.getfixturevalue(control.allowed))

    assert f'href="{control.target}' not in refused.get(control.page).text
    assert f'href="{control.target}' in allowed.get(control.page).text


@pytest.mark.parametrize("name", CONTROLS)
def test_it_says_the_real_reason_when_refusing(request, name, alice):
    control = controls(StoryFactory(author=alice).pk)[name]
    refused = client_for(request.getfixturevalue(control.refused))

    response = refused.get(control.target)

    assert response.status_code == 403
    assert "You cannot do that here" in response.text
    assert control.reason in unescape(response.text)
