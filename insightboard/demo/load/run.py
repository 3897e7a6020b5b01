"""`manage.py loadtest`: the servers started, the staff let loose, everything stopped, the figures.

The database is prepared in this process (seeded once, kept for the next run). Gunicorn, a Celery
worker with beat, and locust run as child processes, each in a session of its own so that Ctrl-C
reaches this process only and it stops them in order; their logs go to a folder under the
system's temporary directory, named at the end.
"""

import datetime
import fcntl
import hashlib
import importlib.util
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import Celery
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection

from insightboard.demo.bench import bench_database_ready, bench_stories_seed, postgres_version
from insightboard.demo.data.people import DEMO_PASSWORD, PEOPLE
from insightboard.demo.data.words import TAGS
from insightboard.demo.load.ledger import attempts_read
from insightboard.demo.load.plan import PLAN_VARIABLE, Plan, plan_write
from insightboard.demo.load.reconcile import Reconciliation, reconcile
from insightboard.demo.load.report import (
    ALL,
    EndpointFigures,
    endpoint_figures,
    figures_table,
    requests_read,
)
from insightboard.demo.meetings import meetings_seed
from insightboard.demo.people import extra_people_seed
from insightboard.demo.stories import kudos_seed
from insightboard.people.roles import Role
from stories.models import Story

LOAD_STORIES = 200_000
USERS = 50
SECONDS = 60
# As the Dockerfile runs it.
WEB_WORKERS = 3
WEB_TIMEOUT = 120
# Words the demo stories use often: a search that finds many, as a real one would.
SEARCH_WORDS = ["refund", "contract", "app", "engineer", "bill"]
# Staff beyond the demo company's named people sign in as the seeded colleagues.
COLLEAGUE_PREFIX = "colleague"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
STARTUP_SECONDS = 90
# Users finish the request they are in when the time is up, rather than being cut off mid-way.
STOP_SECONDS = 30
HOW = (
    "The load test needs PostgreSQL, at the volume production will have. Run `make loadtest`: it "
    "uses postgres://postgres@127.0.0.1:5432/insightboard_load (created, migrated and seeded on "
    "first use), or set DATABASE_URL to a PostgreSQL database of its own and run "
    "`python manage.py loadtest`."
)


@dataclass(frozen=True)
class Settings:
    users: int
    seconds: int
    port: int
    web_workers: int
    redis_url: str
    stories: int

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Outcome:
    figures: list[EndpointFigures]
    reconciliation: Reconciliation
    waiting_after: str
    errors_logged: int
    # Received and succeeded, as the worker logged them.
    tasks: tuple[int, int]

    @property
    def everything(self) -> EndpointFigures:
        return next(row for row in self.figures if row.endpoint == ALL)


def hosts_and_staff(users: int) -> tuple[list[str], list[str]]:
    """Sign-in emails: the demo hosts, then everyone else (the seeded colleagues after the
    named people), one account per simulated person where there are enough."""
    hosts = [person.email for person in PEOPLE if Role.HOSTS in person.roles][:users]
    staff = [person.email for person in PEOPLE if Role.HOSTS not in person.roles]
    colleagues = User.objects.filter(username__startswith=COLLEAGUE_PREFIX, is_active=True)
    wanted = max(users - len(hosts) - len(staff), 0)
    staff += list(colleagues.order_by("username").values_list("username", flat=True)[:wanted])
    return hosts, staff


def load_database_ready(*, stories: int, users: int, stdout: OutputWrapper) -> None:
    """Created, migrated and seeded once (kept for the next run); statistics fresh every run."""
    bench_database_ready(how=HOW, would=f"add {stories:,} demo stories and {users} people to it")
    bench_stories_seed(stories, stdout=stdout)
    hosts, staff = hosts_and_staff(users)
    if missing := users - len(hosts) - len(staff):
        extra_people_seed(missing)
    for seeded in (kudos_seed(), meetings_seed()):
        stdout.write(seeded)
    # PostgreSQL here runs without autovacuum: without this, the planner would plan for the
    # tables as they were before whatever the last run (or seeding) added.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def server_environment(options: Settings) -> dict[str, str]:
    """Production settings, on loopback. Nothing is relaxed: the staff send the header of the
    TLS proxy production has in front of gunicorn (X-Forwarded-Proto: https), so the https
    redirect, secure cookies and HSTS stay as they are. Email goes to the worker's log: there
    is no mail relay on loopback."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "insightboard.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": options.redis_url,
        "EMAIL_URL": "console://",
        "INSIGHTBOARD_SITE_URL": options.address,
    }


def staticfiles_lock() -> Path:
    """The lock tests/test_production.py takes for this checkout's staticfiles/ too."""
    checkout = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"insightboard-staticfiles-{checkout}.lock"


def static_files_current() -> bool:
    """Collected after the last change to our static sources (compressing them all again takes
    the better part of a minute of CPU; packages' own files change only with an upgrade)."""
    manifest = Path(settings.BASE_DIR) / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    sources = [path for folder in settings.STATICFILES_DIRS for path in Path(folder).rglob("*")]
    return all(path.stat().st_mtime < manifest.stat().st_mtime for path in sources)


def static_files_collect(environment: dict[str, str], *, stdout: OutputWrapper) -> None:
    """Hashed and compressed, as the Dockerfile collects them for production."""
    with staticfiles_lock().open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if static_files_current():
            return
        stdout.write("Collecting static files as production serves them…")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=environment,
            check=True,
        )


@contextmanager
def started(
    name: str, command: list[str], *, environment: dict[str, str], logs: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A child process for the length of the block, stopped (SIGTERM, then SIGKILL) after it."""
    log = (logs / f"{name}.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own commands, from this module
        command,
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen[bytes], grace: float = 20) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for(what: str, ready: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not ready():
        if process.poll() is not None:
            raise CommandError(f"{what} stopped while starting (exit {process.returncode}).")
        if time.monotonic() > deadline:
            raise CommandError(f"{what} was not ready within {STARTUP_SECONDS} s.")
        time.sleep(0.5)


def health(address: str) -> dict[str, Any] | None:
    """/healthz as the proxy in front would ask for it (https, so no redirect)."""
    request = urllib.request.Request(  # noqa: S310 - a loopback http address of ours
        f"{address}/healthz", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            found: dict[str, Any] = json.load(answer)
            return found
    except (OSError, ValueError):
        return None


def worker_answers(redis_url: str) -> bool:
    return bool(Celery(broker=redis_url).control.ping(timeout=1.0))


def errors_logged(logs: Path) -> int:
    """Error lines the web processes and the worker logged (JSON logs, one object a line)."""
    count = 0
    for name in ("web", "worker"):
        path = logs / f"{name}.log"
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                count += '"level": "ERROR"' in line or "Traceback" in line
    return count


def worker_tasks(logs: Path) -> tuple[int, int]:
    path = logs / "worker.log"
    text = path.read_text(errors="replace") if path.exists() else ""
    return (
        len(re.findall(r'"message": "Task \S+\[\S+\] received', text)),
        len(re.findall(r'"message": "Task \S+\[\S+\] succeeded', text)),
    )


def locust_command(options: Settings) -> list[str]:
    return [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(options.users),
        # Everyone arrives within a second or two.
        "--spawn-rate",
        str(options.users),
        "--run-time",
        f"{options.seconds}s",
        "--stop-timeout",
        f"{STOP_SECONDS}s",
        "--host",
        options.address,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]


def load_run(options: Settings, *, stdout: OutputWrapper) -> Outcome:
    if importlib.util.find_spec("locust") is None:
        raise CommandError(
            "The load test needs locust: `.venv/bin/pip install --constraint requirements.lock "
            "--group load` (`make loadtest` does it)."
        )
    load_database_ready(stories=options.stories, users=options.users, stdout=stdout)
    hosts, staff = hosts_and_staff(options.users)
    logs = Path(tempfile.mkdtemp(prefix="insightboard-loadtest-"))
    run = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dt%H%M%S")
    plan = Plan(
        run=run,
        password=DEMO_PASSWORD,
        staff=staff,
        hosts=hosts,
        tags=list(TAGS),
        words=SEARCH_WORDS,
        out=str(logs),
    )
    plan_write(logs / "plan.json", plan)
    environment = server_environment(options)
    static_files_collect(environment, stdout=stdout)
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "insightboard.wsgi",
        "--bind",
        f"127.0.0.1:{options.port}",
        "--workers",
        str(options.web_workers),
        "--timeout",
        str(WEB_TIMEOUT),
        "--access-logfile",
        "-",
        # Its control socket sits at one path per user: gunicorns of other checkouts share it.
        "--no-control-socket",
    ]
    worker = [
        *(sys.executable, "-m", "celery", "--app", "insightboard", "worker", "--beat"),
        *("--loglevel", "INFO", "--schedule", str(logs / "beat-schedule")),
    ]
    staff_environment = {
        **os.environ,
        PLAN_VARIABLE: str(logs / "plan.json"),
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    with ExitStack() as running:
        # Ctrl-C and a `kill` both unwind this block, which stops what was started; Ctrl-C too
        # when started in the background, where the shell has it ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        server = running.enter_context(started("web", web, environment=environment, logs=logs))
        celery = running.enter_context(
            started("worker", worker, environment=environment, logs=logs)
        )
        wait_for("gunicorn", lambda: health(options.address) is not None, server)
        wait_for("the Celery worker", lambda: worker_answers(options.redis_url), celery)
        stdout.write(
            f"{options.users} staff ({len(hosts)} of them hosts) for {options.seconds} s against "
            f"{options.address} (logs in {logs})…"
        )
        with started(
            "locust", locust_command(options), environment=staff_environment, logs=logs
        ) as staff_run:
            staff_run.wait(timeout=options.seconds + STOP_SECONDS + STARTUP_SECONDS)
        waiting = (health(options.address) or {}).get("waiting")
    requests = requests_read(plan.requests_path)
    if not requests:
        raise CommandError(f"The staff made no requests: see {logs / 'locust.log'}.")
    return Outcome(
        figures=endpoint_figures(requests),
        reconciliation=reconcile(run, attempts_read(plan.attempts_path)),
        waiting_after=json.dumps(waiting),
        errors_logged=errors_logged(logs),
        tasks=worker_tasks(logs),
    )


def conditions(options: Settings, load_before: float) -> list[str]:
    now = datetime.datetime.now(datetime.UTC)
    return [
        f"- {now:%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs, load average "
        f"{load_before:.1f} before and {os.getloadavg()[0]:.1f} after the run",
        f"- {options.users} staff signed in at once for {options.seconds} s, 1-3 s between "
        f"actions; gunicorn with {options.web_workers} sync workers (production settings), a "
        "Celery worker with beat on Redis, the load generator on the same machine",
        f"- PostgreSQL {postgres_version()} with {Story.objects.count():,} stories",
    ]


def report_lines(options: Settings, outcome: Outcome, *, load_before: float) -> list[str]:
    return [
        *conditions(options, load_before),
        "",
        *figures_table(outcome.figures),
        "",
        f"5xx answers: {outcome.everything.server_errors}; failed requests in all: "
        f"{outcome.everything.failures}; errors in the server and worker logs: "
        f"{outcome.errors_logged}; tasks the worker received {outcome.tasks[0]}, finished "
        f"{outcome.tasks[1]}",
        f"Background work waiting when the staff stopped (/healthz): {outcome.waiting_after}",
        *outcome.reconciliation.lines(),
    ]
