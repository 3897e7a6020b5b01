"""The digest email: the shared part rendered once per week, the per-person parts filled in per
recipient, and the message as bytes for the mail server.

Rendering a template and building a MIME message for each of thousands of recipients would cost
far more than sending them. So the subject, text and HTML are rendered once with markers where
the person's name, their own line and their unsubscribe link go; each message is those strings
with the markers replaced (escaped for HTML), wrapped in headers written here.
"""

import binascii
import datetime
import functools
import re
from dataclasses import dataclass
from email.header import Header
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape

from insightboard.digest.models import Delivery, Digest
from insightboard.digest.presentation import for_email
from insightboard.digest.wording import personal_line
from insightboard.emails import absolute_url, render_plain
from stories.selectors import company_wide_ids

NAME = "%%INSIGHTBOARD-NAME%%"
LINE = "%%INSIGHTBOARD-PERSONAL-LINE%%"
UNSUBSCRIBE = "%%INSIGHTBOARD-UNSUBSCRIBE%%"
UNSUBSCRIBE_SALT = "insightboard.digest.unsubscribe"
# Media queries (dark mode, narrow screens) cannot go inline: keep them in the <style> block.
INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True, minify_css=True)
QUOTED_PRINTABLE = "Content-Transfer-Encoding: quoted-printable"
INDENTATION = re.compile(r"\n\s+")
CHARSET = '<meta charset="utf-8">'
# What a mailing list reads where a person reads how their own insights travelled.
LIST_LINE = (
    "Heard something from a customer this week? Log it in InsightBoard: it takes ten seconds."
)


def unsubscribe_token(address: str) -> str:
    """A signed token naming an address: it cannot be made for, or changed into, another one.

    It carries no timestamp (signing.dumps would add one), so a message built again days later
    for a resend is the same message, byte for byte; and the link never expires."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(address.lower(), compress=True)


def address_of(token: str) -> str:
    """The address a token was made for; raises signing.BadSignature for anything else."""
    try:
        address = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except ValueError:  # signed by us, but not an object this signer made
        raise signing.BadSignature("Not an unsubscribe token.") from None
    if not isinstance(address, str):
        raise signing.BadSignature("Not an unsubscribe token.")
    return address


def unsubscribe_url(address: str) -> str:
    before, after = unsubscribe_url_around(settings.SITE_URL, get_urlconf(), get_script_prefix())
    return f"{before}{unsubscribe_token(address)}{after}"


LINK_SLOT = "LINK-SLOT"


@functools.lru_cache(maxsize=16)
def unsubscribe_url_around(site_url: str, urlconf: str | None, prefix: str) -> tuple[str, str]:
    """The unsubscribe link on either side of its token, reversed once rather than for every
    message (reversing costs more than signing). A token is letters, digits and ``-_:.``,
    which the URL carries as they are."""
    before, _, after = absolute_url("digest:unsubscribe", LINK_SLOT).partition(LINK_SLOT)
    return before, after


def visible_contents(contents: dict[str, Any]) -> dict[str, Any]:
    """The frozen contents less any story that is no longer company-wide (made private, merged,
    deleted since the digest was compiled): checked again whenever it is shown or sent."""
    ids = stories_in(contents)
    visible = company_wide_ids(sorted(ids)) if ids else set()
    shown = dict(contents)
    for key in ("successes", "frustrations", "kudos", "loop"):
        shown[key] = [item for item in contents.get(key, []) if item["story_id"] in visible]
    for key in ("report", "empathy"):
        item = contents.get(key)
        shown[key] = item if item and item["story_id"] in visible else None
    return shown


def stories_in(contents: dict[str, Any]) -> set[int]:
    ids = {
        item["story_id"]
        for key in ("successes", "frustrations", "kudos", "loop")
        for item in contents.get(key, [])
    }
    ids |= {contents[key]["story_id"] for key in ("report", "empathy") if contents.get(key)}
    return ids


@dataclass(frozen=True)
class SharedParts:
    """What every recipient of one week's digest gets, with markers for the personal parts."""

    digest_id: int
    subject: str
    text: str
    html: str
    people: dict[str, dict[str, int]]
    boundary: str
    list_id: str


def shared_parts(digest: Digest, *, test: bool = False) -> SharedParts:
    contents = for_email(visible_contents(digest.contents or {}))
    site = settings.SITE_URL
    context = {
        "digest": digest,
        "contents": contents,
        "site_url": site,
        "archive_url": absolute_url("digest:week", digest.label),
        "preferences_url": f"{absolute_url('profile')}#digest",
        "log_url": absolute_url("stories:create"),
        "name": NAME,
        "personal_line": LINE,
        "unsubscribe_url": UNSUBSCRIBE,
        "test": test,
    }
    counts = contents.get("counts", {})
    subject_context = {
        "test": test,
        "dates": digest.dates,
        "successes": counts.get("success", 0),
        "frustrations": counts.get("frustration", 0),
    }
    subject = " ".join(render_plain("emails/digest/subject.txt", subject_context).split())
    text = render_plain("emails/digest/body.txt", context)
    html = INLINER.inline(
        render_to_string("emails/digest/body.html", {**context, "subject": subject})
    )
    # The template's indentation is for people; every byte counts against Gmail's clipping.
    html = INDENTATION.sub("\n", html)
    # The inliner puts the media queries it keeps first in <head>; the charset goes before them.
    html = html.replace(CHARSET, "", 1).replace("<head>", f"<head>{CHARSET}", 1)
    return SharedParts(
        digest_id=digest.pk,
        subject=subject,
        text=text,
        html=html,
        people=contents.get("people", {}),
        boundary=f"=_insightboard_digest_{digest.label}_{digest.pk}",
        list_id=f"Customer digest <digest.{host_of(site)}>",
    )


def host_of(url: str) -> str:
    return urlsplit(url).hostname or "insightboard.invalid"


# Cached: the subject and the sender are the same in every message of a week, and encoding a
# non-ASCII header costs more than building the rest of the message.
@functools.lru_cache(maxsize=64)
def encoded_header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


@functools.lru_cache(maxsize=64)
def address_in(sender: str) -> str:
    return parseaddr(sender)[1]


def quoted_printable(text: str) -> bytes:
    """The text quoted-printable, with CRLF line ends as SMTP wants.

    Line by line, each line's encoding cached: all but a few lines (the name, the personal
    line, the unsubscribe link) are the same in every message of the week, and encoding 40 KB
    for each recipient cost more than sending it. The same bytes as encoding the whole text
    at once; a text with a bare CR (which that treats specially) is encoded whole."""
    flat = text.replace("\r\n", "\n")
    if "\r" in flat:
        return binascii.b2a_qp(flat.encode(), istext=True).replace(b"\n", b"\r\n")
    return b"\r\n".join([quoted_printable_line(line) for line in flat.split("\n")])


@functools.lru_cache(maxsize=4096)
def quoted_printable_line(line: str) -> bytes:
    # binascii does the work in C; a line longer than 76 gets soft breaks, in CRLF too.
    return binascii.b2a_qp(line.encode(), istext=True).replace(b"\n", b"\r\n")


@dataclass(frozen=True)
class DigestMessage:
    """One recipient's message, ready to hand to the mail server."""

    sender: str
    recipient: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]
    boundary: str

    @classmethod
    def of(cls, delivery: Delivery, parts: SharedParts) -> "DigestMessage":
        return cls.personal(
            parts,
            recipient=delivery.address,
            name=delivery.name,
            person_id=delivery.person_id,
            message_id=delivery.message_id,
            date=delivery.date,
        )

    @classmethod
    def personal(
        cls,
        parts: SharedParts,
        *,
        recipient: str,
        name: str,
        person_id: int | None,
        message_id: str,
        date: datetime.datetime,
    ) -> "DigestMessage":
        greeting = " ".join(name.split()) or "there"  # a name is one line, whatever was typed
        line = (
            personal_line(parts.people.get(str(person_id))) if person_id is not None else LIST_LINE
        )
        unsubscribe = unsubscribe_url(recipient)
        text = (
            parts.text.replace(NAME, greeting).replace(LINE, line).replace(UNSUBSCRIBE, unsubscribe)
        )
        html = (
            parts.html.replace(NAME, escape(greeting))
            .replace(LINE, escape(line))
            .replace(UNSUBSCRIBE, escape(unsubscribe))
        )
        headers = {
            "Date": format_datetime(date),
            "Message-ID": message_id,
            "List-Id": parts.list_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        }
        return cls(
            sender=settings.INSIGHTBOARD_DIGEST_FROM,
            recipient=recipient,
            subject=parts.subject,
            text=text,
            html=html,
            headers=headers,
            boundary=parts.boundary,
        )

    @property
    def envelope_sender(self) -> str:
        return address_in(self.sender)

    def as_bytes(self) -> bytes:
        head = [
            f"From: {encoded_header(self.sender)}",
            f"To: {self.recipient}",
            f"Subject: {encoded_header(self.subject)}",
            *(f"{name}: {value}" for name, value in self.headers.items()),
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{self.boundary}"',
        ]
        part = f'Content-Type: text/{{kind}}; charset="utf-8"\r\n{QUOTED_PRINTABLE}'
        return b"".join(
            [
                "\r\n".join(head).encode(),
                b"\r\n\r\n",
                f"--{self.boundary}\r\n{part.format(kind='plain')}\r\n\r\n".encode(),
                quoted_printable(self.text),
                f"\r\n--{self.boundary}\r\n{part.format(kind='html')}\r\n\r\n".encode(),
                quoted_printable(self.html),
                f"\r\n--{self.boundary}--\r\n".encode(),
            ]
        )

    def as_django(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            self.subject, self.text, self.sender, [self.recipient], headers=self.headers
        )
        message.attach_alternative(self.html, "text/html")
        return message
