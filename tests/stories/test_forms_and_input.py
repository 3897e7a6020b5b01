"""Bad input gets a clear message and loses nothing; user text is always escaped or sanitised.

Three ways to log a story: the full form, the quick-capture form (fields prefixed "quick-") posted
without JavaScript, and the same quick-capture form posted by htmx, which gets back only the form.
"""

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from stories.models import BODY_MAX_LENGTH, TAG_MAX_LENGTH, Story
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

FULL, QUICK, QUICK_HTMX = "full", "quick", "quick-htmx"
VARIANTS = [FULL, QUICK, QUICK_HTMX]
QUICK_FIELDS = {"title", "sentiment", "tags", "customer_name", "channel"}

SCRIPT = '<script>alert("owned")</script>'
IMAGE = '<img src=x onerror="alert(1)">'


def story_fields(**overrides: str) -> dict[str, str]:
    return {
        "title": "The invoice page is confusing",
        "sentiment": "frustration",
        "body": "She looked for the VAT number for ten minutes.",
        "tags": "billing, invoices",
        "customer_name": "Priya Shah",
        "customer_organisation": "Acme Ltd",
        "customer_segment": "Enterprise",
        "channel": "call",
        "happened_on": "2025-03-04",
        "visibility": "company",
        **overrides,
    }


def post_story(client, variant: str, **overrides: str):
    fields = story_fields(**overrides)
    if variant == FULL:
        return client.post(reverse("stories:create"), fields)
    data = {f"quick-{name}": value for name, value in fields.items() if name in QUICK_FIELDS}
    headers = {"HX-Request": "true"} if variant == QUICK_HTMX else {}
    return client.post(reverse("stories:create"), data, headers=headers)


def assert_form_again(response, variant: str) -> str:
    """The form came back (as a partial for htmx) with its problems; returns the page text."""
    assert response.status_code == 200
    text = response.text
    if variant == QUICK_HTMX:
        assert "<html" not in text
        assert 'hx-post="/stories/new/"' in text
    else:
        assert "<html" in text
    assert "Nothing you typed was lost." in text
    assert not Story.objects.exists()
    return text


# --- Create ------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_it_asks_for_the_quote_and_keeps_the_rest_when_the_quote_is_empty(alice_client, variant):
    response = post_story(alice_client, variant, title="   ")

    text = assert_form_again(response, variant)
    assert "Write down what the customer said: a quote or a short summary." in text
    assert 'value="Priya Shah"' in text
    assert 'value="billing, invoices"' in text
    assert re.search(r'value="frustration"[^>]*checked', text)
    if variant == FULL:
        assert "She looked for the VAT number for ten minutes." in text
        assert 'value="Acme Ltd"' in text


def test_it_refuses_a_100_kb_body_with_the_limit_in_the_message(alice_client):
    body = "word " * 20_000  # 100 kB

    response = post_story(alice_client, FULL, body=body)

    text = assert_form_again(response, FULL)
    assert f"at most {BODY_MAX_LENGTH} characters" in text
    assert "The invoice page is confusing" in text


@pytest.mark.parametrize("variant", [QUICK, QUICK_HTMX])
def test_it_refuses_a_100_kb_quote_in_quick_capture(alice_client, variant):
    response = post_story(alice_client, variant, title="x" * 100_000)

    text = assert_form_again(response, variant)
    assert "at most 500 characters" in text
    assert 'value="Priya Shah"' in text


@pytest.mark.parametrize("variant", VARIANTS)
def test_it_refuses_a_forged_sentiment_with_a_clear_message(alice_client, variant):
    response = post_story(alice_client, variant, sentiment="ecstatic")

    text = assert_form_again(response, variant)
    assert "Choose success, frustration or idea." in text
    assert "The invoice page is confusing" in text


@pytest.mark.parametrize("variant", VARIANTS)
def test_it_refuses_a_forged_channel_with_a_clear_message(alice_client, variant):
    response = post_story(alice_client, variant, channel="carrier-pigeon")

    text = assert_form_again(response, variant)
    assert "Choose one of the listed channels." in text
    assert "The invoice page is confusing" in text


@pytest.mark.parametrize("variant", VARIANTS)
def test_it_refuses_a_500_character_tag_naming_the_limit(alice_client, variant):
    long_tag = "a" * 500

    response = post_story(alice_client, variant, tags=f"billing, {long_tag}")

    text = assert_form_again(response, variant)
    assert f"Tags can be at most {TAG_MAX_LENGTH} characters" in text
    assert "has 500" in text
    assert "The invoice page is confusing" in text


@pytest.mark.parametrize("variant", VARIANTS)
def test_it_refuses_more_than_ten_tags(alice_client, variant):
    response = post_story(alice_client, variant, tags=", ".join(f"tag{n}" for n in range(11)))

    text = assert_form_again(response, variant)
    assert "Use at most 10 tags." in text


@pytest.mark.parametrize("field", ["title", "tags", "customer_name"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_it_refuses_a_forged_nul_character_with_a_clear_message(alice_client, variant, field):
    response = post_story(alice_client, variant, **{field: "bad\x00byte"})

    text = assert_form_again(response, variant)
    assert "Take out the invisible control characters (NUL)" in text


@pytest.mark.parametrize("variant", [QUICK, QUICK_HTMX])
def test_it_logs_from_quick_capture_when_the_input_is_good(alice_client, alice, variant):
    response = post_story(alice_client, variant)

    story = Story.objects.get()
    assert story.author == alice
    assert story.customer_name == "Priya Shah"
    if variant == QUICK_HTMX:
        assert response.status_code == 200
        assert "Logged:" in response.text
        assert "<html" not in response.text
    else:
        assert response.status_code == 302


# --- Escaping and sanitising -------------------------------------------------------------------


def hostile_fields() -> dict[str, str]:
    return story_fields(
        title=f"Loved it {SCRIPT} <b>bold</b>",
        body=(
            f"**Really** good.\n\n{SCRIPT}\n\n{IMAGE}\n\n"
            "[click me](javascript:alert(2))\n\n"
            '<a href="javascript:alert(3)">or me</a>\n\n'
            '<p onclick="alert(4)">paragraph</p>'
        ),
        customer_name=f"Bobby {SCRIPT}",
        customer_organisation=f"<i>Acme</i> {IMAGE}",
        customer_segment=f"SMB {SCRIPT}",
        # Tags are letters, digits and dashes: markup in one is refused (see test_capture_rules).
        tags="billing",
    )


class LiveMarkup(HTMLParser):
    """What a browser would act on: tags, event-handler attributes, script links, script text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.links: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        names = dict(attrs)
        self.handlers += [name for name in names if name.startswith("on")]
        self.links += [value or "" for name, value in attrs if name in {"href", "src", "action"}]
        self._in_inline_script = tag == "script" and "src" not in names

    def handle_data(self, data: str) -> None:
        if self._in_inline_script:
            self.inline_scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_inline_script = False


def assert_no_live_markup(text: str) -> None:
    """Escaped text (&lt;script&gt;) is fine; markup from the user is not."""
    page = LiveMarkup()
    page.feed(text)
    assert page.inline_scripts == []
    assert page.handlers == []
    assert [link for link in page.links if "javascript:" in link.lower()] == []
    assert {"img", "b", "i"} & set(page.tags) == set()


def test_it_stores_html_as_typed_and_shows_it_escaped(alice_client):
    fields = hostile_fields()

    response = alice_client.post(reverse("stories:create"), fields)

    story = Story.objects.get()
    assert response.status_code == 302
    assert story.title == fields["title"]
    assert story.body == fields["body"]
    assert story.customer_name == fields["customer_name"]
    assert story.customer_organisation == fields["customer_organisation"]
    assert story.customer_segment == fields["customer_segment"]
    assert [tag.name for tag in story.tags.all()] == ["billing"]

    detail = alice_client.get(story.get_absolute_url()).text
    assert_no_live_markup(detail)
    assert html.escape(fields["title"], quote=True) in detail
    assert html.escape(fields["customer_name"], quote=True) in detail
    assert html.escape(fields["customer_segment"], quote=True) in detail
    # Markdown still works, and the harmless link text stays.
    assert "<strong>Really</strong>" in detail
    assert "click me" in detail
    assert "<p>paragraph</p>" in detail

    listing = alice_client.get(reverse("stories:list")).text
    assert_no_live_markup(listing)
    assert html.escape(fields["title"], quote=True) in listing
    assert html.escape(fields["customer_organisation"], quote=True) in listing

    home = alice_client.get(reverse("home")).text
    assert_no_live_markup(home)

    edit = alice_client.get(reverse("stories:edit", args=[story.pk])).text
    assert_no_live_markup(edit)
    assert html.escape(fields["body"], quote=True) in edit


@pytest.mark.parametrize("variant", [QUICK, QUICK_HTMX])
def test_it_escapes_html_in_quick_capture_and_in_the_re_rendered_form(alice_client, variant):
    response = post_story(
        alice_client,
        variant,
        title=f"Quick {SCRIPT}",
        customer_name=f"Eve {IMAGE}",
    )

    story = Story.objects.get()
    assert story.title == f"Quick {SCRIPT}"
    if variant == QUICK_HTMX:
        assert_no_live_markup(response.text)
    assert_no_live_markup(alice_client.get(story.get_absolute_url()).text)

    # The same text echoed back by a refused form is escaped too.
    story.delete()
    refused = post_story(
        alice_client, variant, title=f"Quick {SCRIPT}", sentiment="bogus", tags=SCRIPT
    )
    assert_no_live_markup(refused.text)
    assert html.escape(f"Quick {SCRIPT}", quote=True) in refused.text
    assert html.escape(SCRIPT, quote=True) in refused.text


# --- Edit --------------------------------------------------------------------------------------


@pytest.fixture
def saved_story(alice):
    return StoryFactory(
        author=alice,
        title="Original quote",
        body="Original body",
        sentiment="success",
        channel="email",
        customer_name="Original customer",
        tags=["original"],
    )


def snapshot(story: Story) -> dict[str, object]:
    story = Story.objects.get(pk=story.pk)
    return {
        "title": story.title,
        "body": story.body,
        "sentiment": story.sentiment,
        "channel": story.channel,
        "customer_name": story.customer_name,
        "visibility": story.visibility,
        "happened_on": story.happened_on,
        "tags": [tag.name for tag in story.tags.all()],
        "updated_at": story.updated_at,
    }


BAD_EDITS = {
    "empty quote": ({"title": ""}, "Write down what the customer said"),
    "100 kB body": ({"body": "x" * 100_000}, f"at most {BODY_MAX_LENGTH} characters"),
    "forged sentiment": ({"sentiment": "ecstatic"}, "Choose success, frustration or idea."),
    "forged channel": ({"channel": "fax"}, "Choose one of the listed channels."),
    "long tag": ({"tags": "b" * 500}, f"Tags can be at most {TAG_MAX_LENGTH} characters"),
    "forged visibility": (
        {"visibility": "everyone-on-earth"},
        "Choose one of the options in the list.",
    ),
    "bad date": ({"happened_on": "last tuesday"}, "Enter a date such as 2026-12-01."),
}


@pytest.mark.parametrize("bad", BAD_EDITS.values(), ids=BAD_EDITS.keys())
def test_it_keeps_the_saved_story_when_an_edit_is_refused(alice_client, saved_story, bad):
    overrides, message = bad
    before = snapshot(saved_story)

    response = alice_client.post(
        reverse("stories:edit", args=[saved_story.pk]),
        story_fields(customer_name="Typed in the edit", **overrides),
    )

    assert response.status_code == 200
    assert message in response.text
    assert "Nothing you typed was lost." in response.text
    assert 'value="Typed in the edit"' in response.text
    assert snapshot(saved_story) == before


def test_it_saves_a_good_edit(alice_client, saved_story):
    response = alice_client.post(
        reverse("stories:edit", args=[saved_story.pk]),
        story_fields(title="Better quote", tags="new-tag"),
    )

    saved_story.refresh_from_db()
    assert response.status_code == 302
    assert saved_story.title == "Better quote"
    assert [tag.name for tag in saved_story.tags.all()] == ["new-tag"]


# --- Tag suggestions ---------------------------------------------------------------------------


def test_it_suggests_tags_completing_the_last_one_typed(alice_client):
    StoryFactory(tags=["checkout", "churn", "billing"])

    response = alice_client.get(reverse("stories:tag_suggestions"), {"tags": "billing, ch"})

    assert response.status_code == 200
    assert '<option value="billing, checkout">checkout</option>' in response.text
    assert '<option value="billing, churn">churn</option>' in response.text
    assert ">billing<" not in response.text


@pytest.mark.parametrize(
    "typed", ["", ",,,", "\x00", "ch\x00eck", "a," * 600, "<script>", "%", "_", "ñ" * 600]
)
def test_it_suggests_tags_whatever_is_typed(alice_client, typed):
    StoryFactory(tags=["checkout"])

    response = alice_client.get(reverse("stories:tag_suggestions"), {"quick-tags": typed})

    assert response.status_code == 200
    assert "<script>" not in response.text
