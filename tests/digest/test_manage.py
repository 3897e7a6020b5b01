"""The Digest page, where admins (and leaders, if allowed) preview, test, send, follow the
progress, read the delivery log, resend, and keep the distribution lists; each in a constant
number of queries however many deliveries there are."""

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from insightboard.digest import runs
from insightboard.digest.messages import unsubscribe_token
from insightboard.digest.models import (
    Delivery,
    DeliveryStatus,
    Digest,
    DigestPolicy,
    DigestStatus,
    DistributionAddress,
)
from insightboard.metrics.models import Metric
from tests.conftest import persona_client
from tests.digest.pages import (
    HTMX,
    LABEL,
    MANAGE,
    NOT_SENDERS,
    NOW,
    WEEK,
    a_week,
    queries,
    sent_week,
)
from tests.isolates import without_isolates
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tuesday_after_the_week() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


# --- Who may use the Digest page ------------------------------------------------------------------


@pytest.mark.parametrize("persona", NOT_SENDERS)
def test_it_refuses_the_digest_page_to_everyone_but_admins(request, persona):
    digest = sent_week()
    client = persona_client(request, persona)
    delivery = digest.deliveries.first()
    assert delivery is not None
    sent = len(mail.outbox)

    for response in [
        client.get(MANAGE),
        client.get(MANAGE, headers=HTMX),
        client.get(reverse("digest:preview")),
        client.post(reverse("digest:send_test")),
        client.post(reverse("digest:send_now"), {"week": LABEL}),
        client.post(reverse("digest:resend", args=[delivery.pk])),
        client.post(reverse("digest:list_add"), {"address": "all@example.com"}),
        client.post(reverse("digest:policy"), {"leaders_may_send": "on"}),
    ]:
        assert response.status_code == 403
    assert len(mail.outbox) == sent
    assert not DistributionAddress.objects.exists()
    assert not DigestPolicy.current().leaders_may_send


def test_it_lets_leaders_send_when_an_admin_allows_it_but_not_change_the_lists(
    ada_client, lena_client
):
    ada_client.post(reverse("digest:policy"), {"leaders_may_send": "on"})

    assert DigestPolicy.current().leaders_may_send
    page = lena_client.get(MANAGE)
    assert page.status_code == 200
    assert "Send now to everyone" in page.text
    assert "Distribution lists" not in page.text
    assert (
        lena_client.post(reverse("digest:list_add"), {"address": "x@example.com"}).status_code
        == 403
    )
    assert lena_client.post(reverse("digest:policy"), {}).status_code == 403

    ada_client.post(reverse("digest:policy"), {})

    assert lena_client.get(MANAGE).status_code == 403


def test_it_sends_signed_out_people_to_sign_in():
    response = Client().get(MANAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Preview and test -----------------------------------------------------------------------------


def test_it_previews_the_week_as_it_stands_and_records_nothing(ada_client):
    a_week()

    page = ada_client.get(MANAGE).text
    preview = ada_client.get(reverse("digest:preview"), {"week": LABEL})
    text = ada_client.get(reverse("digest:preview"), {"week": LABEL, "format": "text"})

    assert "The email as it stands now" in page
    assert f'src="{reverse("digest:preview")}?week={LABEL}"' in page
    assert preview.status_code == 200
    assert "Hello Ada Admin," in without_isolates(preview.text)
    assert "Checkout froze at the last step" in preview.text
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert text["Content-Type"].startswith("text/plain")
    assert "TOP FRUSTRATIONS" in text.text
    assert not Digest.objects.exists()
    assert not Delivery.objects.exists()


def test_it_previews_this_week_so_far(ada_client):
    with time_machine.travel(datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC), tick=False):
        StoryFactory(title="Logged this very week")
        page = ada_client.get(MANAGE, {"week": "2026-W48"}).text
        preview = ada_client.get(reverse("digest:preview"), {"week": "2026-W48"}).text

    assert "this week is not over" in page
    assert "Send now to everyone" not in page
    assert "Logged this very week" in preview


def test_it_sends_a_test_to_the_admin_alone_and_records_nothing(ada_client, alice):
    a_week()

    response = ada_client.post(reverse("digest:send_test"), {"week": LABEL}, follow=True)

    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert mail.outbox[0].subject.startswith("[Test] Customer digest, 16\u201322 Nov 2026")
    assert "Sent a test copy to ada@example.com" in response.text
    assert not Digest.objects.exists()
    assert not Delivery.objects.exists()


def test_a_test_send_neither_blocks_nor_changes_the_real_send(ada_client, alice):
    digest = sent_week()
    before = list(Delivery.objects.values_list("pk", "status", "message_id"))

    ada_client.post(reverse("digest:send_test"), {"week": LABEL})

    assert list(Delivery.objects.values_list("pk", "status", "message_id")) == before
    digest.refresh_from_db()
    assert digest.status == DigestStatus.SENT


# --- Sending, and its progress --------------------------------------------------------------------


def test_it_sends_now_to_everyone_once_however_often_it_is_pressed(
    ada_client, alice, bob, django_capture_on_commit_callbacks
):
    a_week(readers=3)

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = ada_client.post(reverse("digest:send_now"), {"week": LABEL}, follow=True)
        assert response.status_code == 200

    people = sorted(address for message in mail.outbox for address in message.to)
    digest = Digest.objects.get(week=WEEK)
    assert digest.status == DigestStatus.SENT
    assert len(people) == len(set(people)) == digest.deliveries.count() == User.objects.count()
    assert "was sent already" in response.text
    assert "100% done" in response.text


def test_it_refuses_to_send_a_week_that_has_not_ended(ada_client):
    a_week()

    response = ada_client.post(reverse("digest:send_now"), {"week": "2026-W48"}, follow=True)

    assert "That week has not ended yet" in response.text
    assert not Digest.objects.exists()
    assert mail.outbox == []


def test_it_says_why_nothing_was_sent_for_an_empty_week(ada_client):
    response = ada_client.post(reverse("digest:send_now"), {"week": LABEL}, follow=True)

    assert "Nothing was sent: Nothing new in the week of 16\u201322 Nov 2026" in response.text
    assert mail.outbox == []


def sending_digest(readers: int) -> Digest:
    """A week whose sending has started and got part of the way."""
    a_week(readers=readers)
    digest = runs.digest_send_now(week=WEEK)
    first = digest.deliveries.order_by("pk").first()
    assert first is not None
    Delivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.SENT, answer="250 OK")
    return digest


def test_it_polls_the_progress_while_it_sends_and_stops_when_done(ada_client):
    digest = sending_digest(readers=3)

    partial = ada_client.get(MANAGE, {"week": LABEL}, headers=HTMX)

    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert "<h1" not in partial.text
    assert 'hx-trigger="every 2s"' in partial.text
    assert f'hx-get="{MANAGE}?week={LABEL}"' in partial.text
    total = digest.deliveries.count()
    assert f'<progress id="digest-progress-bar" max="{total}" value="1">' in partial.text
    assert f"{100 // total}% done" in partial.text
    assert "HX-Request" in partial["Vary"]
    assert 'id="deliveries"' not in partial.text  # the log waits until it is done

    runs.send_all(digest)
    done = ada_client.get(MANAGE, {"week": LABEL}, headers=HTMX)

    assert "hx-trigger" not in done.text
    assert "100% done" in done.text
    # The answer that finds it finished brings the status and the whole log along.
    assert '<p class="lead" id="digest-status" hx-swap-oob="true">' in done.text
    assert "✓</span> Sent" in done.text
    assert (
        '<section id="deliveries" class="digest-panel" aria-labelledby="deliveries-title" '
        'hx-swap-oob="true">' in done.text
    )
    assert done.text.count("handed to Django") == total - 1  # and the one marked "250 OK"


def test_it_shows_the_progress_without_javascript_too(ada_client):
    digest = sending_digest(readers=3)
    total = digest.deliveries.count()

    page = ada_client.get(MANAGE, {"week": LABEL}).text

    assert "<h1>The digest for 16\u201322 Nov 2026</h1>" in page
    assert f"{100 // total}% done" in page
    assert "<strong>1</strong> sent" in page
    assert f"<strong>{total - 1}</strong> waiting" in page
    assert f'<a href="{MANAGE}?week={LABEL}">Refresh</a>' in page
    assert "Send now to everyone" not in page  # it is sending already


# --- The delivery log -----------------------------------------------------------------------------


def test_it_logs_each_person_with_the_message_id_and_the_server_s_answer(ada_client):
    digest = sent_week(readers=2)
    skipped = digest.deliveries.order_by("pk").last()
    assert skipped is not None
    Delivery.objects.filter(pk=skipped.pk).update(
        status=DeliveryStatus.SKIPPED, answer="Unsubscribed from the digest."
    )

    page = ada_client.get(MANAGE, {"week": LABEL}).text

    for delivery in digest.deliveries.all():
        assert delivery.address in page
        assert delivery.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "250 handed to Django" in page
    assert "Unsubscribed from the digest." in page
    assert page.count("Resend<span") == digest.deliveries.count() - 1  # not the skipped one


def test_it_pages_and_filters_the_delivery_log(ada_client):
    digest = sent_week(readers=60)
    failed = digest.deliveries.order_by("address").last()
    assert failed is not None
    Delivery.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.FAILED, smtp_code=550, answer="550 No such mailbox"
    )
    addresses = sorted(digest.deliveries.values_list("address", flat=True))

    first = ada_client.get(MANAGE, {"week": LABEL}).text
    second = ada_client.get(MANAGE, {"week": LABEL, "page": 2}).text
    only_failed = ada_client.get(MANAGE, {"week": LABEL, "status": "failed"}).text

    def listed(address: str) -> str:
        return f'<span class="delivery-address">{address}</span>'

    assert listed(addresses[0]) in first
    assert listed(addresses[49]) in first
    assert listed(addresses[50]) not in first
    assert listed(addresses[50]) in second
    assert listed(addresses[-1]) in second
    assert "Older →" in first
    assert "← Newer" in second
    assert "Failed (1)" in first
    assert listed(failed.address) in only_failed
    assert listed(addresses[0]) not in only_failed
    assert "550 No such mailbox" in only_failed


def test_it_resends_one_person_the_same_message(ada_client, django_capture_on_commit_callbacks):
    digest = sent_week(readers=2)
    delivery = digest.deliveries.order_by("pk").first()
    assert delivery is not None
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = ada_client.post(reverse("digest:resend", args=[delivery.pk]), follow=True)

    assert [message.to for message in mail.outbox] == [[delivery.address]]
    assert mail.outbox[0].extra_headers["Message-ID"] == delivery.message_id
    assert f"Sending it again to {delivery.address}, with the same Message-ID" in response.text
    delivery.refresh_from_db()
    digest.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert digest.status == DigestStatus.SENT


def test_it_knows_no_delivery_that_is_not_there(ada_client):
    assert ada_client.post(reverse("digest:resend", args=[999999])).status_code == 404


def test_it_says_what_the_log_will_hold_before_anything_is_sent(ada_client):
    page = ada_client.get(MANAGE).text

    assert "No deliveries yet" in page
    assert "Not sent yet" in page


# --- Distribution lists and who may send ----------------------------------------------------------


def test_it_adds_a_list_once_and_says_an_opted_out_person_still_gets_what_it_sends(ada_client):
    for _ in range(2):
        response = ada_client.post(
            reverse("digest:list_add"),
            {"address": " All-Staff@Example.com ", "week": LABEL},
            follow=True,
        )

    assert list(DistributionAddress.objects.values_list("address", flat=True)) == [
        "all-staff@example.com"
    ]
    assert "all-staff@example.com already gets the digest." in response.text
    assert (
        "A person who switched the digest off still gets whatever a list sends them"
        in response.text
    )


def test_it_adds_back_a_list_that_was_unsubscribed_and_removes_one(ada_client, ada):
    entry = DistributionAddress.objects.create(
        address="team@example.com",
        unsubscribed_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )
    assert "Unsubscribed 1 Nov 2026" in ada_client.get(MANAGE).text

    ada_client.post(reverse("digest:list_add"), {"address": "team@example.com"})
    entry.refresh_from_db()
    assert entry.unsubscribed_at is None
    assert entry.added_by == ada

    ada_client.post(reverse("digest:list_remove", args=[entry.pk]))
    assert not DistributionAddress.objects.exists()
    assert ada_client.post(reverse("digest:list_remove", args=[entry.pk])).status_code == 404


def test_it_refuses_what_is_not_an_address(ada_client):
    response = ada_client.post(reverse("digest:list_add"), {"address": "not an address"})

    assert response.status_code == 200
    assert "Enter an email address such as name@example.com." in response.text
    assert 'value="not an address"' in response.text
    assert not DistributionAddress.objects.exists()


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        (f"{MANAGE}?week={LABEL}", {}),
        (f"{MANAGE}?week={LABEL}", HTMX),
        (f"{MANAGE}?week={LABEL}&status=sent&page=1", {}),
        (f"{reverse('digest:preview')}?week={LABEL}", {}),
        (reverse("digest:archive"), {}),
        (reverse("digest:week", args=[LABEL]), {}),
        (reverse("digest:unsubscribe", args=[unsubscribe_token("list-0@example.com")]), {}),
    ],
    ids=["page", "progress", "log filtered", "preview", "archive", "week", "unsubscribe"],
)
def test_it_keeps_each_digest_page_to_a_constant_number_of_queries(
    ada_client, django_assert_num_queries, url, headers
):
    sending_digest(readers=0)
    DistributionAddress.objects.create(address="list-0@example.com")
    one = queries(ada_client, url, **headers)
    Digest.objects.all().delete()
    Metric.objects.all().delete()
    sending_digest(readers=40)
    for n in range(1, 5):
        DistributionAddress.objects.create(address=f"list-{n}@example.com")

    assert Delivery.objects.count() > 40

    with django_assert_num_queries(one):
        ada_client.get(url, headers=headers)
