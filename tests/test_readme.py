"""The README stays true: every endpoint, setting and command is documented there."""

import re

import pytest
import typer.main
from starlette.routing import Route

from app.cli import cli
from app.config import PROJECT_ROOT, Settings
from app.main import create_app
from app.urls import MCP_PATH

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def get_endpoints() -> list[str]:
    """Every `METHOD path` the app answers: GET for the documented operations and the docs
    pages outside the schema; the MCP transport, which answers only POST, as POST."""
    app = create_app()
    documented = {f"GET {path}" for path, item in app.openapi()["paths"].items() if "get" in item}
    undocumented = {
        f"{'POST' if route.path == MCP_PATH else 'GET'} {route.path}"
        for route in app.routes
        if isinstance(route, Route) and "GET" in (route.methods or set())
    }
    assert len(documented) >= 18
    return sorted(documented | undocumented)


def test_the_app_has_the_endpoints_the_readme_lists() -> None:
    listed = set(re.findall(r"^\| `((?:GET|POST) \S+)` \|", README, re.MULTILINE))
    assert listed == set(get_endpoints())


@pytest.mark.parametrize("endpoint", get_endpoints())
def test_every_endpoint_is_in_the_readme(endpoint: str) -> None:
    assert f"| `{endpoint}` |" in README


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"| `{name.upper()}` |" in README


@pytest.mark.parametrize("command", sorted(typer.main.get_command(cli).commands))  # type: ignore[attr-defined]
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`insights {command}" in README


@pytest.mark.parametrize("command", ["make serve", "make test"])
def test_the_two_setup_commands_are_in_the_readme(command: str) -> None:
    assert command in README


LAYOUT = README.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
LAYOUT_PATHS = set(re.findall(r"^\| `([^`]+)` \|", LAYOUT, re.MULTILINE))


def code_paths() -> list[str]:
    """Every module and package of the app, and every top-level folder of the repository."""
    app = PROJECT_ROOT / "app"
    packages = [
        f"{path.relative_to(PROJECT_ROOT)}/"
        for path in [app, *app.rglob("*")]
        if path.is_dir() and path.name != "__pycache__"
    ]
    modules = [
        str(path.relative_to(PROJECT_ROOT))
        for path in app.rglob("*.py")
        if path.name != "__init__.py" and "__pycache__" not in path.parts
    ]
    folders = [
        f"{path.name}/"
        for path in PROJECT_ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith(".")
        and path.name not in {"var", "test-artifacts", "node_modules"}
    ]
    return sorted({*packages, *modules, *folders})


def test_the_layout_lists_exactly_what_exists() -> None:
    assert set(code_paths()) == LAYOUT_PATHS


def make_targets() -> list[str]:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    return sorted(re.findall(r"^([a-zA-Z_-]+):.*## ", makefile, re.MULTILINE))


@pytest.mark.parametrize("target", make_targets())
def test_every_make_target_is_in_the_readme(target: str) -> None:
    assert f"| `make {target}` |" in README
