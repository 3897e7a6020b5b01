"""PostgreSQL restarted under load: people signed in keep reading pages and logging insights while
the database is stopped (fast shutdown: connections cut, transactions rolled back) and started
again. Every answer is a success or our 503 page, never a 500, a traceback or a setting, and
never later than a page's deadline; /healthz says the database is down, then ok; and once the
database is back, gunicorn's workers serve again by themselves, without a restart."""

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from html import unescape

import pytest
import requests

from tests.faults.cluster import Cluster, throwaway_cluster
from tests.faults.server import (
    PAGE_DEADLINE,
    WAIT_SECONDS,
    Browser,
    Server,
    gunicorn,
    wait_until,
)
from tests.races import at_once

# What only a debug page, a traceback or a leaked setting would show.
LEAKS = ("Traceback", "OperationalError", "psycopg", "DATABASES", "SECRET_KEY", "Request Method")
OUR_503 = "InsightBoard can't reach its database right now"
PEOPLE = 6
# How many times someone may ask for a page once the database is back before it must answer.
POLLS = 50
INSIGHT_PREFIX = "Restart drill insight"


@dataclass(frozen=True)
class Answer:
    person: int
    action: str
    started: float
    ended: float
    status: int | None  # None: no answer within the page's deadline
    text: str

    @property
    def succeeded(self) -> bool:
        return self.status in (200, 302)

    @property
    def ours_503(self) -> bool:
        return self.status == 503 and OUR_503 in unescape(self.text)


class Load:
    """People signed in, each asking for one page after another (and now and then logging an
    insight) until told to stop; every answer is kept."""

    def __init__(self, server: Server, usernames: list[str], story_id: int) -> None:
        self.story_id = story_id
        # Signed in before the load starts: signing in hashes a password, slow on purpose.
        self.browsers = [server.client() for _ in range(PEOPLE)]
        for index, browser in enumerate(self.browsers):
            browser.sign_in(usernames[index % len(usernames)], timeout=WAIT_SECONDS)
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.insights: dict[str, Answer] = {}

    def actions(self, person: int) -> Iterator[tuple[str, Callable[[Browser], requests.Response]]]:
        for number in itertools.count():
            yield "insights", lambda browser: browser.get("/stories/")
            yield "home", lambda browser: browser.get("/")
            yield "a story", lambda browser: browser.get(f"/stories/{self.story_id}/")
            yield "meetings", lambda browser: browser.get("/meetings/")
            title = f"{INSIGHT_PREFIX} {person}-{number}"
            form = {"title": title, "sentiment": "frustration", "kind": "customer"}
            yield f"log an insight: {title}", partial(Browser.post, path="/stories/new/", form=form)

    def person(self, index: int) -> None:
        browser = self.browsers[index]
        for action, ask in self.actions(index):
            if self.stop.is_set():
                return
            started = time.monotonic()
            try:
                response = ask(browser)
                status, text = response.status_code, response.text
            except requests.RequestException as error:
                status, text = None, repr(error)
            with self.lock:
                self.answers.append(Answer(index, action, started, time.monotonic(), status, text))

    @contextmanager
    def running(self) -> Iterator[None]:
        threads = [
            threading.Thread(target=self.person, args=(index,), daemon=True)
            for index in range(PEOPLE)
        ]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(timeout=PAGE_DEADLINE * 2)
        assert not any(thread.is_alive() for thread in threads)

    def since(self, moment: float) -> list[Answer]:
        with self.lock:
            return [answer for answer in self.answers if answer.started > moment]

    def at_least(self, count: int, moment: float, kind: Callable[[Answer], bool]) -> bool | None:
        """True once `count` answers of this kind were asked for after `moment`."""
        return True if sum(map(kind, self.since(moment))) >= count else None


def demo_facts(cluster: Cluster) -> tuple[list[str], int]:
    """The demo company's people who may sign in, and one of its insights."""
    with cluster.connect() as connection:
        usernames = [
            row[0]
            for row in connection.execute(
                "SELECT username FROM auth_user WHERE is_active ORDER BY id LIMIT %s", [PEOPLE]
            )
        ]
        row = connection.execute("SELECT min(id) FROM stories_story").fetchone()
    assert usernames
    assert row is not None
    return usernames, row[0]


def logged_insights(cluster: Cluster) -> Counter[str]:
    with cluster.connect() as connection:
        rows = connection.execute(
            "SELECT title FROM stories_story WHERE title LIKE %s", [f"{INSIGHT_PREFIX} %"]
        )
        return Counter(row[0] for row in rows)


def health(server: Server) -> tuple[int, str]:
    response = server.client().get("/healthz")
    return response.status_code, response.json()["database"]


def first_page_after(browser: Browser) -> int:
    """How many times someone signed in asked for the insights page before it answered 200."""
    for poll in range(1, POLLS + 1):
        if browser.get("/stories/").status_code == 200:
            return poll
    raise AssertionError(f"The insights page did not answer 200 in {POLLS} tries.")


@dataclass(frozen=True)
class Served:
    cluster: Cluster
    server: Server
    usernames: list[str]
    story_id: int


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo company on a cluster of our own, served by gunicorn with production settings."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with throwaway_cluster() as cluster, gunicorn(cluster.url, log) as server:
        yield Served(cluster, server, *demo_facts(cluster))


def everyone_asks(browsers: list[Browser], *, rounds: int) -> list[int]:
    """Everyone asks for the insights page at the same moment, `rounds` times; the statuses."""
    statuses: list[int] = []
    for _ in range(rounds):
        for outcome in at_once(
            *(partial(Browser.get, browser, "/stories/") for browser in browsers)
        ):
            assert not isinstance(outcome, Exception), outcome
            statuses.append(outcome.status_code)
    return statuses


def test_it_answers_503_while_postgresql_restarts_and_recovers_by_itself(served):
    cluster, server = served.cluster, served.server
    load = Load(server, served.usernames, served.story_id)
    polling = server.client()
    polling.sign_in(served.usernames[0], timeout=WAIT_SECONDS)
    assert health(server) == (200, "ok")

    with load.running():
        began = time.monotonic()
        wait_until(
            lambda: load.at_least(PEOPLE * 3, began, lambda answer: answer.succeeded),
            what="everyone to be served",
        )
        cluster.stop("fast")
        stopped = time.monotonic()
        wait_until(
            lambda: load.at_least(PEOPLE * 3, stopped, lambda answer: answer.ours_503),
            what="pages to answer while the database is down",
        )
        assert health(server) == (503, "down")
        starting = time.monotonic()
        cluster.start()
        polls = first_page_after(polling)
        back = time.monotonic()
        wait_until(
            lambda: load.at_least(PEOPLE * 3, back, lambda answer: answer.succeeded),
            what="everyone to be served again",
        )
    assert health(server) == (200, "ok")
    saved = logged_insights(cluster)

    answers = load.answers
    print(
        polls,
        len(answers),
        Counter(a.status for a in answers),
        len([a for a in answers if stopped < a.started and a.ended < starting]),
        len([a for a in answers if a.started > back]),
    )
    for answer in answers:
        assert answer.status is not None, f"{answer.action}: no answer in time: {answer.text}"
        assert answer.succeeded or answer.ours_503, (answer.action, answer.status, answer.text)
        assert [leak for leak in LEAKS if leak in answer.text] == [], answer.action
    # Asked for once the database had stopped and answered before it started: our 503, always.
    outage = [answer for answer in answers if stopped < answer.started and answer.ended < starting]
    assert outage
    assert {answer.status for answer in outage} == {503}
    # Once a page answered again, every worker serves: nobody meets a stale connection.
    after = [answer for answer in answers if answer.started > back]
    assert after
    assert [answer for answer in after if not answer.succeeded] == []
    # Every insight the page said was logged is saved exactly once; nothing is saved twice.
    logged = {
        answer.action.removeprefix("log an insight: ")
        for answer in answers
        if answer.action.startswith("log an insight") and answer.succeeded
    }
    assert logged
    assert {title: saved[title] for title in logged} == dict.fromkeys(logged, 1)
    assert max(saved.values()) == 1


def test_it_serves_at_once_after_a_restart_nobody_saw(served):
    """Each worker keeps its database connection between requests (CONN_MAX_AGE); after a
    restart between two requests, that connection is dead, and the next request must notice
    and connect again rather than fail."""
    browsers = [served.server.client() for _ in range(PEOPLE)]
    for index, browser in enumerate(browsers):
        browser.sign_in(served.usernames[index % len(served.usernames)], timeout=WAIT_SECONDS)
    # Every worker has served, and holds a connection.
    assert set(everyone_asks(browsers, rounds=3)) == {200}

    served.cluster.stop("fast")
    served.cluster.start()

    assert set(everyone_asks(browsers, rounds=3)) == {200}
