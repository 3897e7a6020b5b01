"""Imports in the background: the confirm answers at once and a worker imports the file, chunk by
chunk, showing its progress; a second confirm is refused; and a retried, repeated or killed run
writes each row once."""

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from celery.signals import task_postrun
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from insightboard.celery import app as celery_app
from insightboard.outbox.models import Handover
from insightboard.outbox.services import handovers_send_waiting
from insightboard.planner_statistics import planner_row_counts
from stories.forms import StoryFilterForm
from stories.imports import batches, runs
from stories.imports.runs import STALLED
from stories.imports.tasks import import_story_file, resume_stalled_imports
from stories.models import Story, StoryImport
from stories.selectors import filtered_stories
from tests.conftest import client_for
from tests.outbox.brokers import failing_broker
from tests.planner_statistics import planner_knows
from tests.races import at_once
from tests.stories.imports.files import GOOD_ROWS, confirm, csv_text, preview_of
from tests.workers import worker_on_a_queue_of_its_own

ROWS = [[f"Refund took {n} days", "frustration", "", "refunds", "", "", ""] for n in range(10)]
# Row 12 of the file repeats row 2 (the first data row), in other spacing and case.
REPEATING = [*ROWS, [" refund TOOK 0  days ", *ROWS[0][1:]]]


def import_page(client, story_import: StoryImport, **headers):
    return client.get(reverse("stories:import_preview", args=[story_import.pk]), **headers)


def uploaded(client, rows: list[list[str]]) -> StoryImport:
    preview_of(client, csv_text(rows))
    return StoryImport.objects.latest("pk")


@pytest.fixture
def in_chunks_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of two rows, so that a small file takes several chunks."""
    monkeypatch.setattr(batches, "BATCH_SIZE", 2)


# --- The confirm and the page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_it_answers_a_confirm_at_once_and_leaves_the_import_to_a_worker(alice_client):
    celery_app.conf.task_always_eager = False  # as with a broker: tasks_run_in_process restores
    story_import = uploaded(alice_client, GOOD_ROWS)

    response = alice_client.post(reverse("stories:import_confirm", args=[story_import.pk]))

    assert response["Location"] == reverse("stories:import_preview", args=[story_import.pk])
    assert Story.objects.count() == 0
    # Recorded in the confirm's transaction, for the broker after commit (or the sweep later).
    handover = Handover.objects.get()
    assert (handover.task, handover.args) == (import_story_file.name, [story_import.pk])
    page = import_page(alice_client, story_import).text
    assert '<progress id="import-progress-bar" max="2" value="0">0%</progress>' in page
    assert "0 of 2 rows done; 0 insights written so far." in page
    assert 'hx-trigger="every 1s"' in page
    assert f'<a href="{reverse("stories:import_preview", args=[story_import.pk])}">Refresh</a>' in (
        page
    )

    assert import_story_file.apply(args=handover.args).get() == 2

    page = import_page(alice_client, story_import).text
    assert Story.objects.count() == 2
    assert "2 insights added." in page
    assert 'hx-trigger="every 1s"' not in page


@pytest.mark.django_db
def test_it_shows_the_progress_part_with_counts_to_htmx(alice_client, alice):
    story_import = StoryImport.objects.create(
        person=alice,
        filename="big.csv",
        content="title,sentiment\n",
        rows_total=5000,
        rows_done=1000,
        imported_count=990,
        confirmed_at=timezone.now(),
    )

    response = import_page(alice_client, story_import, HTTP_HX_REQUEST="true")

    part = response.text
    assert part.lstrip().startswith('<div id="import-status"')
    assert "<h1" not in part
    assert 'hx-trigger="every 1s" hx-swap="outerHTML"' in part
    assert '<progress id="import-progress-bar" max="5000" value="1000">20%</progress>' in part
    assert '<p aria-live="polite">1000 of 5000 rows done; 990 insights written so far.</p>' in part
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_it_stops_asking_once_the_import_is_finished_and_shows_the_report(alice_client):
    rows = [*GOOD_ROWS, ["", "idea", "", "", "", "", ""]]
    story_import = uploaded(alice_client, rows)
    confirm(alice_client, story_import)

    part = import_page(alice_client, story_import, HTTP_HX_REQUEST="true").text

    assert "hx-trigger" not in part
    assert "2 insights added." in part
    assert f"{reverse('stories:list')}?author=" in part
    assert "Write down what the customer said" in part


@pytest.mark.django_db
def test_it_shows_the_import_page_in_constant_queries(alice_client, django_assert_num_queries):
    story_import = uploaded(alice_client, GOOD_ROWS)
    confirm(alice_client, story_import)

    # Session, person, the upload; the layout's two permission reads and the profile.
    with django_assert_num_queries(6):
        import_page(alice_client, story_import)
    # The htmx part: no layout.
    with django_assert_num_queries(3):
        import_page(alice_client, story_import, HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_it_gives_the_planner_the_size_of_what_it_imported(alice_client):
    rows = [[f"Refund took {n} days", "frustration", "", "refunds", "", "", ""] for n in range(60)]
    story_import = uploaded(alice_client, rows)
    # What the planner believed before: an earlier test's larger tables would make 60 rows too
    # few to be worth analysing.
    planner_knows(Story, Story.tags.through)

    confirm(alice_client, story_import)

    believed = planner_row_counts(["stories_story", "stories_story_tags"])
    assert believed == {"stories_story": 60, "stories_story_tags": 60}


@pytest.mark.django_db
def test_it_imports_stories_that_search_finds_by_their_words(alice_client, alice):
    story_import = uploaded(alice_client, GOOD_ROWS)

    confirm(alice_client, story_import)

    found = filtered_stories(alice, StoryFilterForm({"q": "parcel"}).story_filters())
    assert [story.title for story in found] == ["The app found my parcel in seconds"]
    assert [tag.name for tag in found[0].tags.all()] == ["delivery"]


# --- A second confirm ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_a_second_confirm_while_the_first_is_importing(alice_client):
    celery_app.conf.task_always_eager = False
    story_import = uploaded(alice_client, GOOD_ROWS)
    url = reverse("stories:import_confirm", args=[story_import.pk])

    alice_client.post(url)
    response = alice_client.post(url)

    assert Handover.objects.count() == 1
    page = alice_client.get(response["Location"]).text
    assert "This file is being imported already" in page
    assert "nothing more was queued." in page


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_the_same_moment_import_the_file_once(alice):
    story_import = uploaded(client_for(alice), ROWS)
    url = reverse("stories:import_confirm", args=[story_import.pk])
    presses = [client_for(alice), client_for(alice)]

    responses = at_once(*(lambda client=client: client.post(url) for client in presses))

    assert [response.status_code for response in responses] == [302, 302]
    pages = [
        client.get(reverse("stories:import_preview", args=[story_import.pk])).text
        for client in presses
    ]
    # One was refused, whether the other's import was still running or had finished.
    assert sum("nothing more was" in page.lower() for page in pages) == 1
    assert Counter(Story.objects.values_list("title", flat=True)) == Counter(row[0] for row in ROWS)


# --- Runs that are retried, repeated or killed ---------------------------------------------------


@pytest.mark.django_db
def test_it_writes_each_row_once_when_the_task_runs_again(alice_client, in_chunks_of_two):
    story_import = uploaded(alice_client, REPEATING)
    confirm(alice_client, story_import)

    assert runs.story_import_run(story_import_id=story_import.pk) == 0

    assert Story.objects.count() == 10
    story_import.refresh_from_db()
    assert (story_import.imported_count, story_import.outcome["duplicates"]) == (10, 1)


@pytest.mark.django_db
def test_a_retry_carries_on_after_the_last_committed_chunk(
    alice_client, in_chunks_of_two, monkeypatch
):
    story_import = uploaded(alice_client, REPEATING)
    StoryImport.objects.filter(pk=story_import.pk).update(confirmed_at=timezone.now())
    create = runs.stories_create
    made: list[int] = []

    def lost_in_the_third_chunk(person, rows):
        made.append(len(rows))
        written = create(person, rows)
        if len(made) == 3:
            raise ConnectionError("the database went away mid-chunk")
        return written

    monkeypatch.setattr(runs, "stories_create", lost_in_the_third_chunk)
    with pytest.raises(ConnectionError):
        runs.story_import_run(story_import_id=story_import.pk)
    story_import.refresh_from_db()
    assert (story_import.done_through_row, story_import.rows_done) == (5, 4)
    assert Story.objects.count() == 4

    assert runs.story_import_run(story_import_id=story_import.pk) == 6

    titles = Counter(Story.objects.values_list("title", flat=True))
    assert titles == Counter(row[0] for row in ROWS)
    story_import.refresh_from_db()
    assert story_import.imported_at is not None
    assert (story_import.imported_count, story_import.rows_done) == (10, 11)
    # Row 12 repeats row 2, committed by the run before: still a repeat, not "imported before".
    assert (story_import.outcome["duplicates"], story_import.outcome["already_imported"]) == (1, 0)


@pytest.mark.django_db
def test_a_run_that_finds_another_further_on_stops(alice_client, in_chunks_of_two):
    story_import = uploaded(alice_client, ROWS)
    # Another worker has committed the first chunk since this one read the upload.
    StoryImport.objects.filter(pk=story_import.pk).update(confirmed_at=timezone.now())
    behind = StoryImport.objects.get(pk=story_import.pk)
    StoryImport.objects.filter(pk=story_import.pk).update(done_through_row=3, rows_done=2)

    outcome = runs.ImportOutcome()
    claimed = runs.chunk_import(
        behind, behind.person, [], mark=0, outcome=outcome, filled=Counter()
    )
    assert claimed is None
    assert Story.objects.count() == 0


@pytest.mark.django_db
def test_the_sweep_queues_an_import_again_once_it_has_stalled(alice_client):
    celery_app.conf.task_always_eager = False
    story_import = uploaded(alice_client, GOOD_ROWS)
    alice_client.post(reverse("stories:import_confirm", args=[story_import.pk]))
    Handover.objects.all().delete()  # the confirm's message, lost with its worker

    with time_machine.travel(timezone.now() + STALLED / 2):
        assert resume_stalled_imports() == 0
    with time_machine.travel(timezone.now() + STALLED * 1.5):
        assert resume_stalled_imports() == 1
        # Queued once: the next sweep waits for it to stall again.
        assert resume_stalled_imports() == 0

    handover = Handover.objects.get()
    assert (handover.task, handover.args) == (import_story_file.name, [story_import.pk])
    import_story_file.apply(args=handover.args)
    story_import.refresh_from_db()
    assert story_import.imported_count == 2
    assert resume_stalled_imports() == 0


def test_it_schedules_the_stalled_import_sweep_to_expire_before_the_next_one():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == resume_stalled_imports.name
    ]
    assert 0 < entry["options"]["expires"] < entry["schedule"]
    assert entry["schedule"] < STALLED.total_seconds()


def test_a_worker_knows_the_import_tasks_without_being_told_where_they_are():
    # A fresh process, as a worker starts: the beat's and the confirm's task names resolve.
    registered = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from insightboard.celery import app; "
            "app.loader.import_default_modules(); print(*sorted(app.tasks))",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "insightboard.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert {import_story_file.name, resume_stalled_imports.name} <= set(registered)


def worker_environment() -> dict[str, str]:
    """The test's environment, with DATABASE_URL naming the database this test writes to."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{database['NAME']}"
    else:
        password = f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
        url = (
            f"postgres://{quote(database['USER'])}{password}@{database['HOST'] or 'localhost'}:"
            f"{database['PORT'] or 5432}/{quote(database['NAME'])}"
        )
    return {**os.environ, "DATABASE_URL": url}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_each_row_written_once_after_the_rerun(
    alice, tmp_path: Path
):
    story_import = uploaded(client_for(alice), REPEATING)
    # The confirm's claim, without queuing: the worker here is a process of the test's own.
    StoryImport.objects.filter(pk=story_import.pk).update(confirmed_at=timezone.now())
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "tests.stories.imports.dying_worker",
            str(story_import.pk),
            "3",
            "2",
        ],
        cwd=settings.BASE_DIR,
        env=worker_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        # Two chunks committed, the third's stories inserted and not committed.
        said = worker.stdout.readline() if worker.stdout else ""
        assert said == "chunk 3 inserted\n", (tmp_path / "worker.log").read_text()
        story_import.refresh_from_db()
        assert (story_import.done_through_row, story_import.rows_done) == (5, 4)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        log.close()
    assert worker.returncode == -signal.SIGKILL
    assert Story.objects.count() == 4

    assert runs.story_import_run(story_import_id=story_import.pk) == 6

    assert Counter(Story.objects.values_list("title", flat=True)) == Counter(row[0] for row in ROWS)
    story_import.refresh_from_db()
    assert story_import.imported_at is not None
    assert (story_import.imported_count, story_import.rows_done) == (10, 11)
    assert (story_import.outcome["duplicates"], story_import.outcome["already_imported"]) == (1, 0)
    assert story_import.outcome["notices"] == [[12, "", "The same as row 2: it is imported once."]]


# --- Through a real worker -----------------------------------------------------------------------


@contextmanager
def imported() -> Iterator[threading.Event]:
    """Set once the import task has run on the worker's thread."""
    done = threading.Event()

    def on_postrun(task, **kwargs):
        if task.name == import_story_file.name:
            connections.close_all()  # the worker's thread has a database connection of its own
            done.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield done
    finally:
        task_postrun.disconnect(on_postrun)


@pytest.mark.django_db(transaction=True)
def test_a_confirm_made_while_the_broker_is_down_is_imported_once_it_is_back(alice):
    client = client_for(alice)
    story_import = uploaded(client, ROWS)

    with failing_broker("refusing"):
        response = client.post(reverse("stories:import_confirm", args=[story_import.pk]))

    assert response.status_code == 302
    assert Handover.objects.filter(handed_over_at__isnull=True).count() == 1
    assert Story.objects.count() == 0
    assert "0 of 10 rows done" in import_page(client, story_import).text

    with worker_on_a_queue_of_its_own(), imported() as done:
        assert handovers_send_waiting() == 1
        assert done.wait(timeout=30)

    assert Story.objects.count() == 10
    assert "10 insights added." in import_page(client, story_import).text
