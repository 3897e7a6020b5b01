"""Demo executive reports read like a real Leaders' corner: different leaders, days and lessons,
each insight with the action it suggests, filed some days after the conversation."""

from io import StringIO

import pytest
from django.core.management import call_command

from insightboard.demo.data.situations import REPORT_LESSONS
from stories.models import ExecutiveReport
from stories.selectors import kudos_stories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports() -> list[ExecutiveReport]:
    call_command("seed_demo", "--stories", "300", stdout=StringIO())
    return list(ExecutiveReport.objects.select_related("story"))


def test_it_files_reports_by_several_leaders_on_different_days(reports) -> None:
    assert len({report.story.author_id for report in reports}) >= 3
    assert len({report.story.created_at.date() for report in reports}) >= len(reports) - 1


def test_it_varies_what_the_reports_say(reports) -> None:
    lessons = [(report.insight, report.suggested_action) for report in reports]

    assert set(lessons) <= set(REPORT_LESSONS)  # each insight with its own action
    assert len(set(lessons)) >= min(len(reports), len(REPORT_LESSONS)) - 1


def test_it_files_each_report_after_the_conversation(reports) -> None:
    assert all(report.story.happened_on < report.story.created_at.date() for report in reports)


def test_it_has_a_few_kudos(reports) -> None:
    assert 3 <= kudos_stories().count() <= 10
