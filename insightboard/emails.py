"""Every email goes through here: templates/emails/<name>/ holds its subject, text and HTML."""

from smtplib import SMTPException
from typing import Any

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.urls import reverse

from insightboard.celery import background_task

# Mail clients drop <style> blocks, so the HTML part carries its CSS inline. Nothing is fetched.
INLINER = css_inline.CSSInliner(load_remote_stylesheets=False)


def absolute_url(viewname: str, *args: object) -> str:
    """A link for an email: every one starts from the configured site URL, never a request's."""
    return f"{settings.SITE_URL}{reverse(viewname, args=args)}"


def render_plain(path: str, context: dict[str, Any]) -> str:
    """Plain text is not HTML: render it unescaped, so "O'Brien" stays O'Brien."""
    template = Engine.get_default().get_template(path)
    return template.render(Context(context, autoescape=False))


def render_email(*, template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """The subject (one line), text part and HTML part (autoescaped, CSS inlined)."""
    context = {"site_url": settings.SITE_URL, **context}
    # Collapsing whitespace keeps the subject on one line whatever a template or a title holds.
    subject = " ".join(render_plain(f"emails/{template}/subject.txt", context).split())
    text = render_plain(f"emails/{template}/body.txt", context)
    html = render_to_string(f"emails/{template}/body.html", {**context, "subject": subject})
    return subject, text, INLINER.inline(html)


def send_email(
    *,
    template: str,
    to: list[str],
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    subject, text, html = render_email(template=template, context=context)
    # Marked as sent by a machine, so out-of-office replies do not answer it (RFC 3834).
    headers = {"Auto-Submitted": "auto-generated", **(headers or {})}
    message = EmailMultiAlternatives(subject, text, None, to, headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()


# Every email task shares one retry policy: a mail server that is down or refuses for a moment
# is worth another try after about 30 s, then twice as long each time, up to half an hour.
# SMTPException is an OSError too; both are named so the intent reads plainly. No jitter: Celery's
# default picks each wait at random below its ceiling, so a retry could come a second after the
# failure, and a later wait be shorter than the one before it.
EMAIL_RETRIES: dict[str, Any] = {
    "ignore_result": True,
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": False,
    "max_retries": 6,
}
email_task = background_task(**EMAIL_RETRIES)
# For an email with no claim of its own: its hand-over claims it (insightboard/celery.py).
email_task_once = background_task(**EMAIL_RETRIES, once_per_handover=True)
