"""Found by reading the code, so that a form or view added later without its one-time token fails
here: every view that creates something is guarded, and every form posting to one carries a token.
"""

import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from insightboard.submissions.decorators import GUARDED_VIEWS

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates"
# What creating looks like in a view: a service that makes something, or a model form saved.
CREATES = re.compile(
    r"\b\w+_(create|create_one_off|invite|merge|record|add)\(|\.create\(|form\.save\(|send_test\("
)

# Views that create nothing twice by their own rule, each with the reason.
SAFE_WITHOUT_TOKEN = {
    "story_same_as": "adds a reaction, which is one per person",
    "signup": "one account per address, refused the second time",
    "profile": "saves the same profile again",
    "policy": "saves the same setting again",
    "story_edit": "saves the same changes again",
    "empathy_edit": "saves the same changes again",
    "report_edit": "saves the same changes again",
}
# Forms that post without a token, by the URL name they post to (or their template, when they
# post to their own page), each with the reason.
FORMS_WITHOUT_TOKEN = {
    "logout": "signing out twice is signing out",
    "stories:hear_too": "says which way it goes (hears=yes/no)",
    "meetings:action_toggle": "says which way it goes (done=yes/no)",
    "meetings:keep": "a meeting keeps one opener (a unique constraint)",
    "stories:unmerge": "an undone merge is refused the second time",
    "digest:list_remove": "removing twice removes once",
    "digest:policy": "saves the same setting again",
    "invitation_resend": "sends a fresh link, which replaces the one before",
    "stories:same_as": "adds a reaction, which is one per person",
    "people/api_token_confirm_revoke.html": "revoking twice revokes once",
    "people/profile.html": "saves the same profile again",
    "stories/story_confirm_delete.html": "deleting twice deletes once",
    "digest/unsubscribe.html": "unsubscribing twice unsubscribes once",
    "registration/login.html": "signing in creates nothing",
    "registration/password_change_form.html": "sets the same password again",
    "registration/password_reset_form.html": "sends a fresh link, which replaces the one before",
    "registration/password_reset_confirm.html": "a reset link works once",
    "registration/signup.html": "one account per address, refused the second time",
    "meetings/present.html": "a meeting keeps one opener (a unique constraint)",
    "registration/welcome.html": "an invitation's link sets the password once",
}


def views() -> Iterator[tuple[str, Callable[..., Any]]]:
    def walk(patterns: list[Any]) -> Iterator[tuple[str, Callable[..., Any]]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                # The JSON API sends no forms; Django's admin is Django's.
                if entry.app_name not in {"api", "admin"}:
                    yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                view = entry.callback
                yield getattr(view, "__name__", repr(view)), getattr(view, "func", view)

    yield from walk(get_resolver().url_patterns)


def unwrapped(view: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    while view is not None:
        yield view
        view = getattr(view, "__wrapped__", None)


def creates(view: Callable[..., Any]) -> bool:
    innermost = list(unwrapped(view))[-1]
    try:
        source = inspect.getsource(innermost)
    except (OSError, TypeError):
        return False
    return bool(CREATES.search(source))


def guarded(view: Callable[..., Any]) -> bool:
    return any(layer in GUARDED_VIEWS for layer in unwrapped(view))


def test_it_guards_every_view_that_creates_something():
    found = {name for name, view in views() if creates(view) and not guarded(view)}

    assert found - SAFE_WITHOUT_TOKEN.keys() == set()


def test_it_finds_the_creating_views_it_guards():
    names = {name for name, view in views() if guarded(view)}

    assert {"story_create", "action_add", "api_token_create", "merge", "invite"} <= names


def post_forms() -> Iterator[tuple[str, str, str]]:
    """(template, what the form posts to, the form's own text) for every form that posts."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        # A form may post to a link made once per page: {% with link=…|link_with_id:"name" %}.
        forms = re.finditer(
            r"(?:link_with_id:\"([^\"]+)\" %\}\s*)?(<form\b.*?</form>)",
            path.read_text(),
            flags=re.DOTALL,
        )
        for made_link, form in (found.groups() for found in forms):
            head = form.split(">", 1)[0]
            if 'method="post"' not in head:
                continue
            action = re.search(r"action=\"\{% url '([^']+)'", head)
            yield name, action[1] if action else made_link or name, form


def test_every_form_that_posts_carries_a_token_or_says_why_not():
    missing = [
        f"{template} posting to {target}"
        for template, target, form in post_forms()
        if "{% submission_token %}" not in form and target not in FORMS_WITHOUT_TOKEN
    ]

    assert missing == []
