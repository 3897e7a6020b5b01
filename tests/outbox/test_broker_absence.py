"""A process that has just found the broker away leaves its next hand-overs to the sweep instead of
waiting on the broker again for each: a write that asks for many (the digest's batches) answers as
promptly as one that asks for one."""

import pytest

from insightboard.outbox.models import Handover
from insightboard.outbox.services import BROKER_AWAY_SECONDS, broker_absence
from meetings.tasks import notify_author_of_opener
from tests.outbox.brokers import failing_broker

pytestmark = pytest.mark.django_db


def attempts() -> list[int]:
    return list(Handover.objects.order_by("pk").values_list("attempts", flat=True))


def test_after_a_refusal_the_next_hand_overs_wait_for_the_sweep_untried(
    django_capture_on_commit_callbacks,
):
    with failing_broker("refusing"), django_capture_on_commit_callbacks(execute=True):
        for opener_id in (1, 2, 3):
            notify_author_of_opener.delay_on_commit(opener_id)

    assert attempts() == [1, 0, 0]
    assert not Handover.objects.filter(handed_over_at__isnull=False).exists()


def test_it_tries_the_broker_again_once_the_pause_is_over(django_capture_on_commit_callbacks):
    with failing_broker("refusing"):
        with django_capture_on_commit_callbacks(execute=True):
            notify_author_of_opener.delay_on_commit(1)
        assert broker_absence.noticed_at is not None
        broker_absence.noticed_at -= BROKER_AWAY_SECONDS
        with django_capture_on_commit_callbacks(execute=True):
            notify_author_of_opener.delay_on_commit(2)

    assert attempts() == [1, 1]
