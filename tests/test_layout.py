"""The code stays readable in one sitting, and its layers stay apart.

- No module over 300 lines unless the first paragraph of its docstring says why, in words that
  contain "long because".
- No function of the app or the benchmarks over 40 lines unless its docstring or a comment in it
  says why, likewise.
- Nothing below the routes imports a route module, the app never imports `bench/`, the query
  layer knows nothing of HTTP, and the renderers run no SQL.
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT

MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40
REASON = "long because"
PYTHON_ROOTS = ("app", "bench", "tests", "migrations")
FUNCTION_ROOTS = ("app", "bench")


def modules(*roots: str) -> list[Path]:
    return sorted(
        path
        for root in roots
        for path in (PROJECT_ROOT / root).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def name(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT))


def first_paragraph(docstring: str | None) -> str:
    return (docstring or "").strip().split("\n\n")[0].replace("\n", " ")


@pytest.mark.parametrize("path", modules(*PYTHON_ROOTS), ids=name)
def test_a_long_module_says_why(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        reason = first_paragraph(ast.get_docstring(ast.parse(source)))
        assert REASON in reason.lower(), (
            f"{name(path)} has {lines} lines (over {MAX_MODULE_LINES}) and its docstring's first "
            f"paragraph does not say why ({REASON!r})"
        )


def long_functions(
    path: Path,
) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, int, str]]:
    """(node, length, source) of every function over the limit."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield node, length, "\n".join(lines[node.lineno - 1 : node.end_lineno])


@pytest.mark.parametrize("path", modules(*FUNCTION_ROOTS), ids=name)
def test_a_long_function_says_why(path: Path) -> None:
    for function, length, source in long_functions(path):
        said = " ".join([ast.get_docstring(function) or "", *re.findall(r"#(.*)", source)])
        assert REASON in said.lower(), (
            f"{name(path)}: {function.name} has {length} lines (over {MAX_FUNCTION_LINES}) and "
            f"says nowhere why ({REASON!r})"
        )


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def app_modules_outside(*packages: str) -> list[Path]:
    inside = tuple(PROJECT_ROOT / "app" / package for package in packages)
    return [path for path in modules("app") if not any(path.is_relative_to(i) for i in inside)]


@pytest.mark.parametrize("path", app_modules_outside("routes"), ids=name)
def test_nothing_below_the_routes_imports_a_route(path: Path) -> None:
    routes = {module for module in imported_modules(path) if module.startswith("app.routes")}
    assert not routes - {"app.routes"} or name(path) == "app/main.py", routes


@pytest.mark.parametrize("path", modules("app"), ids=name)
def test_the_app_does_not_import_the_benchmarks(path: Path) -> None:
    assert not {m for m in imported_modules(path) if m == "bench" or m.startswith("bench.")}


HTTP_MODULES = ("fastapi", "starlette", "app.routes", "app.http", "app.errors", "app.deps")


@pytest.mark.parametrize("path", modules("app/queries"), ids=name)
def test_the_query_layer_knows_nothing_of_http(path: Path) -> None:
    imported = imported_modules(path)
    assert not {m for m in imported if m.startswith(HTTP_MODULES)}
    source = path.read_text(encoding="utf-8")
    assert '"query"' not in source, "locations in the query string belong to the route layer"
    assert not re.search(r"""f?["']/v1/""", source), "URL paths belong to app.urls"


@pytest.mark.parametrize("path", modules("app/render"), ids=name)
def test_the_renderers_run_no_sql(path: Path) -> None:
    imported = imported_modules(path)
    assert not {
        m for m in imported if m.startswith(("sqlalchemy", "sqlmodel", "app.db", "app.queries"))
    }
