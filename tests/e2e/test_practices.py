"""The practices in a real browser: an empathy exercise, an executive report in the Leaders'
corner, and the executive form kept for leaders even against a forged POST."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser, Group, Permission
from playwright.sync_api import Page, expect

from stories.models import EmpathyAnswers, ExecutiveReport, Kind, Story
from tests.e2e.conftest import sign_in
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADLINE = "Florists order at 5 am and nobody answers"


@pytest.fixture
def leader(transactional_db: None) -> AbstractUser:
    # A transactional test flushes the roles the migration made; put the leaders' one back.
    leaders, _ = Group.objects.get_or_create(name="Leaders")
    leaders.permissions.add(Permission.objects.get(codename="file_executive_reports"))
    return PersonFactory(
        username="lena@example.com", profile__display_name="Lena Leader", roles=["Leaders"]
    )


def test_it_lets_staff_share_an_empathy_exercise(
    page: Page, live_server: Any, staff: AbstractUser, console_errors: list[str]
) -> None:
    sign_in(page, live_server, staff.get_username())
    page.goto(f"{live_server.url}/stories/empathy/new/")
    form = page.get_by_role("main")
    expect(
        page.get_by_role("heading", name="Share a customer experience of your own")
    ).to_be_visible()

    # Half done: the page says what is missing and keeps what was typed.
    form.get_by_label("Which company or service was it?").fill("Monzo")
    form.get_by_label("Positive", exact=True).check()
    form.get_by_role("button", name="Share it").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing you typed was lost")
    expect(form.get_by_text("Say what made it good or bad.")).to_be_visible()
    expect(form.get_by_label("Which company or service was it?")).to_have_value("Monzo")
    expect(form.get_by_label("Positive", exact=True)).to_be_checked()
    assert not Story.objects.exists()

    form.get_by_label("What made it so?").fill("They fixed my card in two minutes, in the app.")
    form.get_by_label("Why did it stand out in your mind?").fill("My old bank took a week.")
    form.get_by_label("Yes, I would keep buying from them").check()
    form.get_by_label("What does it mean for our company?").fill("Our card swap takes 5 days.")
    form.get_by_label("A headline for it").fill("Monzo fixed my card in two minutes")
    form.get_by_role("button", name="Share it").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "“Monzo fixed my card in two minutes”"
    )
    expect(page.get_by_text("Thank you for sharing.")).to_be_visible()
    answers = page.get_by_role("region", name="Their experience as a customer")
    expect(answers).to_contain_text("What does it mean for our company?")
    expect(answers).to_contain_text("Our card swap takes 5 days.")
    story = Story.objects.get()
    assert (story.kind, story.sentiment) == (Kind.EMPATHY, "success")
    assert EmpathyAnswers.objects.get(story=story).company == "Monzo"
    assert console_errors == []


def test_it_lets_a_leader_file_a_report_that_appears_in_the_leaders_corner(
    page: Page,
    live_server: Any,
    leader: AbstractUser,
    colleague: AbstractUser,
    console_errors: list[str],
) -> None:
    sign_in(page, live_server, leader.get_username())
    page.goto(f"{live_server.url}/stories/leaders/")
    expect(page.get_by_text("Behind: no report yet")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="File a report").first.click()

    form = page.get_by_role("main")
    expect(page.get_by_role("heading", name="File an executive report")).to_be_visible()
    form.get_by_label("Who did you speak with?").fill("Three florists in Leeds")
    form.get_by_label("How many conversations?").fill("3")
    form.get_by_label("Customer visit").check()
    form.get_by_label("What did you hear?").fill(HEADLINE)
    form.get_by_label("Frustration").check()
    form.get_by_label("What is the usable insight?").fill("They order before support opens.")
    form.get_by_label("What do you suggest we do?").fill("Open the order line at 5 am")
    expect(form.get_by_label("Who should own the action?")).to_have_value(str(leader.pk))
    form.get_by_label("Who should own the action?").select_option(
        label="Cleo Colleague (cleo@example.com)"
    )
    form.get_by_role("button", name="File the report").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"“{HEADLINE}”")
    details = page.get_by_role("region", name=re.compile("own conversations"))
    expect(details).to_contain_text("Three florists in Leeds")
    expect(details).to_contain_text("Cleo Colleague")

    details.get_by_role("link", name="All reports in the Leaders' corner").click()
    reports = page.get_by_role("region", name="Reports, newest filed first")
    expect(reports.get_by_role("link", name=HEADLINE)).to_be_visible()
    expect(reports).to_contain_text("Lena Leader spoke with Three florists in Leeds")
    leader_row = page.get_by_role("row", name="Lena Leader")
    expect(leader_row).to_contain_text("On track")
    report = ExecutiveReport.objects.select_related("story").get()
    assert (report.story.author, report.action_owner) == (leader, colleague)
    assert console_errors == []


def test_it_keeps_the_executive_form_from_everyone_else(
    page: Page, live_server: Any, staff: AbstractUser, leader: AbstractUser
) -> None:
    sign_in(page, live_server, staff.get_username())

    page.goto(f"{live_server.url}/stories/leaders/")
    expect(page.get_by_role("link", name="File a report")).to_have_count(0)
    response = page.goto(f"{live_server.url}/stories/reports/new/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot do that here")).to_be_visible()

    # A forged POST with a good CSRF token (from a form this person may use) is still refused.
    page.goto(f"{live_server.url}/stories/empathy/new/")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    assert token
    forged = page.request.post(
        f"{live_server.url}/stories/reports/new/",
        form={
            "csrfmiddlewaretoken": token,
            "spoke_with": "Nobody",
            "conversations": "1",
            "place": "call",
            "title": "A forged report",
            "sentiment": "idea",
            "insight": "None",
            "suggested_action": "None",
            "action_owner": str(staff.pk),
        },
        max_redirects=0,
    )

    assert forged.status == 403
    assert "You cannot do that here" in forged.text()
    assert "CSRF verification failed" not in forged.text()
    assert not Story.objects.exists()
    assert not ExecutiveReport.objects.exists()
