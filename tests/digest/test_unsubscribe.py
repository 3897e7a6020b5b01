"""Unsubscribing that scanners cannot trigger: a GET on any link in a sent digest changes nothing;
the one-click POST (RFC 8058) needs no session or cookie, answers 200 and can be repeated; a
tampered or foreign token changes nothing; lists unsubscribe the same way; and each person can
switch the digest off or back on on their profile page."""

import datetime
import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from insightboard.digest import runs
from insightboard.digest.messages import UNSUBSCRIBE_SALT, unsubscribe_token
from insightboard.digest.models import DistributionAddress
from insightboard.digest.recipients import digest_recipients
from insightboard.people.models import DigestPreference
from stories.models import Sentiment
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

SITE = "https://insightboard.example.com"
WEEK = datetime.date(2026, 11, 16)
MIDWEEK = datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)
LIST = "all-staff@example.com"
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture(autouse=True)
def monday_after_the_week(settings) -> Iterator[None]:
    settings.SITE_URL = SITE
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def reader(db) -> User:
    return PersonFactory(username="reader@example.com", profile__display_name="Rita Reader")


@pytest.fixture
def sent(reader) -> dict[str, EmailMessage]:
    """Last week's digest, sent to everyone and to a list; each address's message, parsed."""
    with time_machine.travel(MIDWEEK, tick=False):
        StoryFactory(title="Checkout froze at the last step", author=reader)
        StoryFactory(title="Refund sorted in minutes", sentiment=Sentiment.SUCCESS)
    DistributionAddress.objects.create(address=LIST)
    digest = runs.digest_send_now(week=WEEK)
    runs.send_all(digest)
    messages = {}
    for message in mail.outbox:
        parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        messages[message.to[0]] = parsed
    assert {"reader@example.com", LIST} <= messages.keys()
    return messages


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name == "href" and value]


def every_link(message: EmailMessage) -> set[str]:
    """Every URL in the message: the HTML's links, the text's and the List-Unsubscribe header."""
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert html is not None
    assert text is not None
    links = Links()
    links.feed(html.get_content())
    found = set(links.found)
    found |= set(re.findall(r"https?://\S+", text.get_content()))
    found.add(message["List-Unsubscribe"].strip("<>"))
    return found


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == SITE, url  # every link is to our own site
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def unsubscribe_path(message: EmailMessage) -> str:
    return path_of(message["List-Unsubscribe"].strip("<>"))


def still_subscribed(reader: User) -> bool:
    reader.profile.refresh_from_db()
    addresses = {recipient.address for recipient in digest_recipients()}
    return (
        reader.profile.digest == DigestPreference.WEEKLY
        and {
            "reader@example.com",
            LIST,
        }
        <= addresses
    )


# --- Scanners ----------------------------------------------------------------------------------


def test_a_get_on_every_link_in_a_sent_digest_unsubscribes_nobody(sent, reader):
    links = every_link(sent["reader@example.com"]) | every_link(sent[LIST])
    signed_in = Client()
    signed_in.force_login(reader)
    assert any("/digest/unsubscribe/" in link for link in links)
    assert any("/accounts/profile/" in link for link in links)

    for link in sorted(links):
        for client in (Client(), Client(enforce_csrf_checks=True), signed_in):
            response = client.get(path_of(link))
            assert response.status_code in (200, 302), (link, response.status_code)
            client.head(path_of(link))

    assert still_subscribed(reader)
    assert DistributionAddress.objects.get(address=LIST).unsubscribed_at is None


def test_the_unsubscribe_link_asks_first_and_works_without_javascript(sent, reader):
    page = Client().get(unsubscribe_path(sent["reader@example.com"]))

    assert page.status_code == 200
    assert "Stop the weekly digest?" in page.text
    assert "reader@example.com" in page.text
    assert '<form method="post">' in page.text
    assert "Nothing changes until you press the button" in page.text
    assert still_subscribed(reader)


# --- One click ---------------------------------------------------------------------------------


def test_the_one_click_post_needs_no_session_or_cookie_and_can_be_repeated(sent, reader):
    path = unsubscribe_path(sent["reader@example.com"])

    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        response = client.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        assert client.cookies == {} or "sessionid" not in client.cookies
        assert "gets no more weekly digests" in response.text

    reader.profile.refresh_from_db()
    assert reader.profile.digest == DigestPreference.NONE
    assert "reader@example.com" not in {recipient.address for recipient in digest_recipients()}


def test_the_page_s_button_unsubscribes_too(sent, reader):
    path = unsubscribe_path(sent["reader@example.com"])

    response = Client(enforce_csrf_checks=True).post(path)

    assert response.status_code == 200
    assert "Unsubscribed" in response.text
    assert "Switch it back on" in response.text or "your profile" in response.text
    reader.profile.refresh_from_db()
    assert reader.profile.digest == DigestPreference.NONE


def test_a_list_unsubscribes_the_same_way_and_people_keep_theirs(sent, reader):
    path = unsubscribe_path(sent[LIST])

    response = Client().post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert DistributionAddress.objects.get(address=LIST).unsubscribed_at is not None
    addresses = {recipient.address for recipient in digest_recipients()}
    assert LIST not in addresses
    assert "reader@example.com" in addresses


# --- Tokens that are not ours ------------------------------------------------------------------


def tampered(token: str) -> str:
    last = "A" if token[-1] != "A" else "B"
    return token[:-1] + last


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(tampered, id="tampered"),
        pytest.param(
            lambda token: token.replace(token.split(":")[0], "InJpdGFAZXZpbC5leGFtcGxlIg"),
            id="another address, same signature",
        ),
        pytest.param(
            lambda token: signing.dumps("reader@example.com"), id="signed for something else"
        ),
        pytest.param(
            lambda token: signing.dumps(
                "reader@example.com", key="not-our-key", salt=UNSUBSCRIBE_SALT
            ),
            id="signed with another key",
        ),
        pytest.param(
            lambda token: signing.dumps(["reader@example.com"], salt=UNSUBSCRIBE_SALT),
            id="not an address",
        ),
        pytest.param(lambda token: "not-a-token", id="not a token"),
    ],
)
def test_it_refuses_a_token_that_is_not_ours_and_changes_nothing(sent, reader, forge):
    good = unsubscribe_token("reader@example.com")
    path = reverse("digest:unsubscribe", args=[forge(good)])

    for response in [
        Client().get(path),
        Client().post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded"),
    ]:
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.text
    assert still_subscribed(reader)


def test_a_token_names_one_address_whatever_its_case(reader):
    token = unsubscribe_token("Reader@Example.com")

    Client().post(reverse("digest:unsubscribe", args=[token]))

    reader.profile.refresh_from_db()
    assert reader.profile.digest == DigestPreference.NONE


# --- The profile page --------------------------------------------------------------------------


def test_each_person_can_switch_the_digest_off_and_back_on_on_their_profile(reader):
    client = Client()
    client.force_login(reader)
    profile = reverse("profile")
    fields = {"display_name": "Rita Reader", "team": "Support"}

    page = client.get(profile).text
    assert 'id="digest"' in page
    assert "The weekly digest" in page
    assert "<strong>You get it</strong> at reader@example.com" in page
    assert "you still get what a mailing list sends you" in page

    off = client.post(profile, fields | {"digest": DigestPreference.NONE}, follow=True)
    reader.profile.refresh_from_db()
    assert reader.profile.digest == DigestPreference.NONE
    assert "No more digest emails" in off.text
    assert "<strong>You do not get it</strong> at the moment" in off.text
    assert "reader@example.com" not in {recipient.address for recipient in digest_recipients()}

    on = client.post(profile, fields | {"digest": DigestPreference.WEEKLY}, follow=True)
    reader.profile.refresh_from_db()
    assert reader.profile.digest == DigestPreference.WEEKLY
    assert "You get the weekly digest again" in on.text
    assert "reader@example.com" in {recipient.address for recipient in digest_recipients()}


def test_a_rejected_profile_form_says_what_is_saved_not_what_was_sent(reader):
    client = Client()
    client.force_login(reader)

    page = client.post(reverse("profile"), {"display_name": "", "digest": DigestPreference.NONE})

    assert page.status_code == 200
    assert "<strong>You get it</strong>" in page.text
    reader.profile.refresh_from_db()
    assert reader.profile.digest == DigestPreference.WEEKLY
