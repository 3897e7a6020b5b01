"""Strict readers for environment variables: a bad value stops start-up with its name."""

import datetime
import os
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}.")
    return value


def env_date(name: str, default: datetime.date) -> datetime.date:
    """A day written YYYY-MM-DD, not in the future."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a date written YYYY-MM-DD, such as 2012-04-01, not {raw!r}."
        ) from None
    if day > datetime.date.today():
        raise ImproperlyConfigured(f"{name} cannot be in the future: {raw!r}.")
    return day


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of a few words, in any case."""
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_list(name: str) -> list[str]:
    """A comma-separated list; blanks dropped, so an empty variable is an empty list."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def mailer_from_url(name: str, url: str) -> dict[str, object]:
    """One Django 6.1 MAILERS entry from console://, smtp://host:port or smtp+tls://user:pass@host:587."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in {"smtp", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(
            f"{name} must start with console://, smtp://, smtp+tls:// or smtp+ssl://, not {url!r}."
        )
    if not parts.hostname:
        raise ImproperlyConfigured(f"{name} needs a host, as in smtp://mail.example.com:25.")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number: {url!r}.") from None
    tls = parts.scheme == "smtp+tls"
    ssl = parts.scheme == "smtp+ssl"
    default_port = 587 if tls else 465 if ssl else 25
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname,
            "port": port or default_port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": tls,
            "use_ssl": ssl,
            "timeout": 10,
        },
    }
