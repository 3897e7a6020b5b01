"""What a person notices in their first session: the header, dates in the Leaders' corner, help
text that is valid HTML, machine-readable times, and present mode's customer names."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from insightboard.people.templatetags.people import iso_datetime
from insightboard.people.tokens import api_token_create
from stories.merging.services import story_merge
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.stories.factories import ExecutiveReportFactory, StoryFactory

pytestmark = pytest.mark.django_db


def admin_menu(text: str) -> str:
    start = text.index(
        '<details class="drop-menu">\n                      <summary>Admin</summary>'
    )
    return text[start : text.index("</details>", start)]


def test_it_groups_the_admin_links_under_one_menu(ada_client):
    response = ada_client.get(reverse("home"))

    menu = admin_menu(response.text)
    for link in ("invite", "stories:merge", "digest:manage", "admin:index"):
        assert f'href="{reverse(link)}"' in menu
    assert "Django admin" in menu


def test_it_shows_no_admin_menu_to_staff(alice_client):
    response = alice_client.get(reverse("home"))

    assert "<summary>Admin</summary>" not in response.text
    assert reverse("admin:index") not in response.text
    assert reverse("invite") not in response.text


def test_it_keeps_a_long_name_whole_in_the_header_title(alice, alice_client):
    alice.profile.display_name = "Alexandra Konstantinopoulou-Vanderbilt"
    alice.profile.save()

    response = alice_client.get(reverse("home"))

    assert (
        '<span class="person-label" title="Alexandra Konstantinopoulou-Vanderbilt">'
        "<bdi>Alexandra Konstantinopoulou-Vanderbilt</bdi></span>"
    ) in response.text


def test_it_folds_the_links_under_a_menu_that_needs_no_javascript(alice_client):
    text = alice_client.get(reverse("stories:kudos")).text

    menu = text[
        text.index('<details class="site-menu">') : text.index(
            '<a class="button primary log-insight"'
        )
    ]
    assert '<summary class="site-menu-toggle">Menu</summary>' in menu
    assert f'<a href="{reverse("stories:kudos")}" aria-current="page">Kudos</a>' in menu


def test_it_names_both_dates_of_a_report_in_the_leaders_corner(alice_client, lena):
    filed = timezone.make_aware(datetime.datetime(2026, 11, 3, 10, 0))
    ExecutiveReportFactory(
        story__author=lena, story__created_at=filed, story__happened_on=datetime.date(2026, 10, 28)
    )

    response = alice_client.get(reverse("stories:leaders"))

    text = " ".join(response.text.split())
    assert 'Filed <time datetime="2026-11-03T10:00:00' in text
    assert '3 Nov 2026</time> · Heard <time datetime="2026-10-28">28 Oct 2026</time>' in text
    assert '<th scope="col">Last filed</th>' in text
    assert "Reports, newest filed first" in text


def test_it_sorts_the_corner_by_filing_not_by_conversation(alice_client, lena):
    now = timezone.now()
    ExecutiveReportFactory(
        story__author=lena,
        story__title="Filed first, heard last",
        story__created_at=now - datetime.timedelta(days=5),
        story__happened_on=now.date(),
    )
    ExecutiveReportFactory(
        story__author=lena,
        story__title="Filed last, heard first",
        story__created_at=now,
        story__happened_on=now.date() - datetime.timedelta(days=20),
    )

    rows = alice_client.get(reverse("stories:leaders")).context["page"].rows

    assert [story.title for story in rows] == ["Filed last, heard first", "Filed first, heard last"]


def test_it_never_wraps_a_help_list_in_a_paragraph(alice_client):
    # The password rules are a list (Django's own help for new passwords).
    response = alice_client.get(reverse("password_change"))

    text = response.text
    help_block = text[text.index('<div class="help" id="id_new_password1_helptext">') :]
    assert help_block.split(">", 1)[1].lstrip().startswith("<ul>")
    assert '<p class="help"' not in text


def test_it_writes_times_for_machines_to_the_second():
    moment = datetime.datetime(2026, 11, 3, 10, 0, 5, 123456, tzinfo=datetime.UTC)

    assert iso_datetime(moment) == "2026-11-03T10:00:05+00:00"
    assert iso_datetime(None) == ""


@pytest.mark.parametrize("url_name", ["profile", "stories:merge"])
def test_it_shows_no_microseconds_in_a_time_attribute(ada, ada_client, url_name):
    api_token_create(person=ada, name="Laptop")
    story_merge(source=StoryFactory(), target=StoryFactory(), merged_by=ada)

    response = ada_client.get(reverse(url_name))

    assert '<time datetime="' in response.text
    assert ".000" not in response.text
    for attribute in response.text.split('<time datetime="')[1:]:
        value = attribute.split('"', 1)[0]
        assert "." not in value, value


def test_present_mode_names_what_the_names_button_does(hugo, hugo_client):
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]))
    OpenerFactory(meeting=meeting, story=StoryFactory(customer_name="Ada"), kept_by=hugo)
    url = reverse("meetings:present", args=[meeting.pk])

    shown = hugo_client.get(url).text
    hidden = hugo_client.get(url, {"anonymous": "1"}).text

    assert ">Hide customer names</a>" in shown
    assert ">Show customer names</a>" in hidden
    assert '<dt class="customer-name">Customer</dt>' in hidden
