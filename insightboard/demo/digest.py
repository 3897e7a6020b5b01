"""The demo company's last weekly digest, compiled (not sent), so the archive and the admins'
Digest page have real content on a fresh `make run`."""

from insightboard.digest.models import DigestStatus
from insightboard.digest.services import digest_compile
from insightboard.weeks import last_complete_week


def digest_seed() -> str:
    digest = digest_compile(week=last_complete_week())
    if digest.status == DigestStatus.COMPILED:
        return f"Compiled last week's digest ({digest.dates}): see /digest/."
    outcome = digest.get_status_display().lower()
    return f"Last week's digest ({digest.dates}) was {outcome}: {digest.reason}"
