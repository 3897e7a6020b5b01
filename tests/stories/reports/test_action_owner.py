"""Whoever a leader names as the owner of their report's suggested action is told, once, after
the report is saved: when it is filed, and when it is given to someone else later. A leader who
names themself is not emailed."""

import datetime
from contextlib import nullcontext

import pytest
from django.urls import reverse

from stories.models import ExecutiveReport, Story, Visibility
from stories.reports.tasks import notify_action_owner
from tests.stories.factories import ExecutiveReportFactory
from tests.stories.reports.test_views import report_answers

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
ACTION = "Open the order line at 5 am"
QUOTE = "We order at 5 am and nobody answers"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lenas_report(lena):
    """Lena filed a report and owns its action herself."""
    return ExecutiveReportFactory(
        story__author=lena, story__title=QUOTE, suggested_action=ACTION, action_owner=lena
    )


def file_report(client, owner, capture):
    with capture(execute=True):
        response = client.post(reverse("stories:report_create"), report_answers(owner))
    assert response.status_code == 302
    return ExecutiveReport.objects.select_related("story").get(story__title=QUOTE)


def edit_report(client, report, owner, capture=None, **changes: object):
    """Saved through the form; with `capture`, the tasks queued on commit run as they would."""
    with capture(execute=True) if capture else nullcontext():
        response = client.post(
            reverse("stories:report_edit", args=[report.story_id]),
            report_answers(owner, **changes),
        )
    assert response.status_code == 302


def test_it_tells_the_owner_a_leader_names_when_filing(
    lena_client, bob, mailoutbox, django_capture_on_commit_callbacks
):
    report = file_report(lena_client, bob, django_capture_on_commit_callbacks)

    [email] = mailoutbox
    assert email.to == ["bob@example.com"]
    assert "Lena Leader" in email.subject
    assert ACTION in email.subject
    assert "Hello \u2068Bob Staff\u2069" in email.body
    assert ACTION in email.body
    story_url = f"http://127.0.0.1:8000{report.story.get_absolute_url()}"
    assert story_url in email.body
    html = str(email.alternatives[0].content)
    assert ACTION in html
    assert f'href="{story_url}"' in html
    assert ExecutiveReport.objects.get(pk=report.pk).owner_notified_at == NOW


def test_it_tells_the_owner_once_however_often_the_task_runs(
    lena_client, lena, bob, mailoutbox, django_capture_on_commit_callbacks
):
    report = file_report(lena_client, bob, django_capture_on_commit_callbacks)

    # A redelivered task (or a retry after the send had in fact gone) finds it claimed.
    again = notify_action_owner.apply(args=[report.pk, bob.pk, lena.pk], throw=False)

    assert again.result is False
    assert [email.to for email in mailoutbox] == [["bob@example.com"]]


def test_it_sends_nothing_when_the_leader_names_themself(
    lena_client, lena, mailoutbox, django_capture_on_commit_callbacks
):
    report = file_report(lena_client, lena, django_capture_on_commit_callbacks)

    assert mailoutbox == []
    assert ExecutiveReport.objects.get(pk=report.pk).owner_notified_at is None


def test_it_tells_the_new_owner_when_the_report_is_edited_to_name_them(
    lena_client, bob, lenas_report, mailoutbox, django_capture_on_commit_callbacks
):
    edit_report(lena_client, lenas_report, bob, django_capture_on_commit_callbacks)

    [email] = mailoutbox
    assert email.to == ["bob@example.com"]
    assert ACTION in email.body


def test_it_tells_each_new_owner_in_turn_and_nobody_twice(
    lena_client, alice, bob, lenas_report, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    edit_report(lena_client, lenas_report, bob, capture)
    edit_report(lena_client, lenas_report, bob, capture, insight="Typo fixed, same owner.")
    edit_report(lena_client, lenas_report, alice, capture)
    edit_report(lena_client, lenas_report, bob, capture)

    assert [email.to for email in mailoutbox] == [
        ["bob@example.com"],
        ["alice@example.com"],
        ["bob@example.com"],
    ]


def test_it_does_not_tell_someone_the_action_went_on_from_before_the_email_went(
    lena_client, lena, alice, bob, lenas_report, mailoutbox, django_capture_on_commit_callbacks
):
    # Given to bob, then to alice, before any worker ran.
    edit_report(lena_client, lenas_report, bob)
    edit_report(lena_client, lenas_report, alice, django_capture_on_commit_callbacks)
    late = notify_action_owner.apply(args=[lenas_report.pk, bob.pk, lena.pk], throw=False)

    assert late.result is False
    assert [email.to for email in mailoutbox] == [["alice@example.com"]]


def test_it_does_not_tell_an_admin_who_names_themself(
    ada_client, ada, lenas_report, mailoutbox, django_capture_on_commit_callbacks
):
    edit_report(ada_client, lenas_report, ada, django_capture_on_commit_callbacks)

    assert mailoutbox == []


def test_it_says_who_named_them_when_an_admin_corrects_the_report(
    ada_client, bob, lenas_report, mailoutbox, django_capture_on_commit_callbacks
):
    edit_report(ada_client, lenas_report, bob, django_capture_on_commit_callbacks)

    [email] = mailoutbox
    assert "\u2068Ada Admin\u2069 named you the owner of the action \u2068Lena Leader" in email.body


def test_it_shows_no_story_the_owner_may_not_see(
    lena_client, bob, lenas_report, mailoutbox, django_capture_on_commit_callbacks
):
    Story.objects.filter(pk=lenas_report.story_id).update(visibility=Visibility.PRIVATE)

    edit_report(lena_client, lenas_report, bob, django_capture_on_commit_callbacks)

    [email] = mailoutbox
    html = str(email.alternatives[0].content)
    assert ACTION in email.body
    for text in (email.subject, email.body, html):
        assert QUOTE not in text
        assert lenas_report.story.get_absolute_url() not in text


def test_it_tells_the_new_owner_when_an_admin_changes_it_in_the_admin(
    ada_client, bob, lenas_report, mailoutbox, django_capture_on_commit_callbacks
):
    fields = {
        "story": lenas_report.story_id,
        "spoke_with": lenas_report.spoke_with,
        "conversations": lenas_report.conversations,
        "place": lenas_report.place,
        "insight": lenas_report.insight,
        "suggested_action": ACTION,
        "action_owner": bob.pk,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = ada_client.post(
            reverse("admin:stories_executivereport_change", args=[lenas_report.pk]), fields
        )

    assert response.status_code == 302
    assert [email.to for email in mailoutbox] == [["bob@example.com"]]
