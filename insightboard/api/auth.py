"""Who is asking: a key made on the profile page, or (for reads) the browser's session.

Anyone signed in makes a key on their profile page and sends it as `Authorization: Bearer <key>`.
Reads also accept the browser's session, so that a signed-in person can open them (and try them
in the docs at /api/v1/docs); writes take a key only, which is why no CSRF token is needed.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer, SessionAuth

from insightboard.api.rate_limit import KEY_ATTRIBUTE
from insightboard.people import tokens
from insightboard.people.roles import is_admin


class ApiKey(HttpBearer):
    """A key made on the profile page, sent as `Authorization: Bearer <key>`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = tokens.authenticate(token)
        if found is None:
            return None
        # The rate limit counts per key, and a person may have several.
        setattr(request, KEY_ATTRIBUTE, found.pk)
        return found.person


class AdminApiKey(ApiKey):
    """A key whose person is an admin; anyone else's key is refused before the body is read."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        person = super().authenticate(request, token)
        if person is not None and not is_admin(person):
            raise AuthorizationError(message="Only admins can do this.")
        return person


class SignedIn(SessionAuth):
    """The browser's session, for reads only."""


READERS = [ApiKey(), SignedIn()]


def person_of(request: HttpRequest) -> User:
    person = request.auth  # type: ignore[attr-defined]
    assert isinstance(person, User)
    return person
