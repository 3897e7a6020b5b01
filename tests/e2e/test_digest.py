"""The acceptance story: an admin previews last week's digest, sends a test to herself, sends it
to everyone and watches the progress bar reach 100% without reloading the page; then every link
in a sent message is opened, and nobody is unsubscribed by it."""

import datetime
import re
import threading
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core import mail
from django.db import connection
from playwright.sync_api import Browser, Page, expect

from insightboard.digest import runs, views
from insightboard.digest.models import Delivery, Digest, DigestStatus
from insightboard.digest.recipients import digest_recipients
from insightboard.people.models import DigestPreference, Profile
from insightboard.weeks import last_complete_week, week_dates, week_span
from stories.models import Sentiment
from tests.e2e.conftest import sign_in
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

READERS = 12


@pytest.fixture
def admin(transactional_db: None) -> AbstractUser:
    return PersonFactory(
        username="ada@example.com",
        profile__display_name="Ada Admin",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def last_week(admin: AbstractUser) -> datetime.date:
    """Last week had a frustration, a success, and a company of readers."""
    monday = last_complete_week()
    midweek = week_span(monday)[0] + datetime.timedelta(days=2, hours=12)
    readers = PersonFactory.create_batch(READERS)
    StoryFactory(author=readers[0], title="Checkout froze at the last step", created_at=midweek)
    StoryFactory(
        author=readers[1],
        title="Refund sorted in minutes",
        sentiment=Sentiment.SUCCESS,
        created_at=midweek,
    )
    return monday


@pytest.fixture
def slow_worker(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[threading.Thread]:
    """ "Send now" hands the sending to a worker: here a thread beside the server, sending five
    messages a second, so the page has time to show the bar moving."""
    settings.INSIGHTBOARD_DIGEST_RATE_PER_MINUTE = 300
    started: list[threading.Thread] = []

    def send_in_a_worker(digest: Digest) -> int:
        def work() -> None:
            try:
                runs.send_all(Digest.objects.get(pk=digest.pk))
            finally:
                connection.close()

        worker = threading.Thread(target=work, daemon=True)
        started.append(worker)
        connection.on_commit(worker.start)
        return 1

    monkeypatch.setattr(views, "enqueue_batches", send_in_a_worker)
    return started


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name == "href" and value]


def links_in(message: Any) -> set[str]:
    """Every link in a sent message: its HTML, its text and its List-Unsubscribe header."""
    html = {kind: content for content, kind in message.alternatives}["text/html"]
    parser = Links()
    parser.feed(html)
    found = set(parser.found) | set(re.findall(r"https?://\S+", message.body))
    found.add(message.extra_headers["List-Unsubscribe"].strip("<>"))
    return found


def test_an_admin_previews_tests_sends_and_watches_the_digest_reach_everyone(
    page: Page,
    browser: Browser,
    live_server: Any,
    console_errors: list[str],
    settings: Any,
    admin: AbstractUser,
    last_week: datetime.date,
    slow_worker: list[threading.Thread],
) -> None:
    settings.SITE_URL = live_server.url  # so the links in the email lead to this server
    dates = week_dates(last_week)
    sign_in(page, live_server, "ada@example.com")

    # She finds the Digest page from the archive.
    page.get_by_role("link", name="Digest", exact=True).click()
    expect(page.get_by_role("heading", name="The weekly digest")).to_be_visible()
    expect(page.get_by_text("No digest yet")).to_be_visible()
    page.get_by_role("link", name="Preview and send").click()
    expect(page.get_by_role("heading", name=f"The digest for {dates}")).to_be_visible()
    expect(page.get_by_text("Not sent yet")).to_be_visible()

    # The preview is the email as it stands, addressed to her; nothing is recorded.
    preview = page.frame_locator("iframe.digest-preview")
    expect(preview.get_by_role("heading", name=f"Customer digest, {dates}")).to_be_visible()
    expect(preview.get_by_text("Hello \u2068Ada Admin\u2069,")).to_be_visible()  # name isolated
    expect(preview.get_by_text("Checkout froze at the last step")).to_be_visible()
    assert not Digest.objects.exists()

    # A test to herself alone, marked as a test, and still nothing recorded.
    page.get_by_role("button", name="Send a test to myself").click()
    expect(page.get_by_text("Sent a test copy to ada@example.com")).to_be_visible()
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert mail.outbox[0].subject.startswith(f"[Test] Customer digest, {dates}")
    assert not Digest.objects.exists()
    assert not Delivery.objects.exists()

    # She sends it, with an impatient double click; the page follows the sending without
    # reloading, and everyone gets it once.
    page.get_by_role("button", name="Send now to everyone").dblclick()
    expect(page.get_by_text(f"Sending the digest for {dates}")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")
    bar = page.locator("#digest-progress-bar")
    recipients = READERS + 1
    expect(bar).to_have_attribute("max", str(recipients))
    expect(page.get_by_text("This updates by itself")).to_be_visible()
    expect(page.get_by_text("100% done")).to_be_visible(timeout=30_000)
    expect(bar).to_have_attribute("value", str(recipients))
    assert page.evaluate("window.stillTheSamePage") is True
    # The log came along when it finished, each person with the mail server's answer.
    log = page.locator("#deliveries")
    expect(log.get_by_text("handed to Django's mail backend")).to_have_count(recipients)
    expect(page.locator("#digest-status")).to_contain_text("Sent")
    for worker in slow_worker:
        worker.join(timeout=30)
    digest = Digest.objects.get()
    assert digest.status == DigestStatus.SENT
    sent = [message for message in mail.outbox if not message.subject.startswith("[Test]")]
    assert sorted(message.to[0] for message in sent) == sorted(
        Delivery.objects.values_list("address", flat=True)
    )
    assert len(sent) == recipients

    # Every link in a sent message, opened signed in and by a scanner with no session: the
    # unsubscribe link asks first, and nobody stops getting the digest.
    links = set().union(*(links_in(message) for message in sent))
    assert any("/digest/unsubscribe/" in link for link in links)
    scanner = browser.new_context()
    scanner_page = scanner.new_page()
    for link in sorted(links):
        assert link.startswith(live_server.url), link
        for visitor in (page, scanner_page):
            response = visitor.goto(link)
            assert response is not None, link
            assert response.status < 500, link
            if "/digest/unsubscribe/" in link:
                expect(visitor.get_by_text("Nothing changes until you press")).to_be_visible()
    scanner.close()

    assert set(Profile.objects.values_list("digest", flat=True)) == {DigestPreference.WEEKLY}
    assert {recipient.address for recipient in digest_recipients()} == set(
        Delivery.objects.values_list("address", flat=True)
    )
    assert console_errors == []
