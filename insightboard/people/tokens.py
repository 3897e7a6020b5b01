"""Keys to the JSON API: made for one person, shown once, stored only as a hash, revocable."""

import datetime
import hashlib
import secrets

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from insightboard.people.models import ApiToken

# Recognisable in a config file or a leak scanner, and says which app the key opens.
KEY_START = "ib_"
# 32 random bytes: far beyond guessing, so a fast hash is enough (no salt, no stretching).
KEY_BYTES = 32
# Enough of the key to tell two keys apart on the profile page, too little to matter if seen.
PREFIX_LENGTH = 10
# Longer than any key we make; anything longer is not worth hashing.
LONGEST_KEY = 100
# Writing last_used_at on every request would turn every read into a write.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_token_create(*, person: User, name: str) -> tuple[ApiToken, str]:
    """A new key for the person; the raw key is returned here and never stored or shown again."""
    raw_key = KEY_START + secrets.token_urlsafe(KEY_BYTES)
    token = ApiToken.objects.create(
        person=person,
        name=name.strip(),
        prefix=raw_key[:PREFIX_LENGTH],
        key_hash=key_hash(raw_key),
    )
    return token, raw_key


def api_token_revoke(*, token: ApiToken) -> None:
    """Stop the key working from now on; revoking twice keeps the first date."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])


def authenticate(raw_key: str) -> ApiToken | None:
    """The live token behind a raw key (with its person), or None for anything else."""
    if not raw_key or len(raw_key) > LONGEST_KEY or not raw_key.isascii():
        return None
    token = (
        ApiToken.objects.select_related("person")
        .filter(key_hash=key_hash(raw_key), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    stale = now - LAST_USED_PRECISION
    if token.last_used_at is None or token.last_used_at <= stale:
        # Conditional, so that parallel requests write it once.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=token.pk
        ).update(last_used_at=now)
        token.last_used_at = now
    return token
