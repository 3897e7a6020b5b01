"""Settings come from the environment and a bad value stops start-up, naming the variable."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from insightboard.env import env_bool, env_int, env_list, mailer_from_url

OUR_VARIABLES = ("DJANGO_", "INSIGHTBOARD_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL")


def manage(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a fresh process with only these of our variables set."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(OUR_VARIABLES)
    }
    environment.update({"DJANGO_DEBUG": "true", **variables})
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- Start-up from the environment -------------------------------------------------------------


def test_it_starts_with_no_variables_but_debug():
    result = manage("check")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("INSIGHTBOARD_TIME_ZONE", "Mars/Olympus_Mons"),
        ("EMAIL_URL", "http://mail.example.com"),
        ("EMAIL_URL", "smtp://"),
        ("EMAIL_URL", "smtp://mail.example.com:port"),
        ("REDIS_URL", "localhost:6379"),
        ("REDIS_URL", "http://127.0.0.1:6379/0"),
        ("DATABASE_URL", "mysqlish://nowhere"),
        ("INSIGHTBOARD_LOGIN_FAILURE_LIMIT", "ten"),
        ("INSIGHTBOARD_LOGIN_FAILURE_LIMIT", "0"),
        ("INSIGHTBOARD_PREBRIEF_HOURS", "0"),
        ("INSIGHTBOARD_PREBRIEF_HOURS", "a day"),
        ("INSIGHTBOARD_LOG_FORMAT", "xml"),
    ],
)
def test_it_refuses_to_start_with_a_bad_value_and_names_the_variable(variable, value):
    result = manage("check", **{variable: value})

    assert result.returncode != 0
    assert variable in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_it_needs_a_secret_key_when_debug_is_off():
    result = manage("check", DJANGO_DEBUG="false")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_it_passes_the_deployment_checks_when_configured_for_production():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="example.com",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


# --- The strict readers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("Yes", True), (" 1 ", True), ("off", False), ("FALSE", False), ("", False)],
)
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("INSIGHTBOARD_FLAG", raw)

    assert env_bool("INSIGHTBOARD_FLAG", default=False) is expected


def test_it_uses_the_default_boolean_when_unset(monkeypatch):
    monkeypatch.delenv("INSIGHTBOARD_FLAG", raising=False)

    assert env_bool("INSIGHTBOARD_FLAG", default=True) is True


def test_it_refuses_a_boolean_it_cannot_read(monkeypatch):
    monkeypatch.setenv("INSIGHTBOARD_FLAG", "sometimes")

    with pytest.raises(ImproperlyConfigured, match="INSIGHTBOARD_FLAG must be true or false"):
        env_bool("INSIGHTBOARD_FLAG", default=False)


def test_it_reads_whole_numbers_with_a_minimum(monkeypatch):
    monkeypatch.setenv("INSIGHTBOARD_COUNT", "12")
    assert env_int("INSIGHTBOARD_COUNT", 3, minimum=1) == 12

    monkeypatch.setenv("INSIGHTBOARD_COUNT", "0")
    with pytest.raises(ImproperlyConfigured, match="INSIGHTBOARD_COUNT must be at least 1"):
        env_int("INSIGHTBOARD_COUNT", 3, minimum=1)

    monkeypatch.setenv("INSIGHTBOARD_COUNT", "1.5")
    with pytest.raises(ImproperlyConfigured, match="INSIGHTBOARD_COUNT must be a whole number"):
        env_int("INSIGHTBOARD_COUNT", 3)


def test_it_reads_comma_separated_lists_dropping_blanks(monkeypatch):
    monkeypatch.setenv("INSIGHTBOARD_HOSTS", " a.example.com, ,b.example.com,")

    assert env_list("INSIGHTBOARD_HOSTS") == ["a.example.com", "b.example.com"]


# --- Email URLs --------------------------------------------------------------------------------


def test_it_prints_email_to_the_console_for_console_urls():
    assert mailer_from_url("EMAIL_URL", "console://") == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_it_reads_a_plain_smtp_url():
    mailer = mailer_from_url("EMAIL_URL", "smtp://mail.example.com:2525")

    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "mail.example.com",
        "port": 2525,
        "username": "",
        "password": "",
        "use_tls": False,
        "use_ssl": False,
        "timeout": 10,
    }


def test_it_reads_an_smtp_tls_url_with_escaped_credentials():
    mailer = mailer_from_url("EMAIL_URL", "smtp+tls://user:p%40ss@mail.example.com:587")

    assert mailer["OPTIONS"] == {
        "host": "mail.example.com",
        "port": 587,
        "username": "user",
        "password": "p@ss",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 10,
    }


@pytest.mark.parametrize(
    ("url", "port"),
    [("smtp://mail.example.com", 25), ("smtp+tls://m.example.com", 587), ("smtp+ssl://m.x", 465)],
)
def test_it_uses_the_usual_port_for_each_scheme(url, port):
    assert mailer_from_url("EMAIL_URL", url)["OPTIONS"]["port"] == port


def test_it_reads_an_smtp_ssl_url():
    options = mailer_from_url("EMAIL_URL", "smtp+ssl://mail.example.com")["OPTIONS"]

    assert options["use_ssl"] is True
    assert options["use_tls"] is False


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.com", "EMAIL_URL must start with console://"),
        ("mail.example.com:25", "EMAIL_URL must start with console://"),
        ("smtp://", "EMAIL_URL needs a host"),
        ("smtp://mail.example.com:twenty-five", "EMAIL_URL has a port that is not a number"),
    ],
)
def test_it_refuses_an_email_url_it_cannot_use(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        mailer_from_url("EMAIL_URL", url)
