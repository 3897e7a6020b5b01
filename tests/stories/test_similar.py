"""While someone types an insight, the ones already logged like it appear beneath the form, and
"this is the same as" adds a "we hear this too" instead of a second story."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stories.forms import QuickStoryForm, StoryForm
from stories.models import Reaction, Story, Visibility
from stories.search import meaningful_words
from stories.selectors import similar_stories
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db

INVOICES = "I could not find where to download my invoices"


def titles(text: str, **kwargs: int) -> list[str]:
    return [story.title for story in similar_stories(text, **kwargs)[:5]]


def suggest(client, text: str, *, quick: bool = False):
    return client.get(reverse("stories:similar"), {"quick-title" if quick else "title": text})


# --- Finding them --------------------------------------------------------------------------------


def test_it_ranks_the_story_sharing_the_most_words_first(bob):
    StoryFactory(author=bob, title="Lovely onboarding call with the new team")
    StoryFactory(author=bob, title="The invoices page is slow in the afternoon")
    StoryFactory(author=bob, title=INVOICES)
    StoryFactory(author=bob, title="Checkout froze twice this week")

    assert titles("Customers cannot download their invoices") == [
        INVOICES,
        "The invoices page is slow in the afternoon",
    ]


def test_it_ranks_a_match_in_the_quote_above_one_in_the_detail(bob):
    StoryFactory(author=bob, title="A long call about many things", body="Refunds are slow.")
    StoryFactory(author=bob, title="Refunds take three weeks to arrive")

    assert titles("refunds") == [
        "Refunds take three weeks to arrive",
        "A long call about many things",
    ]


def test_it_finds_a_word_before_it_is_finished(bob):
    StoryFactory(author=bob, title=INVOICES)

    assert titles("where are my invoi") == [INVOICES]


def test_it_finds_other_forms_of_a_word(bob):
    StoryFactory(author=bob, title="The invoice total was wrong")

    assert titles("invoices are wrong ") == ["The invoice total was wrong"]


@pytest.mark.parametrize("text", ["", "   ", "hi", "a b", "to the", "of it is", "!!!", "é"])
def test_it_suggests_nothing_for_fewer_than_three_meaningful_characters(bob, text):
    StoryFactory(author=bob, title="Hi there, this is about the billing of it")

    assert titles(text) == []


def test_it_keeps_the_words_that_carry_meaning():
    assert meaningful_words("I could NOT find the Invoices, the invoices!") == ["find", "invoices"]


def test_it_suggests_only_company_wide_stories_that_are_not_merged(alice, bob):
    kept = StoryFactory(author=bob, title="Refunds are slow")
    StoryFactory(author=bob, title="Refunds are slow, private", visibility=Visibility.PRIVATE)
    StoryFactory(author=alice, title="Refunds are slow, mine", visibility=Visibility.PRIVATE)
    StoryFactory(author=bob, title="Refunds are slow, merged", merged_into=kept)

    assert titles("refunds slow") == ["Refunds are slow"]


def test_it_leaves_out_the_story_it_is_asked_about(bob):
    story = StoryFactory(author=bob, title="Refunds are slow")
    StoryFactory(author=bob, title="Refunds are slow again")

    assert titles(story.title, exclude=story.pk) == ["Refunds are slow again"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=80))
def test_it_never_fails_whatever_is_typed(alice_client, text):
    response = suggest(alice_client, text)

    assert response.status_code == 200


# --- The partial beneath the form ----------------------------------------------------------------


def test_it_shows_at_most_five_suggestions_with_their_reactions(alice_client, bob, hugo, lena):
    stories = [StoryFactory(author=bob, title=f"Refunds are slow, case {n}") for n in range(7)]
    ReactionFactory(story=stories[-1], person=hugo)
    ReactionFactory(story=stories[-1], person=lena)

    response = suggest(alice_client, "refunds slow")

    assert len(response.context["stories"]) == 5
    assert response.text.count("This is the same as") == 5
    assert "2 people hear this too" in response.text
    assert "0 people hear this too" in response.text


def test_it_says_when_the_person_already_hears_it_too(alice, alice_client, bob):
    story = StoryFactory(author=bob, title="Refunds are slow")
    ReactionFactory(story=story, person=alice)

    response = suggest(alice_client, "refunds")

    assert "1 person hears this too, you among them" in response.text


def test_it_sends_nothing_for_a_short_or_unmatched_text(alice_client, bob):
    StoryFactory(author=bob, title="Refunds are slow")

    assert suggest(alice_client, "re").text.strip() == ""
    assert suggest(alice_client, "zebrafish").text.strip() == ""


def test_it_reads_the_quick_capture_box_and_answers_inside_its_dialog(alice_client, bob):
    story = StoryFactory(author=bob, title="Refunds are slow")

    quick = suggest(alice_client, "refunds", quick=True).text
    full = suggest(alice_client, "refunds").text

    same_as = reverse("stories:same_as", args=[story.pk])
    # Outside the forms, each button sends its own form's fields (what was typed) to "same as".
    assert 'form="quick-capture-form"' in quick
    assert 'form="story-form"' in full
    assert f'formaction="{same_as}"' in quick
    assert f'hx-post="{same_as}"' in quick
    assert 'hx-target="#quick-capture-body"' in quick
    assert 'id="quick-similar-heading"' in quick
    # The full form's button is a plain submit: the page goes to the story with a message.
    assert f'formaction="{same_as}"' in full
    assert "hx-post" not in full


def test_it_escapes_what_customers_said(alice_client, bob):
    StoryFactory(author=bob, title="<script>alert('refund')</script> refund please")

    response = suggest(alice_client, "refund")

    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize("count", [1, 50])
def test_it_suggests_in_constant_queries(
    alice, alice_client, bob, django_assert_num_queries, count
):
    for n in range(count):
        story = StoryFactory(author=bob, title=f"Refunds are slow, case {n}")
        ReactionFactory(story=story, person=alice)

    # Session, person, the suggestions with their counts, which of them she hears too.
    with django_assert_num_queries(4):
        response = suggest(alice_client, "refunds are slow")

    assert len(response.context["stories"]) == min(count, 5)


def test_it_asks_the_database_nothing_for_too_little_text(alice_client, django_assert_num_queries):
    with django_assert_num_queries(2):  # session and person only
        suggest(alice_client, "ok")


def test_it_asks_for_suggestions_from_the_new_story_forms_only(alice):
    story = StoryFactory(author=alice)

    new = StoryForm().fields["title"].widget.attrs
    quick = QuickStoryForm().fields["title"].widget.attrs
    edit = StoryForm(instance=story).fields["title"].widget.attrs

    assert new["hx-get"] == reverse("stories:similar")
    assert new["hx-trigger"] == "input changed delay:300ms"
    assert new["hx-target"] == "#similar-stories"
    assert quick["hx-target"] == "#quick-similar"
    assert "hx-get" not in edit


def test_it_puts_the_suggestions_after_the_form_so_enter_and_tab_reach_log_it_first(alice_client):
    page = alice_client.get(reverse("stories:create")).text

    form, visibility, log_it, end, container = (
        page.index('id="story-form"'),
        page.index('name="visibility"'),
        page.index(">Log it</button>"),
        page.index("</form>", page.index('id="story-form"')),
        page.index('id="similar-stories"'),
    )
    assert form < visibility < log_it < end < container
    quick = page.index('id="quick-capture-form"')
    quick_end = page.index("</form>", quick)
    assert quick < page.index(">Log it</button>", quick) < quick_end
    assert quick_end < page.index('id="quick-similar"')


# --- "This is the same as" -----------------------------------------------------------------------


def test_it_adds_a_reaction_and_no_story(alice, alice_client, bob):
    story = StoryFactory(author=bob, title="Refunds are slow")

    response = alice_client.post(
        reverse("stories:same_as", args=[story.pk]),
        {"title": "Refunds take ages", "sentiment": "frustration"},
    )

    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Noted: you hear this too — no new story was logged."
    ]
    assert Story.objects.count() == 1
    assert list(Reaction.objects.values_list("story", "person")) == [(story.pk, alice.pk)]


def test_it_never_takes_a_reaction_back(alice, alice_client, bob):
    story = StoryFactory(author=bob, title="Refunds are slow")
    url = reverse("stories:same_as", args=[story.pk])

    alice_client.post(url)
    again = alice_client.post(url)

    noted = [str(message) for message in get_messages(again.wsgi_request)]
    assert noted[-1] == "You already hear this too — no new story was logged."
    assert Reaction.objects.filter(story=story, person=alice).count() == 1
    assert Story.objects.count() == 1


def test_it_confirms_inside_the_quick_capture_and_keeps_what_was_typed(alice, alice_client, bob):
    story = StoryFactory(author=bob, title="Refunds are slow")

    response = alice_client.post(
        reverse("stories:same_as", args=[story.pk]),
        {
            "quick-title": "Refunds take <b>ages</b>",
            "quick-sentiment": "frustration",
            "quick-tags": "refunds, speed",
            "quick-customer_name": "Dana Okafor",
            "quick-channel": "email",
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Noted: you hear this too — no new story was logged." in response.text
    assert f'href="{story.get_absolute_url()}"' in response.text
    assert "Refunds take &lt;b&gt;ages&lt;/b&gt;</textarea>" in response.text
    assert 'value="refunds, speed"' in response.text
    assert 'value="Dana Okafor"' in response.text
    assert re.search(r'<input type="radio"[^>]*value="frustration"[^>]*checked>', response.text)
    assert '<option value="email" selected>' in response.text
    assert 'class="error"' not in response.text
    assert Story.objects.count() == 1
    assert Reaction.objects.filter(story=story, person=alice).exists()


@pytest.mark.parametrize("hidden", ["private", "merged"])
def test_it_refuses_stories_it_would_not_suggest(alice_client, bob, hidden):
    if hidden == "private":
        story = StoryFactory(author=bob, visibility=Visibility.PRIVATE)
    else:
        story = StoryFactory(author=bob, merged_into=StoryFactory(author=bob))

    response = alice_client.post(reverse("stories:same_as", args=[story.pk]))

    assert response.status_code == 404
    assert not Reaction.objects.exists()


def test_it_takes_same_as_by_post_only(alice_client, bob):
    story = StoryFactory(author=bob)

    assert alice_client.get(reverse("stories:same_as", args=[story.pk])).status_code == 405
    assert not Reaction.objects.exists()


def test_it_uses_the_word_index_of_each_database():
    # The vendor decides the matcher; both are covered by the ranking tests above on each database.
    query = str(similar_stories("refunds are slow").query)

    if connection.vendor == "postgresql":
        assert "to_tsquery" in query
        assert "search_vector" in query
    else:
        assert "stories_story_words MATCH" in query
    assert "LIKE" not in query
