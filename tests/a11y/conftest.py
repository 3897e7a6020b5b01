"""Accessibility and validity checks, run by `make a11y` (not `make test`: they need npm's axe-core
and vnu-jar, and Java). axe-core runs in the system Chromium; the Nu HTML checker runs in Java."""

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Page

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.test_headings import world  # noqa: F401 (some of everything, for every page)

# Playwright's sync API runs an event loop in this thread; Django would refuse database calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Where `make a11y` installs the npm packages (gitignored).
TOOLS = Path(__file__).resolve().parents[2] / ".a11y" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"

# What a person cannot get past; "moderate" and "minor" findings are advice.
BLOCKING = ("serious", "critical")

ROLE_CODENAMES = {
    "Hosts": "host_meetings",
    "Leaders": "file_executive_reports",
    "Admins": "manage_everything",
}


def tool(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: `make a11y` installs it.")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # The pages' CSP would refuse the injected axe script.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture(autouse=True)
def roles(db: None) -> None:
    """A transactional test flushes the roles the migration made: put them back."""
    for name, codename in ROLE_CODENAMES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(Permission.objects.get(codename=codename))


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    script = page.add_script_tag(path=str(tool(AXE)))
    # Out of the page again, so its markup can be checked as ours.
    script.evaluate("(script) => script.remove()")
    found = page.evaluate(
        """async (blocking) => {
          const result = await axe.run(document, {resultTypes: ["violations"]});
          return result.violations
            .filter((violation) => blocking.includes(violation.impact))
            .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ` +
              violation.nodes.slice(0, 3).map((node) => node.target.join(" ")).join(", "));
        }""",
        list(BLOCKING),
    )
    return list(found)


def is_htmx(message: str) -> bool:
    """The checker does not know htmx's attributes; they are the only errors we allow."""
    return "“hx-" in message or '"hx-' in message


def vnu_errors(documents: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """The Nu HTML checker's errors in each document (name to HTML), in one run of the checker."""
    paths = {}
    for number, (name, html) in enumerate(documents.items()):
        path = folder / f"{number:03d}.html"
        path.write_text(html, encoding="utf-8")
        paths[path.name] = name
    command = ["java", "-jar", str(tool(VNU)), "--errors-only", "--format", "json"]
    run = subprocess.run(  # noqa: S603 (our own files, a fixed command)
        [*command, *map(str, folder.glob("*.html"))],
        capture_output=True,
        text=True,
        check=False,
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(run.stderr or run.stdout)["messages"]:
        if message["type"] == "error" and not is_htmx(message["message"]):
            url = message.get("url", "?")
            name = paths.get(url.rsplit("/", 1)[-1], url)
            errors.setdefault(name, []).append(
                f"line {message.get('lastLine', '?')}: {message['message']}"
            )
    return errors
