"""The demo app's commands stay thin: each one calls the demo modules, never another command."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import get_commands
from django.test import Client, override_settings

import insightboard.demo
from insightboard.demo.bench import BARE_PAGE, BENCH_URLCONF
from insightboard.people.services import person_create

COMMANDS = Path(insightboard.demo.__file__).parent / "management" / "commands"


def command_files() -> list[Path]:
    return sorted(path for path in COMMANDS.glob("*.py") if path.name != "__init__.py")


def imported_modules(path: Path) -> list[str]:
    """Every module the file imports; a relative import counts as one from its own package."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "insightboard.demo.management.commands" if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names += [module, *(f"{module}.{alias.name}" for alias in node.names)]
    return names


def test_it_has_the_demo_bench_and_load_commands_and_no_others() -> None:
    assert {path.stem for path in command_files()} == {
        "seed_demo",
        "bench",
        "bench_import",
        "bench_openers",
        "bench_digest",
        "bench_under_load",
        "loadtest",
    }
    commands = get_commands()
    for name in ("seed_demo", "bench", "bench_import", "bench_openers", "bench_digest", "loadtest"):
        assert commands[name] == "insightboard.demo", name
    assert "seed_demo_meetings" not in commands
    assert "seed_demo_metrics" not in commands


@pytest.mark.parametrize("path", command_files(), ids=lambda path: path.stem)
def test_it_never_imports_one_command_from_another(path: Path) -> None:
    commands = [name for name in imported_modules(path) if ".management.commands" in name]

    assert commands == []


def test_it_finds_a_command_importing_another(tmp_path: Path) -> None:
    command = tmp_path / "bench_openers.py"
    command.write_text("from . import bench\nimport stories.management.commands.seed_demo\n")

    found = [name for name in imported_modules(command) if ".management.commands" in name]

    assert found == [
        "insightboard.demo.management.commands",
        "insightboard.demo.management.commands.bench",
        "stories.management.commands.seed_demo",
    ]


@pytest.mark.django_db
def test_it_serves_the_bare_page_under_the_bench_urls_only() -> None:
    person: User = person_create(email="alice@example.com", display_name="Alice Staff")
    client = Client()
    client.force_login(person)

    assert client.get(BARE_PAGE).status_code == 404
    with override_settings(ROOT_URLCONF=BENCH_URLCONF):
        response = client.get(BARE_PAGE)

    assert response.status_code == 200
    assert "Bare page" in response.text
    assert "demo/bare.html" in [template.name for template in response.templates]
