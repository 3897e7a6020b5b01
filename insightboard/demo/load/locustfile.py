"""The simulated staff of `make loadtest`, for locust (the `load` dependency group).

Each is a demo person in a browser session of their own: they sign in, read the home page and the
insights list, filter it and search it (with htmx, as the page does once it is open), open
stories, log insights through the quick capture and the full form, and say "we hear this too".
Hosts also set up a one-off meeting, pull an opener, ask for another and keep one. Every form is
read off the page before it is sent, with its CSRF token and one-time submission token, as a
browser would; every insight carries a marker, and what the person was told about it is written
down for the reconciliation.
"""

import datetime
import itertools
import os
import random
import re
from collections.abc import Iterator
from http.cookiejar import Cookie, DefaultCookiePolicy
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit
from urllib.request import Request as UrllibRequest

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

from insightboard.demo.load.ledger import Attempt, Outcome, attempt_write, new_marker
from insightboard.demo.load.pages import PageForm, form_on, forms_on, story_ids_on
from insightboard.demo.load.plan import PLAN_VARIABLE, plan_read
from insightboard.demo.load.report import Request, request_write

PLAN = plan_read(Path(os.environ[PLAN_VARIABLE]))
ATTEMPTS = PLAN.attempts_path.open("a")
REQUESTS = PLAN.requests_path.open("a")

SENTIMENTS = ("success", "frustration", "idea")
CHANNELS = ("call", "email", "support_ticket", "chat")
QUOTES = (
    "The checkout kept timing out, so I gave up and rang you instead",
    "Your engineer explained the roaming charges better than the website ever did",
    "It would help if the app told me before my data bundle ran out",
    "I waited forty minutes on hold to cancel a contract I never wanted",
    "The new bill layout finally shows what I pay for each line",
)
# What to click next: chance, not secrets.
chance = random.Random()  # noqa: S311
STORY_PAGE = re.compile(r"^/stories/\d+/$")
MEETING_PAGE = re.compile(r"^/meetings/\d+/$")
FORM_TYPE = "application/x-www-form-urlencoded"
QUICK_FORM = "quick-capture-form"


class BehindTlsProxy(DefaultCookiePolicy):
    """Production is served over https by a proxy in front of gunicorn; here gunicorn listens on
    plain http on loopback, and the staff send the header that proxy would (X-Forwarded-Proto).
    Their browsers are on https, so they keep and send the secure session and CSRF cookies."""

    def return_ok_secure(self, cookie: Cookie, request: UrllibRequest) -> bool:
        return True


@events.request.add_listener
def request_noted(
    request_type: str,
    name: str,
    response_time: float,
    response: Any,
    exception: BaseException | None,
    start_time: float,
    **kwargs: Any,
) -> None:
    request_write(
        REQUESTS,
        Request(
            endpoint=f"{request_type} {name}",
            started=start_time,
            ms=response_time,
            status=int(getattr(response, "status_code", 0) or 0),
            failed=exception is not None,
        ),
    )


@events.quitting.add_listener
def files_closed(**kwargs: Any) -> None:
    REQUESTS.close()
    ATTEMPTS.close()


class StaffMember(FastHttpUser):
    """Someone who hears customers, moving through the pages with a moment's thought between."""

    wait_time = between(1, 3)
    default_headers = {"X-Forwarded-Proto": "https"}
    # As long as gunicorn lets a request run: a sign-in hashes the password slowly on purpose
    # (~0.4 s of CPU), and fifty at once queue for the workers.
    network_timeout = 120.0
    emails: ClassVar[Iterator[str]] = itertools.cycle(PLAN.staff)

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(BehindTlsProxy())
        self.origin = f"https://{urlsplit(self.host or '').netloc}"
        # The page on screen: its forms are the ones sent next, its address the Referer.
        self.page = ""
        self.path = "/"
        self.quick_form: PageForm | None = None
        self.sign_in(next(self.emails))

    # --- What a browser does ----------------------------------------------------------------

    def show(self, path: str, name: str, *, expect: str = "") -> str:
        """Go to a page (a click or a redirect followed): it is now the one on screen, and its
        header's quick capture holds the form (and one-time token) for the next insight."""
        with self.client.get(
            path, name=name, headers=self.referer(), catch_response=True
        ) as response:
            self.page, self.path = response.text or "", path
            if expect and expect not in self.page:
                response.failure(f"the page does not say {expect!r}")
        self.quick_form = form_on(self.page, form_id=QUICK_FORM)
        return self.page

    def swap(self, path: str, name: str, target: str | None = None) -> str:
        """An htmx request for part of the page on screen."""
        response = self.client.get(path, name=name, headers=self.htmx(target))
        return response.text or ""

    def referer(self) -> dict[str, str]:
        return {"Referer": f"{self.origin}{self.path}"}

    def htmx(self, target: str | None) -> dict[str, str]:
        headers = {
            **self.referer(),
            "HX-Request": "true",
            "HX-Current-URL": self.referer()["Referer"],
        }
        if target:
            headers["HX-Target"] = target
        return headers

    def post(self, path: str, name: str, fields: dict[str, str], *, htmx: str | None = None) -> Any:
        """A form sent as a browser sends it: its fields, the Origin, and for htmx the CSRF
        header the page's <body> carries. Redirects are not followed: they say how it went."""
        headers = self.htmx(htmx) if htmx is not None else self.referer()
        headers.update({"Origin": self.origin, "Content-Type": FORM_TYPE})
        if htmx is not None:
            headers["X-CSRFToken"] = fields.get("csrfmiddlewaretoken", "")
        return self.client.post(
            path,
            name=name,
            data=urlencode(fields),
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        )

    def on_insights(self) -> None:
        if self.path != "/stories/":
            self.show("/stories/", "/stories/")

    def sign_in(self, email: str) -> None:
        page = self.show("/accounts/login/", "/accounts/login/")
        form = form_on(page, action="") or PageForm(action="", form_id="")
        fields = {**form.fields, "username": email, "password": PLAN.password}
        with self.post("/accounts/login/", "/accounts/login/", fields) as response:
            if response.status_code != 302 or response.headers.get("Location") != "/":
                response.failure(f"{email} was not signed in ({response.status_code})")
                return
        self.show("/", "/")

    # --- What staff do ----------------------------------------------------------------------

    @task(3)
    def home(self) -> None:
        self.show("/", "/")

    @task(4)
    def insights(self) -> None:
        """The insights list, and one of its stories opened."""
        self.show("/stories/", "/stories/")
        if ids := story_ids_on(self.page):
            self.show(f"/stories/{chance.choice(ids)}/", "/stories/<id>/")

    @task(3)
    def filter_insights(self) -> None:
        """A tag chosen in the filters, then a sentiment, then customer insights only."""
        self.on_insights()
        filters = {"tag": chance.choice(PLAN.tags)}
        self.swap(f"/stories/?{urlencode(filters)}", "/stories/?tag=", "results")
        filters["sentiment"] = chance.choice(SENTIMENTS)
        self.swap(f"/stories/?{urlencode(filters)}", "/stories/?tag=&sentiment=", "results")
        self.swap("/stories/?kind=insight", "/stories/?kind=", "results")

    @task(3)
    def search(self) -> None:
        self.on_insights()
        words = {"q": chance.choice(PLAN.words)}
        self.swap(f"/stories/?{urlencode(words)}", "/stories/?q=", "results")

    @task(3)
    def react(self) -> None:
        """ "We hear this too" on a story of the list (or taken back, if already pressed)."""
        self.on_insights()
        buttons = [form for form in forms_on(self.page) if form.action.endswith("/hear-too/")]
        if not buttons:
            return
        form = chance.choice(buttons)
        with self.post(form.action, "/stories/<id>/hear-too/", form.fields, htmx="") as response:
            if response.status_code != 200:
                response.failure(f"not noted ({response.status_code})")

    @task(2)
    def log_quickly(self) -> None:
        """ "Log an insight" in the header, sent with htmx: the dialog says it is logged."""
        if self.quick_form is None:
            self.show("/", "/")
        form = self.quick_form
        if form is None:
            return
        marker = new_marker(PLAN.run)
        fields = {
            **form.fields,
            "quick-title": f"[{marker}] {chance.choice(QUOTES)}",
            "quick-sentiment": chance.choice(SENTIMENTS),
            "quick-tags": chance.choice(PLAN.tags),
            "quick-channel": chance.choice(CHANNELS),
        }
        outcome, status = Outcome.CUT_OFF, 0
        try:
            with self.post(
                "/stories/new/", "/stories/new/ (quick)", fields, htmx="quick-capture-body"
            ) as response:
                status = response.status_code
                # Only a logged insight triggers the list behind the dialog to refresh.
                logged = "insight-logged" in (response.headers.get("HX-Trigger") or "")
                outcome = Outcome.SAVED if status == 200 and logged else Outcome.FAILED
                if outcome is Outcome.FAILED:
                    response.failure(f"not logged ({status})")
        finally:
            attempt_write(ATTEMPTS, Attempt(marker, outcome, "quick", status))
        # The dialog now holds the form it answered with: a fresh one-time token after a success.
        self.quick_form = form_on(response.text or "", form_id=QUICK_FORM)
        if outcome is Outcome.SAVED and self.path == "/stories/":
            # As the list behind the dialog does on "insight-logged".
            self.swap("/stories/", "/stories/ (after logging)", "results")

    @task(1)
    def log_in_full(self) -> None:
        """The full form: the story's page follows once it is logged."""
        form = form_on(self.show("/stories/new/", "/stories/new/"), form_id="story-form")
        if form is None:
            return
        marker = new_marker(PLAN.run)
        fields = {
            **form.fields,
            "title": f"[{marker}] {chance.choice(QUOTES)}",
            "sentiment": chance.choice(SENTIMENTS),
            "body": "Said on a call this week; they have asked twice before.",
            "tags": ", ".join(chance.sample(PLAN.tags, 2)),
            "channel": chance.choice(CHANNELS),
            "customer_organisation": "Load test customer",
        }
        outcome, status, story = Outcome.CUT_OFF, 0, ""
        try:
            with self.post("/stories/new/", "/stories/new/", fields) as response:
                status = response.status_code
                story = response.headers.get("Location") or ""
                logged = status == 302 and STORY_PAGE.match(story) is not None
                outcome = Outcome.SAVED if logged else Outcome.FAILED
                if not logged:
                    response.failure(f"not logged ({status} {story})")
        finally:
            attempt_write(ATTEMPTS, Attempt(marker, outcome, "full", status))
        if outcome is Outcome.SAVED:
            self.show(story, "/stories/<id>/")


class Host(StaffMember):
    """A host of the demo company: everything staff do, and openers for meetings."""

    fixed_count = len(PLAN.hosts)
    emails: ClassVar[Iterator[str]] = itertools.cycle(PLAN.hosts)

    @task(1)
    def meetings(self) -> None:
        self.show("/meetings/", "/meetings/")

    @task(3)
    def open_a_meeting(self) -> None:
        """A one-off meeting set up for tomorrow, an opener pulled, another asked for, one kept."""
        form = form_on(self.show("/meetings/new/", "/meetings/new/"), action="")
        if form is None:
            return
        starts = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
            days=1, minutes=chance.randrange(0, 600)
        )
        fields = {
            **form.fields,
            "title": "Customer corner",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        }
        with self.post("/meetings/new/", "/meetings/new/", fields) as response:
            meeting = response.headers.get("Location") or ""
            if response.status_code != 302 or not MEETING_PAGE.match(meeting):
                response.failure(f"no meeting set up ({response.status_code} {meeting})")
                return
        self.show(meeting, "/meetings/<id>/")
        offered = self.swap(f"{meeting}?pull=1", "/meetings/<id>/?pull=1", "opener")
        another = re.search(r'hx-get="(\?pull=1&amp;seen=[0-9,]+)"', offered)
        if another:
            seen = another.group(1).replace("&amp;", "&")
            offered = self.swap(f"{meeting}{seen}", "/meetings/<id>/?pull=1&seen=", "opener")
        keep = form_on(offered, action=f"{meeting}keep/")
        if keep is None:
            return
        with self.post(keep.action, "/meetings/<id>/keep/", keep.fields) as response:
            if response.status_code != 302:
                response.failure(f"opener not kept ({response.status_code})")
                return
        self.show(meeting, "/meetings/<id>/", expect="This meeting opens with that story")
