"""The demo company comes with last week's digest compiled, and `--people N` adds colleagues with
addresses to try the digest at company size."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from insightboard.demo.data.people import DEMO_PASSWORD
from insightboard.digest.models import Digest, DigestStatus
from insightboard.digest.recipients import digest_recipients
from insightboard.weeks import last_complete_week

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_it_compiles_last_weeks_digest_for_the_archive():
    out = seed("--stories", "300")

    digest = Digest.objects.get()
    assert digest.week == last_complete_week()
    assert digest.status == DigestStatus.COMPILED
    assert digest.contents["frustrations"]
    assert f"Compiled last week's digest ({digest.dates})" in out
    client = Client()
    client.force_login(User.objects.get(username="alice@demo.insightboard.example"))
    assert (
        digest.contents["frustrations"][0]["title"]
        in client.get(reverse("digest:week", args=[digest.label])).text
    )


def test_it_adds_people_with_addresses_who_all_get_the_digest():
    seed("--stories", "10", "--people", "40")

    colleagues = User.objects.filter(username__startswith="colleague")
    assert colleagues.count() == 40
    assert all(person.email and person.is_active for person in colleagues)
    assert len({person.profile.team for person in colleagues}) == 7
    assert len(digest_recipients()) == 16 + 40
    signed_in = Client().post(
        reverse("login"),
        {"username": "colleague00007@demo.insightboard.example", "password": DEMO_PASSWORD},
    )
    assert signed_in.status_code == 302


def test_it_adds_more_people_each_time_it_is_asked():
    seed("--stories", "0", "--people", "3")
    seed("--stories", "0", "--people", "2")

    assert User.objects.filter(username__startswith="colleague").count() == 5


def test_it_refuses_a_negative_number_of_people():
    with pytest.raises(CommandError, match="--people must be 0 or more"):
        seed("--people", "-1")
