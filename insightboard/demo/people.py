"""The demo company's people: created once, all with the published demo password."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction

from insightboard.demo.data.people import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    EXTRA_FIRST_NAMES,
    EXTRA_LAST_NAMES,
    EXTRA_TEAMS,
    PEOPLE,
)
from insightboard.emails import absolute_url
from insightboard.people.models import Profile
from insightboard.people.services import person_create
from insightboard.planner_statistics import bulk_write_analyse


def demo_email(first_name: str) -> str:
    """A demo person's email from their first name, as `people.PEOPLE` spells it."""
    return f"{first_name.lower()}@{DEMO_DOMAIN}"


@transaction.atomic
def people_seed() -> list[User]:
    """The demo company's people, in PEOPLE order; those missing are created."""
    found = {
        user.get_username(): user
        for user in User.objects.filter(username__in=[person.email for person in PEOPLE])
    }
    created = []
    for person in PEOPLE:
        if person.email not in found:
            found[person.email] = person_create(
                email=person.email,
                display_name=person.name,
                team=person.team,
                roles=list(person.roles),
            )
            created.append(found[person.email].pk)
    if created:
        # One password hash for all: hashing is slow on purpose (~0.6 s each) and these
        # accounts share a published password anyway.
        User.objects.filter(pk__in=created).update(password=make_password(DEMO_PASSWORD))
    return [found[person.email] for person in PEOPLE]


def sign_in_table() -> str:
    """Who is who in the demo company, and how to sign in as them."""
    existing = set(
        User.objects.filter(username__in=[person.email for person in PEOPLE]).values_list(
            "username", flat=True
        )
    )
    people = [person for person in PEOPLE if person.email in existing]
    if not people:
        return (
            "This database has no demo people: create an account with `manage.py createsuperuser`."
        )
    rows = [("Name", "Email", "Role", "Team")] + [
        (person.name, person.email, person.role_label, person.team) for person in people
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(
        [
            "Demo people (every one signs in with the password below):",
            "",
            *lines,
            "",
            f"Password: {DEMO_PASSWORD}",
            f"Sign in at {absolute_url('login')}",
        ]
    )


def extra_people_seed(count: int) -> int:
    """Add `count` more active demo people (staff, each with an address and a team), so the
    digest can be tried at company size; returns how many were new."""
    existing = User.objects.filter(username__startswith="colleague").count()
    created = 0
    new = []
    for number in range(existing, existing + count):
        first = EXTRA_FIRST_NAMES[number % len(EXTRA_FIRST_NAMES)]
        last = EXTRA_LAST_NAMES[(number // len(EXTRA_FIRST_NAMES)) % len(EXTRA_LAST_NAMES)]
        person = person_create(
            email=f"colleague{number + 1:05d}@{DEMO_DOMAIN}",
            display_name=f"{first} {last}",
            team=EXTRA_TEAMS[number % len(EXTRA_TEAMS)],
        )
        new.append(person.pk)
        created += 1
    # One hash for all, as for the core demo people: hashing is slow on purpose.
    User.objects.filter(pk__in=new).update(password=make_password(DEMO_PASSWORD))
    # The digest reads every person and their profile: at company size, plan for that size.
    bulk_write_analyse({User: created, Profile: created})
    return created
