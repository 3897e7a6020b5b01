"""`make bench`: how long the busiest pages take with 200,000 stories in PostgreSQL.

Each page is timed next to a bare page of the same layout that runs no queries of its own (its
queries are the layout's: session, person, permissions, profile): the ratio says what the page
itself costs on top of signing in and drawing the layout.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import OutputWrapper
from django.test import Client

from insightboard.demo.bench import (
    BARE_PAGE,
    Case,
    bench_site,
    facts_list,
    machine,
    measure,
    page_case,
    postgres_version,
    timing_table,
    write_lines,
)
from insightboard.demo.data.people import PEOPLE
from insightboard.people.models import ApiToken
from insightboard.people.tokens import api_token_create
from stories import search
from stories.models import Reaction, Sentiment, Story

BENCH_STORIES = 200_000
# A word in about one story in six, so the search ranks tens of thousands of matches; and a
# rarer one for comparison.
COMMON_WORD = "bill"
RARER_WORD = "refund"
FILTER_TAG = "checkout"
# The API is timed with a key of the signed-in staff person's own, made afresh each run.
BENCH_KEY_NAME = "Benchmark"


def staff_client() -> tuple[Client, User, dict[str, str]]:
    """A demo staff person signed in, and headers that carry an API key of their own."""
    staff = next(person for person in PEOPLE if not person.roles)
    person = User.objects.get(username=staff.email)
    client = Client()
    client.force_login(person)
    ApiToken.objects.filter(person=person, name=BENCH_KEY_NAME).delete()
    _, raw_key = api_token_create(person=person, name=BENCH_KEY_NAME)
    # The key comes first among the API's ways in, so the session cookie is never read.
    return client, person, {"Authorization": f"Bearer {raw_key}"}


def page_cases(client: Client, with_key: dict[str, str]) -> list[Case]:
    # A story from the middle of the table, with a body to render, as most readers open.
    candidates = Story.objects.company_wide().exclude(body="").order_by("pk").only("pk")
    story = candidates[candidates.count() // 2]
    return [
        page_case("Bare page (layout only)", BARE_PAGE, client),
        page_case("Home", "/", client),
        page_case("Story list", "/stories/", client),
        page_case("Search, common word", f"/stories/?q={COMMON_WORD}", client),
        page_case("Search, rarer word", f"/stories/?q={RARER_WORD}", client),
        page_case("Filtered list", f"/stories/?sentiment=frustration&tag={FILTER_TAG}", client),
        page_case("Story detail", story.get_absolute_url(), client),
        page_case("API story list (key)", "/api/v1/stories", client, with_key),
    ]


def facts(*, runs: int, warm_ups: int, signed_in: str) -> list[str]:
    visible = Story.objects.company_wide()
    common = search.containing(visible, COMMON_WORD).count()
    rarer = search.containing(visible, RARER_WORD).count()
    filtered = visible.filter(sentiment=Sentiment.FRUSTRATION, tags__name=FILTER_TAG).count()
    return [
        f"{Story.objects.count():,} stories ({visible.count():,} company-wide), "
        f"{Reaction.objects.count():,} reactions",
        f"“{COMMON_WORD}” matches {common:,} stories, “{RARER_WORD}” {rarer:,}, "
        f"the filter {filtered:,}",
        f"PostgreSQL {postgres_version()}, DEBUG={settings.DEBUG}, signed in as {signed_in} "
        f"(staff), {runs} timed requests per page after {warm_ups} warm-ups",
        machine(),
    ]


def pages_bench(*, runs: int, warm_ups: int, stdout: OutputWrapper) -> None:
    """Time the story pages and the API's story list, and print them as a Markdown table."""
    client, person, with_key = staff_client()
    cases = page_cases(client, with_key)
    with bench_site():
        measure(cases, runs=runs, warm_ups=warm_ups)
    run_facts = facts(runs=runs, warm_ups=warm_ups, signed_in=person.username)
    table = timing_table(("Page", "URL"), cases, ratio_to="bare page", code_urls=True)
    write_lines(stdout, [*facts_list(run_facts), "", *table])
