"""InsightBoard as a deploy serves it: gunicorn, debug off, static files collected, behind a proxy
that speaks HTTPS to browsers (X-Forwarded-Proto), against the database a test gives it; and a
small HTTP client that signs in and keeps its cookies as a browser does."""

import fcntl
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import requests
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders

from insightboard.demo.data.people import DEMO_PASSWORD
from tests.faults.cluster import free_port
from tests.test_production import production_environment, staticfiles_lock

# A page must answer within this whatever the database does; the client's deadline, not a timing.
PAGE_DEADLINE = 6.0
# The longest a test waits for a server to start or a database to come back.
WAIT_SECONDS = 60.0
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def wait_until[T](check: Callable[[], T | None], *, what: str, seconds: float = WAIT_SECONDS) -> T:
    """What `check` returned once it returned something; fails if that took over `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        outcome = check()
        if outcome is not None:
            return outcome
        assert time.monotonic() < deadline, f"Gave up waiting for {what}."
        time.sleep(0.1)


def loopback_environment(database_url: str, port: int) -> dict[str, str]:
    """The production settings of tests/test_production.py, served on loopback at `port`."""
    return production_environment(
        database_url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        INSIGHTBOARD_SITE_URL=f"https://127.0.0.1:{port}",
        EMAIL_URL="console://",
        # Warnings and errors only: the access log of a few thousand requests says nothing here.
        INSIGHTBOARD_LOG_LEVEL="WARNING",
    )


def manage(environment: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def collected_static_is_current() -> bool:
    """Whether STATIC_ROOT (as a deploy collects it) already holds every static file as it is
    now: hashing and compressing them all again takes minutes on a busy machine, and
    `make test` (tests/test_production.py) has usually just done it."""
    manifest = Path(settings.BASE_DIR) / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = json.loads(manifest.read_text())["paths"]
    sources = [
        (path, storage.path(path))
        for finder in get_finders()
        for path, storage in finder.list(["CVS", ".*", "*~"])
    ]
    written = manifest.stat().st_mtime
    return all(
        path in collected and Path(source).stat().st_mtime < written for path, source in sources
    )


@dataclass
class Server:
    url: str
    log: Path

    def client(self) -> "Browser":
        return Browser(self.url)


@contextmanager
def gunicorn(database_url: str, log: Path, *, stories: int = 40) -> Iterator[Server]:
    """Migrated, seeded with a small demo company, its static files collected; served by
    gunicorn as the Dockerfile runs it (fewer workers), stopped afterwards."""
    port = free_port()
    environment = loopback_environment(database_url, port)
    manage(environment, "migrate", "--no-input", "--verbosity", "0")
    manage(environment, "seed_demo", "--stories", str(stories))
    with staticfiles_lock().open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not collected_static_is_current():
            manage(environment, "collectstatic", "--no-input", "--verbosity", "0")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "insightboard.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "3",
        "--timeout",
        "30",
        # Its control socket lives at one path per account, which other gunicorns share.
        "--no-control-socket",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - gunicorn from this venv, fixed arguments
            command, cwd=settings.BASE_DIR, env=environment, stdout=output, stderr=output
        )
    server = Server(url=f"http://127.0.0.1:{port}", log=log)
    try:
        wait_until(lambda: listening(server.url), what="gunicorn to answer")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def listening(url: str) -> bool | None:
    try:
        Browser(url).get("/healthz")
    except requests.RequestException:
        return None  # not listening yet, or its workers are still starting
    return True


class Browser:
    """Cookies kept as a browser keeps them (the session and CSRF cookies are Secure, which
    requests would not send over the plain HTTP between a proxy and gunicorn), and every
    request marked as having come over HTTPS, as the proxy in front of gunicorn marks it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.cookies: dict[str, str] = {}

    def headers(self) -> dict[str, str]:
        host = self.url.removeprefix("http://")
        return {"X-Forwarded-Proto": "https", "Origin": f"https://{host}", "Host": host}

    def keep_cookies(self, response: requests.Response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def request(
        self, method: str, path: str, *, timeout: float = PAGE_DEADLINE, **options: object
    ) -> requests.Response:
        response = requests.request(
            method,
            f"{self.url}{path}",
            headers=self.headers(),
            cookies=self.cookies,
            allow_redirects=False,
            timeout=timeout,
            **options,  # type: ignore[arg-type]
        )
        self.keep_cookies(response)
        return response

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> requests.Response:
        token = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        return self.request("POST", path, data={**token, **form})

    def sign_in(self, username: str, *, timeout: float = PAGE_DEADLINE) -> None:
        page = self.request("GET", "/accounts/login/", timeout=timeout)
        assert page.status_code == 200, page.status_code
        [token] = CSRF_INPUT.findall(page.text)
        response = self.request(
            "POST",
            "/accounts/login/",
            timeout=timeout,
            data={"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD},
        )
        assert response.status_code == 302, response.text[:500]
        assert "sessionid" in self.cookies
