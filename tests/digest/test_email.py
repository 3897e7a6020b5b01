"""The digest email holds up everywhere: one recipient and intact headers whatever people typed,
everything escaped, built from tables that Outlook, dark mode and a 375 px phone all draw, under
Gmail's clipping size, and every metric's change told in a sign, an arrow and words."""

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest

from insightboard.digest.models import DigestStatus
from insightboard.digest.presentation import change_shown
from tests.digest.email_week import (
    BOUNDARY,
    MARKUP,
    SCRIPT,
    SITE,
    EmailWeek,
    full_hostile_week,
    message_for,
)
from tests.isolates import without_isolates

pytestmark = pytest.mark.django_db

# Gmail clips a message whose HTML passes about 102 KB; ours stays well under.
MOST_HTML_BYTES = 90 * 1024
HEADER_NAMES = {
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
    "X-Auto-Response-Suppress",
    "MIME-Version",
    "Content-Type",
}
# The only elements the email is made of; an injected <script>, <b> or <img> would show here.
ELEMENTS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "div",
    "table",
    "tbody",
    "tr",
    "td",
    "h1",
    "h2",
    "p",
    "a",
    "span",
    "strong",
    "br",
}


@pytest.fixture
def week(settings) -> EmailWeek:
    settings.SITE_URL = SITE
    return full_hostile_week()


@pytest.fixture
def parsed(week) -> EmailMessage:
    raw = message_for(week.digest, week.reader).as_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return part.get_content()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return part.get_content()


VOID = {"meta", "br", "img", "hr", "input", "link"}
STYLE_COLOUR = re.compile(r"(?<![-\w])color:(#[0-9a-f]{6})")
STYLE_BACKGROUND = re.compile(r"background-color:(#[0-9a-f]{6})")


class Email(HTMLParser):
    """What the HTML is made of: its elements and attributes, and each piece of visible text
    with the colours it is drawn in and the table cell that holds it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []
        # (tag, attributes, text colour, background colour, hidden) from the root down.
        self.stack: list[tuple[str, dict[str, str], str, str, bool]] = []
        self.shown: list[Shown] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.add(tag)
        self.attributes |= {name for name, _ in attrs}
        if tag in VOID:
            return
        values = {name: value or "" for name, value in attrs}
        style = values.get("style", "")
        colour, background, hidden = (
            self.stack[-1][2:] if self.stack else ("#000000", "#ffffff", False)
        )
        if found := STYLE_COLOUR.search(style):
            colour = found[1]
        if found := STYLE_BACKGROUND.search(style):
            background = found[1]
        elif values.get("bgcolor"):
            background = values["bgcolor"]
        hidden = hidden or "display:none" in style or tag in {"head", "style", "title"}
        self.stack.append((tag, values, colour, background, hidden))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and tag not in VOID:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.stack or self.stack[-1][4]:
            return
        self.text.append(data)
        if data.strip():
            cells = [frame[1] for frame in self.stack if frame[0] == "td"]
            _, _, colour, background, _ = self.stack[-1]
            self.shown.append(Shown(data.strip(), colour, background, cells[-1] if cells else {}))


@dataclass(frozen=True)
class Shown:
    text: str
    colour: str
    background: str
    cell: dict[str, str]


def read(html: str) -> Email:
    parser = Email()
    parser.feed(html)
    parser.close()
    return parser


def contrast(one: str, two: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(one), luminance(two)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- Headers ------------------------------------------------------------------------------------


def test_it_sends_one_message_to_one_recipient_with_its_headers_intact(week, parsed):
    assert week.digest.status == DigestStatus.SENDING

    assert set(parsed.keys()) == HEADER_NAMES
    assert len(parsed.keys()) == len(HEADER_NAMES)
    assert parsed.get_all("To") == ["reader@example.com"]
    assert parsed["Cc"] is None
    assert parsed["Bcc"] is None
    assert "evil" not in str(parsed["Subject"])
    assert "owned" not in str(parsed["Subject"])
    assert parsed["Subject"].startswith("Customer digest, 16\u201322 Nov 2026: ")
    assert parsed.defects == []
    assert all(part.defects == [] for part in parsed.walk())
    assert [part.get_content_type() for part in parsed.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]


def test_it_marks_the_message_as_bulk_from_our_domain_with_one_click_unsubscribe(parsed):
    assert re.fullmatch(
        r"<digest\.2026-W47\.[0-9a-f]{32}@insightboard\.example\.com>", parsed["Message-ID"]
    )
    assert parsed["List-Unsubscribe"].startswith(f"<{SITE}/digest/unsubscribe/")
    assert parsed["List-Unsubscribe"].endswith("/>")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["List-Id"] == "Customer digest <digest.insightboard.example.com>"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["X-Auto-Response-Suppress"] == "All"
    assert parsed["Date"].datetime is not None


# --- Escaping -----------------------------------------------------------------------------------


def test_it_escapes_every_field_that_reaches_the_html(week, parsed):
    html = html_of(parsed)
    page = read(html)
    text = without_isolates(" ".join(" ".join(page.text).split()))

    assert page.elements <= ELEMENTS | {"tbody"}
    assert not [name for name in page.attributes if name.startswith("on")]
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    # Each hostile field shows as the text it is, on one line, in every section.
    assert text.count(SCRIPT) >= 60
    assert text.count(MARKUP) >= 40
    for shown in [
        f"Hello Reader {SCRIPT}",  # the reader's own name
        f"Story 1 {SCRIPT}",  # a success's title
        f"Story 0 {SCRIPT}",  # a frustration's title
        f"Author 1 {SCRIPT}",  # its author
        f"Team 1 {SCRIPT}",  # their team
        f"customer: Customer {SCRIPT}",  # the customer
        "succ1-0<script>x</script> Bcc: x@evil.example",  # a tag
        f"Rising {SCRIPT}",  # a metric's name
        "56.1 %<i>",  # and its unit
        f"Report {SCRIPT}",  # the leader's report
        f"who spoke with Spoke with {SCRIPT}",
        f"What it means: Insight {SCRIPT}",
        f"Suggested action: Action {SCRIPT}",
        f"Empathy {SCRIPT}",  # the empathy story
        f"about Company {SCRIPT}",
        f"What made it so: What made it {SCRIPT}",
        f"What it means for us: Meaning {SCRIPT}",
        f"Thanks to Kudos 11 {SCRIPT}",  # a shout-out
        f"Done: Done 0 {SCRIPT}",  # a closed loop's action
        f"Loop 0 {SCRIPT}",  # and its story
    ]:
        assert shown in text, shown


def test_it_keeps_the_text_part_on_its_own_lines(parsed):
    text = without_isolates(text_of(parsed))
    lines = text.splitlines()

    assert "Hello Reader <script>" in text
    assert '1. "Story ' in text
    assert not [line for line in lines if line.startswith(("Bcc:", "Subject:"))]
    # The title that spells out our MIME boundary is text inside the part, not a boundary.
    assert BOUNDARY in text
    assert "<table" not in text
    assert "<td" not in text


# --- What every client can draw ------------------------------------------------------------------


def test_it_keeps_to_the_email_rules_for_a_full_week(week, parsed):
    html = html_of(parsed)
    contents = week.digest.contents

    assert len(contents["successes"]) == 5
    assert len(contents["frustrations"]) == 5
    assert len(contents["themes"]["success"]) == 5
    assert len(contents["themes"]["frustration"]) == 5
    assert len(contents["metrics"]) == 8
    assert contents["report"]
    assert contents["empathy"]
    assert len(contents["kudos"]) == 5
    assert len(contents["loop"]) == 5
    assert len(html.encode()) < MOST_HTML_BYTES
    assert "<svg" not in html.lower()
    assert "data:" not in html.lower()
    assert "<img" not in html.lower()
    assert "url(" not in html.lower()
    assert '<meta name="color-scheme" content="light dark">' in html
    assert html.index('<meta charset="utf-8">') < 1024
    assert "@media (prefers-color-scheme: dark)" in html


def test_it_draws_each_metric_s_weeks_as_table_cells_with_width_and_colour(week, parsed):
    html = html_of(parsed)
    bars = re.findall(r"<td\b[^>]*\bclass=\"bar[^\"]*\"[^>]*>", html)
    weeks = sum(len(metric["bars"]) for metric in week.digest.contents["metrics"])

    assert len(bars) == weeks == 8 * 8
    assert all(re.search(r'\bwidth="\d+%"', bar) for bar in bars)
    assert all(re.search(r'\bbgcolor="#[0-9a-f]{6}"', bar) for bar in bars)
    assert all(re.search(r'\bheight="\d+"', bar) for bar in bars)


def test_it_puts_explicit_colours_on_every_cell_that_holds_text(parsed):
    page = read(html_of(parsed))

    assert len(page.shown) > 200
    bare = [
        shown.text
        for shown in page.shown
        if not (
            "bgcolor" in shown.cell
            and "background-color:" in shown.cell.get("style", "")
            and STYLE_COLOUR.search(shown.cell.get("style", ""))
        )
    ]
    assert bare == []


def test_it_never_draws_text_in_light_grey_or_with_weak_contrast(parsed):
    page = read(html_of(parsed))
    pairs = {(shown.colour, shown.background) for shown in page.shown}

    assert len(pairs) > 3
    weak = {pair: round(contrast(*pair), 1) for pair in pairs if contrast(*pair) < 4.5}
    assert weak == {}


# --- Changes on last week -----------------------------------------------------------------------


def test_it_gives_every_change_a_sign_an_arrow_and_a_word(week, parsed):
    html = " ".join(" ".join(read(html_of(parsed)).text).split())
    text = text_of(parsed)
    changes = re.findall(r"[▲▼=] [+\u2212±][^:]*: (?:better|worse|no change)", html)

    # Rising, Falling, Flat, From zero, Below zero and Gaps have a week before to compare with.
    assert len(changes) == 6
    assert "▲ +4.1 %<i> on the week before (52 %<i> ), +7.9%: better" in html
    assert (
        "▼ \u22120.6 minutes<i> on the week before (37.3 minutes<i> ), \u22121.6%: better" in html
    )
    assert "▼ \u22123 £<i> on the week before (-2 £<i> ), \u2212150.0%: worse" in html
    assert "= ±0 on the week before: no change" in html
    assert "▲ +5 on the week before (0): better" in html
    assert "▼ \u22122 on the week before (8), \u221225.0%: better" in html
    told = [
        line
        for line in text.splitlines()
        if re.fullmatch(r"  [▲▼=] [+\u2212±].*: (?:better|worse|no change)", line)
    ]
    assert len(told) == 6


def test_it_says_no_comparison_yet_when_there_is_no_week_before(week, parsed):
    html = " ".join(" ".join(read(html_of(parsed)).text).split())
    text = text_of(parsed)

    # "New this week" has no week before, nor has "Last week only", whose latest is last week's.
    assert html.count("No comparison yet: nothing was recorded the week before.") == 2
    assert "+100%" not in html
    assert "+100%" not in text
    assert "No comparison yet" in text
    # A metric last recorded the week before says so, rather than passing it off as this week's.
    assert "(for the week of 9 Nov)" in html


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (
            {
                "arrow": "▲",
                "sign": "+",
                "words": "Up 2.8 on the week before (56.1), +5.0%",
                "verdict": "worse",
            },
            "▲ +2.8 on the week before (56.1), +5.0%: worse",
        ),
        (
            {
                "arrow": "▼",
                "sign": "\u2212",
                "words": "Down 0.6 minutes on the week before (37.3 minutes), -1.6%",
                "verdict": "better",
            },
            "▼ \u22120.6 minutes on the week before (37.3 minutes), \u22121.6%: better",
        ),
        (
            {"arrow": "=", "sign": "±", "words": "No change on the week before", "verdict": "same"},
            "= ±0 on the week before: no change",
        ),
    ],
)
def test_it_words_a_change_with_an_arrow_a_sign_and_a_verdict(change, text):
    assert change_shown(change)["text"] == text


# --- Links --------------------------------------------------------------------------------------


def test_it_links_to_the_browser_copy_the_preferences_and_the_unsubscribe_page(parsed):
    html = html_of(parsed)
    text = text_of(parsed)
    unsubscribe = parsed["List-Unsubscribe"].strip("<>")

    for part in (html, text):
        assert f"{SITE}/digest/2026-W47/" in part
        assert f"{SITE}/accounts/profile/#digest" in part
        assert unsubscribe in part
    assert text.index("View it in your browser") < text.index("TOP SUCCESSES")
    assert "Email preferences" in text


def test_it_marks_a_test_copy(week):
    raw = message_for(week.digest, week.reader, test=True).as_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)

    assert message["Subject"].startswith("[Test] Customer digest")
    assert "Test copy: sent to you alone" in html_of(message)
    assert "[TEST COPY: sent to you alone" in text_of(message)
