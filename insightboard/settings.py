"""InsightBoard settings: one file, every knob an environment variable (see .env.example)."""

import datetime
import os
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from insightboard.env import (
    env_bool,
    env_choice,
    env_date,
    env_int,
    env_list,
    env_str,
    mailer_from_url,
)

# Lets admin and form classes be subscripted for the type checker (ModelAdmin[Story]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false "
            "(set DJANGO_DEBUG=true for local use)."
        )
    SECRET_KEY = "insecure-local-only-key-for-debug-use-never-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or (
    ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    # Serves the API docs' Swagger UI from this site, not from a CDN.
    "ninja",
    "axes",
    "insightboard.people",
    "stories",
    "meetings",
    "insightboard.metrics",
    "insightboard.demo",
    "insightboard.digest",
    "insightboard.submissions",
    "insightboard.outbox",
]

MIDDLEWARE = [
    # First, so that every answer (redirects and refusals too) has an id and an access line.
    "insightboard.logs.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Refuses what is too large to read (before any view reads the body) and gives blank error
    # answers (a method check's 405) a page of ours, which the middleware above send with
    # their security headers.
    "insightboard.error_pages.ErrorPagesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "insightboard.urls"
WSGI_APPLICATION = "insightboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stories.context_processors.quick_capture",
            ],
            "builtins": ["django_htmx.templatetags.django_htmx"],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except (ValueError, dj_database_url.UnknownSchemeError) as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if test_name := env_str("INSIGHTBOARD_TEST_DATABASE"):
        # Parallel test runs (helpers, CI shards) each need a database of their own.
        DATABASES["default"]["TEST"] = {"NAME": test_name}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock at BEGIN instead of failing midway ("database is locked"),
    # and the test database is a file so that threads in tests share it as processes would.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    test_file = env_str("INSIGHTBOARD_TEST_DATABASE") or f"test-{os.getpid()}"
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"{test_file}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work --------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must start with redis:// or rediss://, not {REDIS_URL!r}."
    )
# Django's cache: shared by every web process on Redis (rendered fragments, API rate counts),
# in the process's own memory without it. A hung or absent Redis costs a page half a second at
# most: readers treat a cache error as a miss.
CACHE_SECONDS = 0.5
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "insightboard",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_SECONDS,
                "socket_timeout": CACHE_SECONDS,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker, tasks run in the web process as they are queued: nothing to install. A task
# that fails there is logged, as a worker would log it, and never turns the page that queued it
# into an error after its write was saved.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Hosts get their opener this many hours before a meeting that has none yet.
INSIGHTBOARD_PREBRIEF_HOURS = env_int("INSIGHTBOARD_PREBRIEF_HOURS", 24, minimum=1)
PREBRIEF_SWEEP_SECONDS = 10 * 60
DIGEST_TICK_SECONDS = 15 * 60
OUTBOX_SWEEP_SECONDS = 60
IMPORT_SWEEP_SECONDS = 5 * 60
CELERY_BEAT_SCHEDULE = {
    "hand-over-waiting-work": {
        "task": "insightboard.outbox.tasks.hand_over_waiting",
        # Background work the broker could not take when a write asked for it (insightboard/outbox).
        "schedule": OUTBOX_SWEEP_SECONDS,
        "options": {"expires": OUTBOX_SWEEP_SECONDS - 10},
    },
    "send-prebriefs": {
        "task": "meetings.tasks.send_prebriefs",
        "schedule": PREBRIEF_SWEEP_SECONDS,
        # A sweep stuck in the queue past the next one is dropped, not run late.
        "options": {"expires": PREBRIEF_SWEEP_SECONDS - 60},
    },
    "remind-leaders": {
        "task": "stories.reports.tasks.remind_leaders",
        # Each morning (in Celery's time zone); a reminder claim makes a second run harmless.
        "schedule": crontab(hour=9, minute=0),
        # A sweep still queued by the evening is dropped: tomorrow's covers the same leaders.
        "options": {"expires": 12 * 60 * 60},
    },
    "send-digest": {
        "task": "insightboard.digest.tasks.digest_tick",
        # "Is last week's digest due?" The answer is idempotent, so asking often is harmless.
        "schedule": DIGEST_TICK_SECONDS,
        "options": {"expires": DIGEST_TICK_SECONDS - 60},
    },
    "resume-stalled-imports": {
        "task": "stories.imports.tasks.resume_stalled_imports",
        # A CSV import whose worker died carries on after its last chunk (stories/imports).
        "schedule": IMPORT_SWEEP_SECONDS,
        "options": {"expires": IMPORT_SWEEP_SECONDS - 60},
    },
}
# When the company was founded: no story happened, and no meeting or metric week was, before it.
INSIGHTBOARD_COMPANY_FOUNDED = env_date("INSIGHTBOARD_COMPANY_FOUNDED", datetime.date(2000, 1, 1))
# Leaders aim to file one executive report every this many days (the Leaders' corner target).
INSIGHTBOARD_LEADER_REPORT_DAYS = env_int("INSIGHTBOARD_LEADER_REPORT_DAYS", 30, minimum=1)

# --- Email ------------------------------------------------------------------------------------
# Printed to the console while developing; a production server relays through local SMTP.
EMAIL_URL = env_str("EMAIL_URL", "console://" if DEBUG else "smtp://localhost:25")
MAILERS = {"default": mailer_from_url("EMAIL_URL", EMAIL_URL)}
DEFAULT_FROM_EMAIL = env_str("INSIGHTBOARD_FROM_EMAIL", "InsightBoard <insightboard@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The weekly digest ------------------------------------------------------------------------
# The kill switch: false stops every scheduled and manual send (the archive and preview stay).
INSIGHTBOARD_DIGEST_ENABLED = env_bool("INSIGHTBOARD_DIGEST_ENABLED", default=True)
INSIGHTBOARD_DIGEST_FROM = env_str("INSIGHTBOARD_DIGEST_FROM") or DEFAULT_FROM_EMAIL
# Addresses or domains the digest may go to; empty: everyone. A staging copy lists a test inbox.
INSIGHTBOARD_DIGEST_ALLOWED_RECIPIENTS = [
    entry.lower() for entry in env_list("INSIGHTBOARD_DIGEST_ALLOWED_RECIPIENTS")
]
# Sent on this day and hour of the company's week, for the week before.
INSIGHTBOARD_DIGEST_SEND_DAY = env_choice(
    "INSIGHTBOARD_DIGEST_SEND_DAY",
    "monday",
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
)
INSIGHTBOARD_DIGEST_SEND_HOUR = env_int("INSIGHTBOARD_DIGEST_SEND_HOUR", 8, maximum=23)
# A run that would start later than this after its time is skipped and recorded, never sent.
INSIGHTBOARD_DIGEST_MAX_LATE_HOURS = env_int("INSIGHTBOARD_DIGEST_MAX_LATE_HOURS", 24, minimum=1)
# A claimed delivery not marked within this many seconds was lost with its process: another may
# take it over. Far above the SMTP timeout times its retries.
INSIGHTBOARD_DIGEST_CLAIM_TIMEOUT = env_int("INSIGHTBOARD_DIGEST_CLAIM_TIMEOUT", 600, minimum=60)
# For relays that cap senders; 0 (unset): no limit.
INSIGHTBOARD_DIGEST_RATE_PER_MINUTE = env_int("INSIGHTBOARD_DIGEST_RATE_PER_MINUTE", 0)
# Absolute links in emails (password reset, invitations) are built from this.
SITE_URL = env_str("INSIGHTBOARD_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- People -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock a username from one address, so one attacker cannot lock a whole office out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("INSIGHTBOARD_LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Requests a minute each API key may make (insightboard/api/rate_limit.py), counted in the cache.
INSIGHTBOARD_API_REQUESTS_PER_MINUTE = env_int(
    "INSIGHTBOARD_API_REQUESTS_PER_MINUTE", 300, minimum=1
)

SIGNUP_DOMAINS = [domain.lower().lstrip("@") for domain in env_list("INSIGHTBOARD_SIGNUP_DOMAINS")]

# --- Locale -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("INSIGHTBOARD_TIME_ZONE", "UTC")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"INSIGHTBOARD_TIME_ZONE must be a time zone name such as Europe/London, not {TIME_ZONE!r}."
    ) from None
USE_I18N = True
USE_TZ = True
# Beat's crontab hours ("each morning at 9") are the company's, not UTC's.
CELERY_TIMEZONE = TIME_ZONE

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
# Collected for production (the Dockerfile runs collectstatic); in debug, served from the sources.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security ---------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# json: one object per line (time, level, logger, message, request_id, ...) for a log collector;
# text for reading in a terminal (`make run`).
LOG_FORMAT = env_choice("INSIGHTBOARD_LOG_FORMAT", "text" if DEBUG else "json", ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "insightboard.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "insightboard.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("INSIGHTBOARD_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
