"""What an operator reads and runs agrees with the code: the README's variables, the compose file.

No container engine runs here, so docker-compose.yml is checked as data (the Compose spec's
essentials) and the production environment it gives the app is run through
`manage.py check --deploy`.
"""

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
# Images and builds of ours; the others (postgres, redis, mailpit) are configured their own way.
APP_SERVICES = {name: service for name, service in SERVICES.items() if "build" in service}
LONG_RUNNING = ("postgres", "redis", "web", "worker", "beat", "mailpit")
ENV_READERS = {"env_str", "env_bool", "env_int", "env_choice", "env_date", "env_list"}
OUR_VARIABLES = ("DJANGO_", "INSIGHTBOARD_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL")


def variables_read(path: Path) -> set[str]:
    """Names passed to our env_* readers, os.environ.get / [] and os.getenv in one module."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            reader = (isinstance(func, ast.Name) and func.id in ENV_READERS) or (
                isinstance(func, ast.Attribute)
                and (
                    (func.attr == "get" and ast.unparse(func.value) == "os.environ")
                    or ast.unparse(func) == "os.getenv"
                )
            )
            first = node.args[0]
            if reader and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(str(node.slice.value))
    return names


def project_modules() -> list[Path]:
    skipped = {".venv", "tests", ".a11y", "node_modules"}
    return [
        path
        for path in ROOT.rglob("*.py")
        if not skipped.intersection(path.relative_to(ROOT).parts)
    ]


SETTINGS_VARIABLES = variables_read(ROOT / "insightboard" / "settings.py")
READ_ANYWHERE = set().union(*(variables_read(path) for path in project_modules()))


def readme_section(heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## )", README, re.MULTILINE | re.DOTALL)
    assert match, f"README has no '## {heading}' section"
    return match.group(1)


def readme_table_variables() -> set[str]:
    """The variables named in the first cell of each row of the Configuration table."""
    names: set[str] = set()
    for line in readme_section("Configuration").splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


# --- The README's configuration table ----------------------------------------------------------


def test_it_finds_the_variables_the_settings_read():
    # The introspection itself: a broken parser would make the checks below pass vacuously.
    expected = {"DJANGO_SECRET_KEY", "DATABASE_URL", "INSIGHTBOARD_DIGEST_SEND_DAY"}
    assert expected <= SETTINGS_VARIABLES
    assert "DJANGO_SETTINGS_MODULE" not in READ_ANYWHERE  # setdefault writes, it does not read


def test_it_documents_every_variable_the_settings_read():
    missing = sorted((SETTINGS_VARIABLES | READ_ANYWHERE) - readme_table_variables())

    assert not missing, f"add these to the README's Configuration table: {missing}"


def test_it_documents_only_variables_that_are_read():
    unread = sorted(readme_table_variables() - READ_ANYWHERE)

    assert not unread, f"the README's Configuration table lists variables nothing reads: {unread}"


# --- docker-compose.yml, against the Compose spec's essentials ----------------------------------


def test_it_uses_only_top_level_keys_the_compose_spec_allows():
    allowed = {"name", "services", "volumes", "networks", "configs", "secrets"}
    unknown = [key for key in COMPOSE if key not in allowed and not key.startswith("x-")]

    assert not unknown
    assert SERVICES


def test_it_gives_every_service_an_image_or_a_build():
    without = [name for name, service in SERVICES.items() if not {"image", "build"} & set(service)]

    assert without == []


def test_it_only_waits_on_services_that_exist_with_valid_conditions():
    conditions = {"service_started", "service_healthy", "service_completed_successfully"}
    for name, service in SERVICES.items():
        depends_on = service.get("depends_on", {})
        if isinstance(depends_on, list):
            depends_on = {other: {} for other in depends_on}
        for other, rule in depends_on.items():
            assert other in SERVICES, f"{name} depends on {other}, which is not a service"
            assert rule.get("condition", "service_started") in conditions, (name, other)
            if rule.get("condition") == "service_healthy":
                assert "healthcheck" in SERVICES[other], f"{other} has no healthcheck to wait for"


def test_it_migrates_once_before_the_app_starts():
    assert SERVICES["migrate"]["command"].split()[-3:] == ["manage.py", "migrate", "--no-input"]
    for name in ("web", "worker", "beat"):
        rule = SERVICES[name]["depends_on"]["migrate"]
        assert rule["condition"] == "service_completed_successfully", name


def test_it_has_a_healthcheck_with_a_command_on_every_long_running_service():
    for name in LONG_RUNNING:
        test = SERVICES[name].get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"
        if isinstance(test, list):
            assert test[0] in {"CMD", "CMD-SHELL"}, name
            assert len(test) > 1, name


def test_it_runs_exactly_one_beat_that_is_never_scaled():
    beats = [name for name, service in SERVICES.items() if " beat" in str(service.get("command"))]

    assert beats == ["beat"]
    assert SERVICES["beat"].get("deploy", {}).get("replicas", 1) == 1
    assert "--scale beat" not in README


def readme_compose_services() -> set[str]:
    """Services named by the README's `docker compose ...` commands and `--scale name=n`."""
    named = set(re.findall(r"--scale (\w+)=", README))
    for command in re.findall(r"docker compose ([^`\n]*)", README):
        words = command.split()
        if not words:
            continue
        subcommand, arguments = words[0], [word for word in words[1:] if not word.startswith("-")]
        if subcommand in {"exec", "run"} and arguments:
            named.add(arguments[0])  # what follows is the command run inside it
        elif subcommand in {"up", "stop", "start", "restart", "pull", "build", "logs", "rm"}:
            named.update(word for word in arguments if re.fullmatch(r"[a-z][a-z0-9_-]*", word))
    return named


def test_it_has_every_service_the_readme_names():
    named = readme_compose_services()

    assert {"postgres", "migrate", "web", "worker"} <= named  # the README's steps were found
    assert named <= set(SERVICES), sorted(named - set(SERVICES))


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_it_passes_the_app_only_variables_the_settings_read(name):
    passed = set(APP_SERVICES[name].get("environment", {}))

    assert passed <= READ_ANYWHERE, sorted(passed - READ_ANYWHERE)


# --- The production environment compose gives passes Django's deployment checks -----------------


def compose_value(raw: object) -> str:
    """As Compose interpolates with no .env: ${VAR:-default} is its default, ${VAR:?} a key."""

    def substitute(match: re.Match[str]) -> str:
        operator, word = match.group(2), match.group(3) or ""
        if operator in {":?", "?"}:
            return secrets.token_urlsafe(64)  # required, e.g. DJANGO_SECRET_KEY
        return word if operator in {":-", "-"} else ""

    return re.sub(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}", substitute, str(raw))


def check_deploy(**overrides: str) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(OUR_VARIABLES)
    }
    environment.update(
        {name: compose_value(value) for name, value in SERVICES["web"]["environment"].items()}
    )
    environment.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_the_deployment_checks_with_the_compose_environment_behind_https():
    # The README's production step: an HTTPS proxy in front, DJANGO_SECURE_SSL_REDIRECT=true.
    assert compose_value(SERVICES["web"]["environment"]["DJANGO_DEBUG"]) == "false"

    result = check_deploy(DJANGO_SECURE_SSL_REDIRECT="true")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_warns_only_about_the_https_redirect_with_the_compose_defaults():
    # Compose's defaults serve plain HTTP on localhost for a first try, and say so.
    result = check_deploy()

    warnings = set(re.findall(r"\(security\.\w+\)", result.stderr + result.stdout))
    assert warnings == {"(security.W008)"}, result.stderr


def test_it_passes_every_variable_of_env_example_to_the_app():
    # Compose reads .env only to fill in ${...}: a variable not listed would never arrive.
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }

    assert example <= READ_ANYWHERE, sorted(example - READ_ANYWHERE)
    for name, service in APP_SERVICES.items():
        passed = set(service["environment"])
        assert example <= passed, (name, sorted(example - passed))
