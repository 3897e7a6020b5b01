"""How the access walks send a request and judge its answer."""

from urllib.parse import quote

from django.db import transaction
from django.urls import reverse

from tests.access.expected import (
    ADMIN_SIGN_IN,
    ANY_SIGN_IN,
    ELSEWHERE,
    SIGN_IN,
    STORY_PAGE,
    Expected,
)
from tests.access.world import Visitor

FORM = "application/x-www-form-urlencoded"


def problem(response, path: str, expected: Expected, story_url: str) -> str | None:
    """None when the response is what was expected, otherwise what went wrong."""
    status, location = response.status_code, response.get("Location", "")
    sign_in = f"{reverse('login')}?next={quote(path)}"
    admin_sign_in = f"{reverse('admin:login')}?next={quote(path)}"
    redirects = {
        SIGN_IN: location == sign_in,
        ADMIN_SIGN_IN: location == admin_sign_in,
        ANY_SIGN_IN: location in {sign_in, admin_sign_in},
        STORY_PAGE: location in {story_url, f"http://testserver{story_url}"},
        ELSEWHERE: bool(location) and location not in {sign_in, admin_sign_in},
    }
    if isinstance(expected, int):
        ok = status == expected
    elif expected in redirects:
        ok = status == 302 and redirects[expected]
    else:
        ok = status == 302 and location == expected
    return None if ok else f"expected {expected}, got {status} {location}".strip()


def answer(client_of: Visitor, method: str, path: str):
    """One request, undone afterwards (a delete, a sign-out), so each row starts from the same
    records and the same session."""
    with transaction.atomic():
        response = client_of.request(method, path, content_type=FORM, data="")
        transaction.set_rollback(True)
    return response
