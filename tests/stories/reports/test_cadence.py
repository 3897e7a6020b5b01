"""Leaders' cadence: who is on track and who is behind, in the Leaders' corner."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from stories.models import Visibility
from stories.reports.selectors import leaders_cadence
from tests.people.factories import PersonFactory
from tests.stories.reports.leaders import NOW, TODAY, leader, report_filed
from tests.test_settings import manage


def cadence_row(response, name: str) -> str:
    """The text of a leader's row in the Leaders' corner table."""
    text = response.text
    start = text.index(f'<th scope="row"><bdi>{name}</bdi></th>')
    return " ".join(text[start : text.index("</tr>", start)].split())


# --- The Leaders' corner ---------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_says_in_words_who_is_on_track_and_who_is_behind(alice_client, lena):
    report_filed(lena, days=10)
    report_filed(leader("Lee Late"), days=40)
    report_filed(leader("Dee Day"), days=31)
    leader("Nia New")

    response = alice_client.get(reverse("stories:leaders"))

    assert "The target for each leader: one report every 30 days." in response.text
    assert "On track" in cadence_row(response, "Lena Leader")
    assert 'next one due by <time datetime="2026-12-08">8 Dec</time>' in cadence_row(
        response, "Lena Leader"
    )
    assert "8 Nov 2026" in cadence_row(response, "Lena Leader")
    assert "Behind by 10 days" in cadence_row(response, "Lee Late")
    assert "Behind by 1 day</span>" in cadence_row(response, "Dee Day")
    assert "None yet" in cadence_row(response, "Nia New")
    assert "Behind: no report yet" in cadence_row(response, "Nia New")
    assert "One every 30 days" in cadence_row(response, "Nia New")


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_counts_the_last_day_of_the_period_as_on_track(lena):
    report_filed(lena, days=30)

    [cadence] = leaders_cadence(today=TODAY)

    assert (cadence.is_behind, cadence.days_left, cadence.due_on) == (False, 0, TODAY)


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_lists_role_holders_and_admins_who_filed_but_not_everyone(lena, alice, ada, hugo):
    leader("Gone Leader", is_active=False)
    admin_who_filed = PersonFactory(profile__display_name="Fay Founder", is_superuser=True)
    report_filed(admin_who_filed, days=3)
    report_filed(alice, days=2, story__visibility=Visibility.PRIVATE)

    names = [cadence.leader.profile.display_name for cadence in leaders_cadence(today=TODAY)]

    assert names == ["Fay Founder", "Lena Leader"]


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_follows_the_report_days_setting(alice_client, lena, settings):
    settings.INSIGHTBOARD_LEADER_REPORT_DAYS = 7
    report_filed(lena, days=10)

    response = alice_client.get(reverse("stories:leaders"))

    assert "one report every 7 days" in response.text
    assert "Behind by 3 days" in cadence_row(response, "Lena Leader")


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_counts_only_reports_shared_with_the_company(lena):
    report_filed(lena, days=5, story__visibility=Visibility.PRIVATE)
    report_filed(lena, days=50)

    [cadence] = leaders_cadence(today=TODAY)

    assert cadence.last_report_on == datetime.date(2026, 9, 29)
    assert cadence.behind_days == 20


def test_it_refuses_a_report_target_that_is_not_a_positive_number():
    for value in ("0", "monthly"):
        result = manage("check", INSIGHTBOARD_LEADER_REPORT_DAYS=value)

        assert result.returncode != 0
        assert "INSIGHTBOARD_LEADER_REPORT_DAYS" in result.stderr


def test_it_aims_for_a_report_a_month_by_default():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.INSIGHTBOARD_LEADER_REPORT_DAYS)",
    )

    assert result.stdout.strip().splitlines()[-1] == "30"
