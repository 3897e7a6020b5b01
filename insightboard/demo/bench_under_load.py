"""`make bench`, under load: the list pages as people meet them, many requests at once.

gunicorn serves the project with the production settings (debug off, hashed static files, the
shared cache on Redis when REDIS_URL is set) on loopback; wrk keeps a few connections busy against
each list page in turn, signed in as a demo staff person, and against the sign-in page, which has
the same layout and no data: the ceiling of this stack on this machine. Each page's rate is shown
next to the sign-in page's from the same run, since a shared machine's busy moments move the
absolute figures more than the ratios.
"""

import fcntl
import hashlib
import http.client
import io
import math
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection
from django.urls import reverse

from insightboard.demo.bench import facts_list, machine, postgres_version, write_lines
from insightboard.demo.data.people import DEMO_PASSWORD, PEOPLE
from stories.models import Story

BENCH_STORIES = 200_000
SECONDS = 5
WARM_UP_SECONDS = 2
CONNECTIONS = 4
THREADS = 2
WORKERS = 2
PORT = 8901
WRK_TIMEOUT_SECONDS = 10
# About one story in four says it: a search that has to rank many matches.
COMMON_WORD = "phone"

# The goals of issue 11, each against the sign-in page's rate in the same run.
LIST_RATIO_GOAL = 0.2
LIST_P99_GOAL_MS = 100
SEARCH_P99_GOAL_MS = 150
HOME_RATIO_GOAL = 0.15


@dataclass(frozen=True)
class Target:
    page: str
    url: str
    signed_in: bool = True


@dataclass(frozen=True)
class Load:
    """What wrk saw for one page."""

    target: Target
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    # Requests wrk gave up on after WRK_TIMEOUT_SECONDS: not in the rate or the percentiles.
    timed_out: int


def targets() -> list[Target]:
    listing = reverse("stories:list")
    return [
        Target("Sign-in page (same layout, no data)", reverse("login"), signed_in=False),
        Target("Insights list", listing),
        Target("Search for a common word", f"{listing}?{urlencode({'q': COMMON_WORD})}"),
        Target("Home", reverse("home")),
        Target("Meetings", reverse("meetings:list")),
        Target("Leaders\u2019 corner", reverse("stories:leaders")),
        Target("Kudos", reverse("stories:kudos")),
        Target("Metrics", reverse("metrics:list")),
        Target("Digest archive", reverse("digest:archive")),
    ]


def demo_company_ready(wanted: int, *, stdout: OutputWrapper) -> None:
    """The demo company with `wanted` stories: people, meetings, kudos, metrics and digests
    too, since every list page is measured (a database the other benches seeded has stories
    only; seed_demo adds the rest where there is none). Then ANALYZE, as autovacuum may be off."""
    missing = max(0, wanted - Story.objects.count())
    if missing:
        stdout.write(f"Seeding the demo company with {missing:,} more stories (once)…")
    call_command("seed_demo", stories=missing, stdout=stdout if missing else io.StringIO())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    stdout.write(f"ANALYZE of the database: {time.perf_counter() - started:.1f} s.")


def static_files_collected() -> None:
    """Hashed static files for debug-off pages, collected under the lock the production test
    takes, so a test run beside the bench never reads a half-written staticfiles/."""
    checkout = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"insightboard-staticfiles-{checkout}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=production_environment(redis_url=""),
            check=True,
        )


def production_environment(*, redis_url: str) -> dict[str, str]:
    """The production settings on plain HTTP over loopback, against this database."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "INSIGHTBOARD_", "REDIS_URL"))
    }
    environment.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Loopback has no TLS: production's redirect to HTTPS would answer every request.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=os.environ["DATABASE_URL"],
    )
    if redis_url:
        environment["REDIS_URL"] = redis_url
    return environment


@contextmanager
def gunicorn(*, port: int, workers: int, redis_url: str, log: Path) -> Iterator[None]:
    """gunicorn serving the project until the block ends; its output goes to `log`."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "insightboard.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=settings.BASE_DIR,
            env=production_environment(redis_url=redis_url),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            answering(port, server, log)
            yield
        finally:
            server.terminate()
            server.wait(timeout=30)


def answering(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise CommandError(f"gunicorn stopped at start:\n{log.read_text()[-2000:]}")
        try:
            status, _, _ = request(port, "GET", reverse("healthz"))
        except OSError:
            time.sleep(0.1)
            continue
        if status == 200:
            return
        time.sleep(0.1)
    raise CommandError(f"gunicorn did not answer on port {port} within 30 s.")


def request(
    port: int, method: str, url: str, *, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, str, list[str]]:
    """One request: its status, its body, and the cookies it set."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request(method, url, body=body or None, headers=headers or {})
        response = client.getresponse()
        return (
            response.status,
            response.read().decode(errors="replace"),
            response.headers.get_all("Set-Cookie") or [],
        )
    finally:
        client.close()


def cookies_of(set_cookie: list[str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in set_cookie:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def signed_in_cookie(port: int) -> str:
    """Sign in as a demo staff person through the real sign-in form: the Cookie header for wrk."""
    staff = next(person for person in PEOPLE if not person.roles)
    status, page, set_cookie = request(port, "GET", reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise CommandError(f"The sign-in page answered {status} without a CSRF token.")
    cookies = cookies_of(set_cookie)
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "username": staff.email,
        "password": DEMO_PASSWORD,
    }
    status, _, set_cookie = request(
        port,
        "POST",
        reverse("login"),
        body=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        },
    )
    cookies |= cookies_of(set_cookie)
    if status != 302 or settings.SESSION_COOKIE_NAME not in cookies:
        raise CommandError(f"Signing in as {staff.email} answered {status}, not a redirect.")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_figures(output: str) -> tuple[float, float, float, int]:
    """Requests per second, p50 and p99 in ms, and requests timed out, from `wrk --latency`."""

    def latency(percent: str) -> float:
        found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        # No line when nothing finished in time: every request timed out.
        return float(found.group(1)) * UNITS_MS[found.group(2)] if found else math.nan

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if rate is None:
        raise CommandError(f"wrk printed no rate:\n{output}")
    if "Non-2xx or 3xx responses" in output:
        raise CommandError(f"Some answers were errors, so the figures mean nothing:\n{output}")
    timeouts = re.search(r"timeout (\d+)", output)
    return (
        float(rate.group(1)),
        latency("50"),
        latency("99"),
        int(timeouts.group(1)) if timeouts else 0,
    )


def wrk(wrk_path: str, url: str, cookie: str, *, seconds: int, connections: int) -> str:
    command = [
        wrk_path,
        f"--threads={min(THREADS, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        f"--timeout={WRK_TIMEOUT_SECONDS}s",
        "--latency",
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    finished = subprocess.run(  # noqa: S603 - wrk from PATH with our own arguments
        [*command, url], capture_output=True, text=True, check=True
    )
    return finished.stdout


def load_of(
    target: Target, *, port: int, cookie: str, wrk_path: str, seconds: int, connections: int
) -> Load:
    sent_cookie = cookie if target.signed_in else ""
    try:
        status, _, _ = request(port, "GET", target.url, headers={"Cookie": sent_cookie})
    except TimeoutError:
        # Slower than the check's patience: a row that says so, and the other pages still run.
        return Load(target, 0.0, math.nan, math.nan, timed_out=1)
    if status != 200:
        raise CommandError(f"{target.url} answered {status}, not 200: nothing to measure.")
    url = f"http://127.0.0.1:{port}{target.url}"
    # Warm: both workers' connections, caches and compiled templates, as a running site has.
    wrk(wrk_path, url, sent_cookie, seconds=WARM_UP_SECONDS, connections=connections)
    output = wrk(wrk_path, url, sent_cookie, seconds=seconds, connections=connections)
    return Load(target, *wrk_figures(output))


def load_table(loads: list[Load]) -> list[str]:
    ceiling = loads[0].requests_per_second
    lines = [
        "| Page | URL | Requests/s | p50 ms | p99 ms | Ratio to the sign-in page "
        f"| Timed out ({WRK_TIMEOUT_SECONDS} s) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]

    def ms(value: float) -> str:
        # wrk prints 0 when no request finished within the run.
        return f"{value:.1f}" if value > 0 else "-"

    for load in loads:
        lines.append(
            f"| {load.target.page} | `{load.target.url}` | {load.requests_per_second:.0f} "
            f"| {ms(load.p50_ms)} | {ms(load.p99_ms)} "
            f"| {load.requests_per_second / ceiling:.2f} | {load.timed_out} |"
        )
    return lines


def goals(loads: list[Load]) -> list[str]:
    """Issue 11's goals for these pages, each said met or missed with the figure."""
    by_page = {load.target.page: load for load in loads}
    ceiling = loads[0].requests_per_second
    listing, search, home = (
        by_page["Insights list"],
        by_page["Search for a common word"],
        by_page["Home"],
    )

    def said(met: bool) -> str:
        return "met" if met else "MISSED"

    list_ratio = listing.requests_per_second / ceiling
    home_ratio = home.requests_per_second / ceiling
    return [
        f"Insights list at least {LIST_RATIO_GOAL} of the sign-in page's rate "
        f"({list_ratio:.2f}) with p99 under {LIST_P99_GOAL_MS} ms ({listing.p99_ms:.0f} ms): "
        f"{said(list_ratio >= LIST_RATIO_GOAL and listing.p99_ms < LIST_P99_GOAL_MS)}",
        f"Search p99 under {SEARCH_P99_GOAL_MS} ms ({search.p99_ms:.0f} ms): "
        f"{said(search.p99_ms < SEARCH_P99_GOAL_MS)}",
        f"Home at least {HOME_RATIO_GOAL} of the sign-in page's rate ({home_ratio:.2f}): "
        f"{said(home_ratio >= HOME_RATIO_GOAL)}",
    ]


def under_load_bench(
    *,
    port: int,
    seconds: int,
    connections: int,
    workers: int,
    redis_url: str,
    stdout: OutputWrapper,
) -> None:
    wrk_path = shutil.which("wrk")
    if wrk_path is None:
        raise CommandError("The bench under load needs wrk: `apt-get install wrk`.")
    static_files_collected()
    stories = Story.objects.count()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "gunicorn.log"
        with gunicorn(port=port, workers=workers, redis_url=redis_url, log=log):
            cookie = signed_in_cookie(port)
            loads = [
                load_of(
                    target,
                    port=port,
                    cookie=cookie,
                    wrk_path=wrk_path,
                    seconds=seconds,
                    connections=connections,
                )
                for target in targets()
            ]
    stdout.write("")
    stdout.write(f"### Under load, {stories:,} stories")
    stdout.write("")
    write_lines(stdout, load_table(loads))
    write_lines(
        stdout,
        facts_list(
            [
                f"gunicorn, {workers} sync workers, production settings (debug off) over "
                "loopback HTTP; the shared cache on "
                + ("Redis" if redis_url else "local memory, one per worker"),
                f"wrk, {connections} connections, {seconds} s per page after a "
                f"{WARM_UP_SECONDS} s warm-up, signed in as a demo staff person "
                "(the sign-in page signed out)",
                f"Timed out: requests wrk gave up on after {WRK_TIMEOUT_SECONDS} s; a page "
                "that did not answer the check before its run (30 s) shows 1 and no figures",
                f"PostgreSQL {postgres_version()}, {stories:,} stories, analysed",
                f"{machine()} (load average {load_before:.1f} at the start)",
            ]
        ),
    )
    write_lines(stdout, ["", *(f"- Goal: {line}" for line in goals(loads))])
