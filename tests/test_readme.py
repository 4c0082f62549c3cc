"""The README stays true: every endpoint, setting and command is documented there."""

import re

import pytest
import typer.main
from starlette.routing import Route

from app.cli import cli
from app.config import PROJECT_ROOT, Settings
from app.main import create_app

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def get_paths() -> list[str]:
    """Every GET path: the documented operations, and the docs pages outside the schema."""
    app = create_app()
    documented = {path for path, item in app.openapi()["paths"].items() if "get" in item}
    undocumented = {
        route.path
        for route in app.routes
        if isinstance(route, Route) and "GET" in (route.methods or set())
    }
    assert len(documented) >= 18
    return sorted(documented | undocumented)


def test_the_app_has_the_endpoints_the_readme_lists() -> None:
    listed = set(re.findall(r"^\| `GET (\S+)` \|", README, re.MULTILINE))
    assert listed == set(get_paths())


@pytest.mark.parametrize("path", get_paths())
def test_every_endpoint_is_in_the_readme(path: str) -> None:
    assert f"| `GET {path}` |" in README


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"| `{name.upper()}` |" in README


@pytest.mark.parametrize("command", sorted(typer.main.get_command(cli).commands))  # type: ignore[attr-defined]
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`insights {command}" in README


@pytest.mark.parametrize("command", ["make serve", "make test"])
def test_the_two_setup_commands_are_in_the_readme(command: str) -> None:
    assert command in README
