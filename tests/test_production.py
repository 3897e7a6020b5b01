"""The suite runs with debug on; this renders the main pages with production settings (debug off,
static files collected, hashed and compressed), as a deploy serves them."""

import fcntl
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

from tests.test_settings import OUR_VARIABLES

# A collected file's name carries a hash of its content, so browsers may cache it for a year.
HASHED = re.compile(r"\.[0-9a-f]{12}\.(?:css|js|svg|png|ico|woff2?)$")


def production_environment(database_url: str, **more: str) -> dict[str, str]:
    """Our variables as a deploy sets them (and `more`), and none of the ones this test run has."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(OUR_VARIABLES)
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="insightboard.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=database_url,
    )
    environment.update(more)
    return environment


def staticfiles_lock() -> Path:
    """One lock per checkout: runs beside each other take turns writing its staticfiles/."""
    checkout = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"insightboard-staticfiles-{checkout}.lock"


def test_it_serves_every_main_page_with_debug_off_and_hashed_static_files(tmp_path):
    with staticfiles_lock().open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(
            [sys.executable, "-m", "tests.production_pages"],
            cwd=settings.BASE_DIR,
            env=production_environment(f"sqlite:///{tmp_path / 'production.sqlite3'}"),
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    pages, files = answers["pages"], answers["static files"]
    assert {name: page["status"] for name, page in pages.items()} == {
        "home": 200,
        "insights": 200,
        "a story": 200,
        "kudos": 200,
        "leaders": 200,
        "metrics": 200,
        "meetings": 200,
        "a meeting": 200,
        "profile": 200,
        "sign-in": 200,
        "a missing page": 404,
        "sign-out by link": 405,
        "an oversized form": 413,
        "a form without its token": 403,
    }
    for name, page in pages.items():
        assert page["leaks"] == [], name
        assert page["static"], f"{name} references no static file"
        assert [url for url in page["static"] if not HASHED.search(url)] == [], name
    assert {file["status"] for file in files.values()} == {200}
    assert all("immutable" in file["cache"] for file in files.values()), files
