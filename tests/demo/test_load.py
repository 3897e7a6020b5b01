"""The load test's pieces that need no server: forms read off our pages as a browser reads them,
the reconciliation of what the staff were told against the database, and the figures table.
(locust itself is in the `load` group only and is never imported here.)"""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from insightboard.demo.load.ledger import (
    Attempt,
    Outcome,
    attempt_write,
    attempts_read,
    new_marker,
)
from insightboard.demo.load.pages import form_on, forms_on, story_ids_on
from insightboard.demo.load.reconcile import reconcile
from insightboard.demo.load.report import (
    ALL,
    SIGNED_IN,
    Request,
    endpoint_figures,
    figures_table,
    percentile,
)
from stories.models import Story
from tests.stories.factories import StoryFactory

RUN = "20261130t001500"


def logged(marker: str, author: User) -> Story:
    return StoryFactory(title=f"[{marker}] The checkout timed out", author=author)


@pytest.mark.django_db
def test_it_reconciles_each_insight_with_what_its_author_was_told(alice: User) -> None:
    once, lost, doubled, refused, refused_kept, cut_off, stray = (new_marker(RUN) for _ in range(7))
    for marker in (once, doubled, doubled, refused_kept, cut_off, stray):
        logged(marker, alice)
    # Another run's insight, and one with no marker at all, are not this run's business.
    logged(new_marker("20261129t230000"), alice)
    StoryFactory(title="Nothing to do with the load test", author=alice)
    attempts = [
        Attempt(once, Outcome.SAVED, "quick", 200),
        Attempt(lost, Outcome.SAVED, "full", 302),
        Attempt(doubled, Outcome.SAVED, "quick", 200),
        Attempt(refused, Outcome.FAILED, "quick", 500),
        Attempt(refused_kept, Outcome.FAILED, "full", 0),
        Attempt(cut_off, Outcome.CUT_OFF, "full", 0),
    ]

    result = reconcile(RUN, attempts)

    assert (result.saved, result.failed, result.cut_off, result.cut_off_saved) == (3, 2, 1, 1)
    assert result.lost == [lost]
    assert result.doubled == [doubled]
    assert result.saved_though_failed == [refused_kept]
    assert result.unaccounted == [stray]
    assert result.problems == 4
    assert result.lines()[0].startswith("Reconciliation: FAILED.")


@pytest.mark.django_db
def test_it_passes_a_run_where_every_answer_was_true(alice: User) -> None:
    saved, failed = new_marker(RUN), new_marker(RUN)
    logged(saved, alice)

    result = reconcile(
        RUN,
        [
            Attempt(saved, Outcome.SAVED, "quick", 200),
            Attempt(failed, Outcome.FAILED, "quick", 409),
        ],
    )

    assert result.problems == 0
    assert result.lines()[0].startswith("Reconciliation: OK.")


def test_it_reads_back_the_attempts_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "insights.jsonl"
    attempts = [
        Attempt(new_marker(RUN), Outcome.SAVED, "quick", 200),
        Attempt(new_marker(RUN), Outcome.CUT_OFF, "full", 0),
    ]
    with path.open("w") as out:
        for attempt in attempts:
            attempt_write(out, attempt)

    assert attempts_read(path) == attempts
    assert attempts_read(tmp_path / "never-written.jsonl") == []


@pytest.mark.django_db
def test_it_logs_an_insight_once_with_the_form_read_off_the_page_as_a_browser_would(
    alice: User,
) -> None:
    # CSRF enforced as for a browser: the token must come from the page, as the staff take it.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    StoryFactory(title="A story to react to", author=StoryFactory().author)
    page = browser.get("/stories/").text
    quick = form_on(page, form_id="quick-capture-form")
    assert quick is not None
    assert quick.action == "/stories/new/"
    assert quick.csrf_token
    assert quick.fields["submission"]
    marker = new_marker(RUN)
    fields = {**quick.fields, "quick-title": f"[{marker}] Hold music", "quick-sentiment": "idea"}

    first = browser.post("/stories/new/", fields, headers={"HX-Request": "true"})
    again = browser.post("/stories/new/", fields, headers={"HX-Request": "true"})

    assert "insight-logged" in first.headers["HX-Trigger"]
    assert "HX-Trigger" not in again.headers
    assert Story.objects.filter(title__contains=marker).count() == 1
    hear_too = [form for form in forms_on(page) if form.action.endswith("/hear-too/")]
    assert hear_too
    assert hear_too[0].fields["hears"] == "yes"
    assert story_ids_on(page)


def test_it_reads_hidden_fields_and_only_the_ticked_choices() -> None:
    page = """
        <form method="post" id="quick" action="/stories/new/">
          <input type="hidden" name="csrfmiddlewaretoken" value="abc&amp;def">
          <input type="radio" name="sentiment" value="idea">
          <input type="radio" name="sentiment" value="success" checked>
          <input type="text" name="tags">
        </form>
        <form method="post"><input type="hidden" name="next" value=""></form>
        <a href="/stories/7/">one</a> <a href="/stories/3/">two</a> <a href="/stories/7/">again</a>
    """

    quick = form_on(page, form_id="quick")
    to_itself = form_on(page, action="")

    assert quick is not None
    assert quick.fields == {"csrfmiddlewaretoken": "abc&def", "sentiment": "success", "tags": ""}
    assert to_itself is not None
    assert to_itself.fields == {"next": ""}
    assert form_on(page, form_id="missing") is None
    assert story_ids_on(page) == [7, 3]


def request(endpoint: str, started: float, ms: float, status: int = 200) -> Request:
    return Request(endpoint=endpoint, started=started, ms=ms, status=status, failed=status >= 400)


def test_it_takes_percentiles_by_nearest_rank() -> None:
    times = [float(ms) for ms in range(1, 101)]

    assert [percentile(times, share) for share in (0.5, 0.95, 0.99)] == [50.0, 95.0, 99.0]
    assert percentile([7.0], 0.99) == 7.0


def test_it_counts_requests_per_endpoint_over_the_whole_run() -> None:
    requests = [
        request("GET /", 0.0, 100),
        request("GET /", 1.0, 300),
        request("POST /stories/new/", 2.0, 200, status=502),
        request("POST /stories/new/", 9.0, 1000, status=404),
    ]

    rows = endpoint_figures(requests)
    table = io.StringIO("\n".join(figures_table(rows)))

    assert [row.endpoint for row in rows] == ["GET /", "POST /stories/new/", ALL]
    home, posts, everything = rows
    assert (home.count, home.per_second, home.p50, home.p99) == (2, 0.2, 100, 300)
    assert (posts.failures, posts.server_errors) == (2, 1)
    assert (everything.count, everything.failures, everything.server_errors) == (4, 2, 1)
    assert "| `GET /` | 2 | 0.2 | 100 | 300 | 300 | 0 | 0 |" in table.getvalue()


def test_it_sums_up_what_came_after_the_last_sign_in_on_its_own() -> None:
    requests = [
        request("POST /accounts/login/", 0.0, 4000),
        request("POST /accounts/login/", 0.5, 5500),
        request("GET /", 4.0, 2000),
        request("GET /", 6.0, 100),
        request("GET /stories/", 7.0, 300),
    ]

    rows = endpoint_figures(requests)

    assert [row.endpoint for row in rows][-2:] == [ALL, SIGNED_IN]
    later = rows[-1]
    assert (later.count, later.p50, later.p99) == (2, 100, 300)
    assert later.per_second == pytest.approx(2 / 1.3)
