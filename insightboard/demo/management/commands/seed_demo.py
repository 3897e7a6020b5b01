"""`python manage.py seed_demo`: a demo company to explore InsightBoard with.

People in every role, tags, stories and reactions, customer kudos, meeting series and customer
metrics, the same on every fresh database. The seeding lives in `insightboard.demo`, by area.
"""

import time
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insightboard.demo.data.people import DEMO_PASSWORD
from insightboard.demo.digest import digest_seed
from insightboard.demo.meetings import meetings_seed
from insightboard.demo.metrics import metrics_seed
from insightboard.demo.people import extra_people_seed, sign_in_table
from insightboard.demo.stories import kudos_seed, stories_seed
from stories.models import Story

DEFAULT_STORIES = 300


class Command(BaseCommand):
    help = (
        "Fill the database with a demo company: people in every role, tags, stories and "
        "reactions, kudos, meeting series and customer metrics, the same on every fresh "
        "database. Run again, it adds that many more stories (and any missing demo people) to "
        "what is there; kudos, meetings and metrics are added only where there are none. With "
        "--if-empty it does nothing when anyone has an account already. Everyone signs in with "
        f"the password {DEMO_PASSWORD}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stories",
            type=int,
            default=DEFAULT_STORIES,
            help=f"How many stories to write (default {DEFAULT_STORIES}).",
        )
        parser.add_argument(
            "--people",
            type=int,
            default=0,
            help="Add this many more active people with addresses, to try the digest at size.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only seed a database without people (`make run` passes this on every start).",
        )

    def handle(self, *args: Any, stories: int, people: int, if_empty: bool, **options: Any) -> None:
        if stories < 0:
            raise CommandError("--stories must be 0 or more.")
        if people < 0:
            raise CommandError("--people must be 0 or more.")
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has people, so no demo data was added.\n")
            self.stdout.write(sign_in_table())
            return
        before = Story.objects.count()
        started = time.perf_counter()
        written = stories_seed(stories, stdout=self.stdout)
        seconds = time.perf_counter() - started
        if before:
            self.stdout.write(
                f"Added {written:,} demo stories to the {before:,} already there ({seconds:.1f} s)."
            )
        else:
            self.stdout.write(f"Wrote {written:,} demo stories ({seconds:.1f} s).")
        if people:
            added = extra_people_seed(people)
            self.stdout.write(f"Added {added:,} more people, each with an address.")
        # Kudos mark stories just written; meetings open with them; the digest reads them all.
        for seeded in (kudos_seed(), meetings_seed(), metrics_seed(), digest_seed()):
            self.stdout.write(seeded)
        self.stdout.write("")
        self.stdout.write(sign_in_table())
