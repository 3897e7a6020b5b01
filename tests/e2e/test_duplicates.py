"""Duplicates in a real browser: typing a known insight suggests it, "this is the same as" adds a
reaction instead of a story, and an admin merges two stories and undoes it."""

from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser, Group, Permission
from playwright.sync_api import Page, expect

from stories.models import Reaction, Sentiment, Story, StoryMerge
from tests.e2e.conftest import sign_in
from tests.people.factories import PersonFactory
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

KNOWN = "The export button is hidden on my phone"
TYPED = "Customer says the export button is hidden on the phone app"


def test_it_suggests_a_known_insight_and_records_same_as_instead_of_a_story(
    page: Page,
    live_server: Any,
    staff: AbstractUser,
    colleague: AbstractUser,
    console_errors: list[str],
) -> None:
    known = StoryFactory(author=colleague, title=KNOWN, sentiment=Sentiment.FRUSTRATION)
    StoryFactory(author=colleague, title="Onboarding call was lovely and quick")
    sign_in(page, live_server, staff.get_username())
    page.goto(f"{live_server.url}/stories/")
    page.evaluate("window.__insightboardStayed = true")

    page.get_by_role("banner").get_by_role("link", name="Log an insight").click()
    dialog = page.get_by_role("dialog", name="Log an insight")
    quote = dialog.get_by_label("What did the customer say?")
    quote.press_sequentially(TYPED, delay=5)

    suggestions = dialog.get_by_role("region", name="Already logged? 1 similar story")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("link", name=KNOWN)).to_have_attribute(
        "href", known.get_absolute_url()
    )
    expect(suggestions).to_contain_text("0 people hear this too")
    expect(suggestions).not_to_contain_text("Onboarding")

    suggestions.get_by_role("button", name="This is the same as").click()

    confirmation = dialog.get_by_role("status")
    expect(confirmation).to_contain_text("Noted: you hear this too — no new story was logged.")
    expect(confirmation.get_by_role("link", name=KNOWN)).to_have_attribute(
        "href", known.get_absolute_url()
    )
    # What they typed is still there if they close the dialog and come back to it.
    expect(quote).to_have_value(TYPED)
    assert page.evaluate("window.__insightboardStayed === true")
    assert Story.objects.count() == 2
    assert not Story.objects.filter(title=TYPED).exists()
    assert list(Reaction.objects.values_list("story", "person")) == [(known.pk, staff.pk)]
    assert console_errors == []


def test_it_works_as_a_plain_form_post_on_the_full_page(
    page: Page,
    live_server: Any,
    staff: AbstractUser,
    colleague: AbstractUser,
    console_errors: list[str],
) -> None:
    known = StoryFactory(author=colleague, title=KNOWN)
    sign_in(page, live_server, staff.get_username())
    page.goto(f"{live_server.url}/stories/new/")

    page.locator("main").get_by_label("What did the customer say?").fill("export button hidden")
    suggestions = page.locator("main").get_by_role("region", name="Already logged?")
    suggestions.get_by_role("button", name="This is the same as").click()

    expect(page).to_have_url(f"{live_server.url}{known.get_absolute_url()}")
    expect(page.get_by_text("Noted: you hear this too — no new story was logged.")).to_be_visible()
    expect(page.locator(".hear-too-count")).to_have_text("1 person hears this too")
    assert Story.objects.count() == 1
    assert Reaction.objects.filter(story=known, person=staff).count() == 1
    assert console_errors == []


def test_it_lets_an_admin_merge_a_duplicate_and_undo_it(
    page: Page,
    live_server: Any,
    colleague: AbstractUser,
    console_errors: list[str],
) -> None:
    # A transactional test flushes the roles the migration made; put the admins' one back.
    admins, _ = Group.objects.get_or_create(name="Admins")
    admins.permissions.add(Permission.objects.get(codename="manage_everything"))
    admin = PersonFactory(
        username="ada@example.com", profile__display_name="Ada Admin", roles=["Admins"]
    )
    kept = StoryFactory(author=colleague, title=KNOWN, tags=["mobile"])
    duplicate = StoryFactory(
        author=colleague, title="Export button hidden on phones", tags=["export"]
    )
    ReactionFactory(story=duplicate, person=colleague)
    sign_in(page, live_server, admin.get_username())

    page.goto(f"{live_server.url}{duplicate.get_absolute_url()}")
    page.get_by_role("link", name="Merge into another story…").click()
    page.get_by_role("link", name="Keep this one").click()
    preview = page.get_by_role("region", name="What will happen")
    expect(preview).to_contain_text("1 “we hear this too” moves")
    expect(preview).to_contain_text("Tags added to")
    preview.get_by_role("button", name=f"Merge #{duplicate.pk} into #{kept.pk}").click()

    expect(page.get_by_text(f"Merged #{duplicate.pk} into #{kept.pk}")).to_be_visible()
    assert Story.objects.get(pk=duplicate.pk).merged_into == kept
    assert sorted(kept.tags.values_list("name", flat=True)) == ["export", "mobile"]

    page.get_by_role("button", name="Undo").click()

    expect(page.get_by_text(f"Undone: #{duplicate.pk} is back on its own")).to_be_visible()
    assert Story.objects.get(pk=duplicate.pk).merged_into is None
    assert list(kept.tags.values_list("name", flat=True)) == ["mobile"]
    assert Reaction.objects.get().story == duplicate
    assert StoryMerge.objects.get().undone_at is not None
    assert console_errors == []
