"""The typed TypeScript client: types generated from the live OpenAPI document compile with tsc.

clients/typescript/ pins openapi-typescript (the generator), typescript and openapi-fetch in its
package-lock.json; `npm ci` installs them there once (node_modules is kept between runs and
reinstalled when a pinned version changes). Each test works in a temporary copy of the folder
(its node_modules a symlink), so concurrent runs never share generated files: it writes the app's
OpenAPI document, generates schema.d.ts from it and type-checks example.ts against it.

Without node or npm the tests are skipped, except under CI=true, where that is a failure.
"""

import copy
import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.config import PROJECT_ROOT
from app.main import create_app
from tests.helpers.ci import skip_or_fail

CLIENT_DIR = PROJECT_ROOT / "clients" / "typescript"
NODE_MODULES = CLIENT_DIR / "node_modules"
SOURCES = ("package.json", "package-lock.json", "tsconfig.json", "example.ts")
Completed = subprocess.CompletedProcess[str]
NPM_CI_TIMEOUT = 300
STEP_TIMEOUT = 120
# Plain output: no colours, no npm banners in the assertion messages.
ENV = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0", "NPM_CONFIG_UPDATE_NOTIFIER": "false"}


def require_tool(name: str) -> str:
    """The tool's path, or a skip (a failure in CI)."""
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"`{name}` is not on PATH: the TypeScript client check needs Node.js and npm")
    return path


def run(args: list[str], cwd: Path, timeout: int = STEP_TIMEOUT) -> Completed:
    return subprocess.run(
        args, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout, check=False
    )


def output(result: Completed) -> str:
    return f"$ {' '.join(map(str, result.args))}\n{result.stdout}{result.stderr}"


def installed_as_pinned() -> bool:
    """Whether node_modules holds exactly the versions package.json pins."""
    manifest = json.loads((CLIENT_DIR / "package.json").read_text(encoding="utf-8"))
    pins: dict[str, str] = {**manifest["dependencies"], **manifest["devDependencies"]}
    for name, version in pins.items():
        installed = NODE_MODULES / name / "package.json"
        if not installed.is_file():
            return False
        if json.loads(installed.read_text(encoding="utf-8"))["version"] != version:
            return False
    return True


@pytest.fixture(scope="module")
def node_modules() -> Iterator[Path]:
    """clients/typescript/node_modules, installed with `npm ci` from the lock when needed.

    An exclusive lock on package-lock.json guards the install; a shared one is held while the
    tests use node_modules, so a concurrent run never reinstalls it under them.
    """
    npm = require_tool("npm")
    require_tool("node")
    with (CLIENT_DIR / "package-lock.json").open("rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed_as_pinned():
            result = run(
                [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                CLIENT_DIR,
                timeout=NPM_CI_TIMEOUT,
            )
            assert result.returncode == 0, output(result)
            assert installed_as_pinned(), "npm ci did not install the pinned versions"
        fcntl.flock(lock, fcntl.LOCK_SH)
        yield NODE_MODULES


@pytest.fixture
def workdir(tmp_path: Path, node_modules: Path) -> Path:
    """A private copy of clients/typescript (sources only; node_modules linked)."""
    for name in SOURCES:
        shutil.copy2(CLIENT_DIR / name, tmp_path / name)
    (tmp_path / "node_modules").symlink_to(node_modules, target_is_directory=True)
    return tmp_path


def openapi_document() -> dict[str, Any]:
    return create_app().openapi()


def generate(workdir: Path, document: dict[str, Any]) -> None:
    """Write the document as openapi.json and generate schema.d.ts from it, warning-free."""
    (workdir / "openapi.json").write_text(json.dumps(document), encoding="utf-8")
    result = run(
        ["node_modules/.bin/openapi-typescript", "openapi.json", "-o", "schema.d.ts"], workdir
    )
    log = output(result)
    assert result.returncode == 0, log
    assert "⚠" not in log, f"openapi-typescript warned about the schema:\n{log}"
    assert "✘" not in log, f"openapi-typescript reported an error:\n{log}"
    assert (workdir / "schema.d.ts").is_file(), log


def compile_example(workdir: Path) -> Completed:
    return run(["node_modules/.bin/tsc", "-p", "tsconfig.json", "--pretty", "false"], workdir)


def test_generated_types_compile_with_the_example(workdir: Path) -> None:
    generate(workdir, openapi_document())
    schema = (workdir / "schema.d.ts").read_text(encoding="utf-8")
    assert '"/v1/quotes/{quote_id}": {' in schema
    result = compile_example(workdir)
    assert result.returncode == 0, f"tsc rejected the generated client types:\n{output(result)}"


def test_the_example_fails_to_compile_when_quote_loses_a_field(workdir: Path) -> None:
    document = copy.deepcopy(openapi_document())
    quote = document["components"]["schemas"]["Quote"]
    del quote["properties"]["layer"]
    quote["required"] = [name for name in quote["required"] if name != "layer"]
    generate(workdir, document)
    result = compile_example(workdir)
    log = output(result)
    assert result.returncode != 0, f"tsc accepted a Quote without `layer`:\n{log}"
    assert "example.ts(" in log, log
    assert "Property 'layer' does not exist" in log, log
