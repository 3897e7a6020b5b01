"""Who gets the digest: every active person who has not opted out, and the distribution lists an
admin added; all of them checked against the allow-list, so a staging copy never emails the real
company."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User

from insightboard.digest.models import DistributionAddress
from insightboard.people.models import DigestPreference, display_name


@dataclass(frozen=True)
class Recipient:
    address: str
    person_id: int | None  # None for a distribution list
    name: str


def allowed(address: str) -> bool:
    """Whether INSIGHTBOARD_DIGEST_ALLOWED_RECIPIENTS lets the digest go to this address."""
    allow = settings.INSIGHTBOARD_DIGEST_ALLOWED_RECIPIENTS
    if not allow:
        return True
    address = address.lower()
    domain = address.rpartition("@")[2]
    return address in allow or domain in allow or f"@{domain}" in allow


def digest_recipients() -> list[Recipient]:
    """Everyone the digest goes to this week, each address once, people first."""
    people = (
        User.objects.filter(is_active=True, profile__digest=DigestPreference.WEEKLY)
        .exclude(email="")
        .select_related("profile")
        .order_by("pk")
    )
    found: dict[str, Recipient] = {}
    for person in people:
        address = person.email.strip().lower()
        if allowed(address):
            found.setdefault(address, Recipient(address, person.pk, display_name(person)))
    lists = DistributionAddress.objects.filter(unsubscribed_at__isnull=True).order_by("address")
    for entry in lists:
        address = entry.address.strip().lower()
        if allowed(address):
            found.setdefault(address, Recipient(address, None, ""))
    return list(found.values())
