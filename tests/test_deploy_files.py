"""The deploy files agree with the code: compose, Dockerfile, Makefile and CI call what exists. It
is long because each deploy file gets its own checks.

No Docker engine runs these files in CI, so they are parsed: every `insights` command and option
they use must be one the CLI defines, the image must be built from the lock, and the Makefile and
CI must run the whole check. (`.ci/run` also runs the compose api command chain, for real, against
PostgreSQL.)
"""

import json
import os
import re
import shlex
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import typer.core
import typer.main
import yaml

from app.cli import cli

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
MAKEFILE = ROOT / "Makefile"
CI_RUN = ROOT / ".ci" / "run"

# What the image needs at run time: the project root holds app/, migrations/ and seeds/, and
# pyproject.toml carries the Alembic configuration; README.md is the package readme for the build.
IMAGE_FILES = ["pyproject.toml", "uv.lock", "README.md", "app/", "migrations/", "seeds/"]


# --- parsing -----------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def compose_service(name: str) -> dict[str, Any]:
    service = compose()["services"][name]
    assert isinstance(service, dict)
    return service


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    assert not pending, "the Dockerfile ends with a line continuation"
    instructions = []
    for text in logical:
        name, _, arguments = text.partition(" ")
        instructions.append((name.upper(), arguments.strip()))
    return instructions


def dockerfile_args(instruction: str) -> list[str]:
    return [arguments for name, arguments in dockerfile() if name == instruction]


def string_list(value: Any) -> list[str]:
    assert isinstance(value, list)
    assert all(isinstance(item, str) for item in value)
    return value


def compose_api_argv() -> list[str]:
    command = compose_service("api")["command"]
    return shlex.split(command) if isinstance(command, str) else string_list(command)


def dockerfile_cmd_argv() -> list[str]:
    (cmd,) = dockerfile_args("CMD")
    return string_list(json.loads(cmd))  # the exec form: the server itself gets the signals


def insights_invocations(argv: list[str]) -> list[list[str]]:
    """Each `insights ...` command line in argv, looking inside `sh -c SCRIPT` (split on &&)."""
    if argv[:2] == ["sh", "-c"]:
        assert len(argv) == 3, argv
        steps = [shlex.split(step) for step in argv[2].split("&&")]
    else:
        steps = [argv]
    return [step for step in steps if step and step[0] == "insights"]


ENTRY_POINTS = {
    "docker-compose api command": compose_api_argv,
    "Dockerfile CMD": dockerfile_cmd_argv,
}


@cache
def makefile() -> tuple[dict[str, str], dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]:
    """The Makefile's variables, and its rules: target -> (prerequisites, recipe lines).

    The Makefile's own `$(NAME)` variables are substituted in the rules; others stay as written.
    """
    variables: dict[str, str] = {}
    raw_rules: list[tuple[str, str, list[str]]] = []
    for line in MAKEFILE.read_text().splitlines():
        if line.startswith("\t"):
            if raw_rules:
                raw_rules[-1][2].append(line.strip())
            continue
        if not line.strip() or line.startswith("#"):
            continue
        if assignment := re.match(r"^([.\w]+)\s*(?::=|\?=|=)\s*(.*)$", line):
            variables[assignment[1]] = assignment[2].strip()
        elif rule := re.match(r"^([^\s:=#]+)\s*:(?!=)([^#]*)", line):
            raw_rules.append((rule[1], rule[2].replace("|", " "), []))
        else:  # anything else ends the recipe of the rule before it
            raw_rules.append(("", "", []))

    def expand(text: str) -> str:
        for _ in range(10):
            text = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m[1], m[0]), text)
        return text

    rules = {
        expand(target): (
            tuple(expand(prerequisites).split()),
            tuple(expand(line) for line in recipe),
        )
        for target, prerequisites, recipe in raw_rules
        if target
    }
    return variables, rules


def make_rule(target: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return makefile()[1][target]


def make_prerequisites(target: str) -> set[str]:
    """Every target `target` depends on, directly or not."""
    rules = makefile()[1]
    seen: set[str] = set()
    stack = list(make_rule(target)[0])
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            if name in rules:
                stack.extend(make_rule(name)[0])
    return seen


def make_runs(target: str) -> str:
    """The recipe lines `make target` runs: its own and those of the targets it depends on."""
    rules = makefile()[1]
    names = [target, *(name for name in sorted(make_prerequisites(target)) if name in rules)]
    return "\n".join(line for name in names for line in make_rule(name)[1])


def phony_targets() -> set[str]:
    return set(make_rule(".PHONY")[0])


def cli_commands() -> dict[str, set[str]]:
    """`insights` command name -> its option names (`--host`, ...)."""
    group = typer.main.get_command(cli)
    assert isinstance(group, typer.core.TyperGroup)
    return {
        name: {option for param in command.params for option in param.opts + param.secondary_opts}
        for name, command in group.commands.items()
    }


def ci_lines() -> list[str]:
    """The lines of .ci/run that are not comments."""
    lines = (line.strip() for line in CI_RUN.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


# --- docker-compose.yml ------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["db", "api"])
def test_compose_defines_the_service(service: str) -> None:
    assert service in compose()["services"]


def test_compose_db_is_checked_with_pg_isready() -> None:
    test = compose_service("db")["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))


def test_compose_api_waits_for_a_healthy_database() -> None:
    assert compose_service("api")["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_api_healthcheck_probes_readiness() -> None:
    test = compose_service("api")["healthcheck"]["test"]
    assert "/readyz" in (test if isinstance(test, str) else " ".join(test))


def test_compose_api_uses_the_compose_database() -> None:
    url = compose_service("api")["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://")
    assert "@db:5432/" in url


def test_compose_api_rate_limits_through_redis() -> None:
    environment = compose_service("api")["environment"]
    assert environment["RATE_LIMIT_ENABLED"] == "true"
    assert environment["REDIS_URL"].startswith("redis://redis:")
    assert "redis" in compose()["services"]
    assert compose_service("api")["depends_on"]["redis"]["condition"] == "service_healthy"


def test_compose_api_answers_its_public_name_and_its_health_checks() -> None:
    environment = compose_service("api")["environment"]
    hosts = json.loads(environment["TRUSTED_HOSTS"])
    assert "127.0.0.1" in hosts  # the health checks' urllib requests
    assert urlsplit(environment["BASE_URL"]).hostname in hosts


def test_compose_api_migrates_and_seeds_before_serving() -> None:
    steps = insights_invocations(compose_api_argv())
    assert [step[1] for step in steps] == ["migrate", "seed", "serve"]


# --- the `insights` calls of compose and the Dockerfile ----------------------------------------


INVOCATIONS = [
    pytest.param(source, invocation, id=f"{source}: {shlex.join(invocation)}")
    for source, argv in ENTRY_POINTS.items()
    for invocation in insights_invocations(argv())
]


@pytest.mark.parametrize("source", ENTRY_POINTS)
def test_entry_point_calls_insights(source: str) -> None:
    assert any(param.values[0] == source for param in INVOCATIONS)


@pytest.mark.parametrize(("source", "invocation"), INVOCATIONS)
def test_invocation_uses_a_real_command_and_options(source: str, invocation: list[str]) -> None:
    commands = cli_commands()
    assert len(invocation) > 1, f"{source}: `insights` without a command"
    name, *arguments = invocation[1:]
    assert name in commands, f"{source}: no `insights {name}`; the commands: {sorted(commands)}"
    for argument in arguments:
        if argument.startswith("-"):
            option = argument.split("=", 1)[0]
            assert option in commands[name], f"{source}: `insights {name}` has no {option}"


@pytest.mark.parametrize("source", ENTRY_POINTS)
def test_server_listens_on_all_interfaces_on_port_8000(source: str) -> None:
    (serve,) = [step for step in insights_invocations(ENTRY_POINTS[source]()) if step[1] == "serve"]
    assert serve[serve.index("--host") + 1] == "0.0.0.0"
    assert serve[serve.index("--port") + 1] == "8000"


def test_port_8000_is_exposed_and_published() -> None:
    assert dockerfile_args("EXPOSE") == ["8000"]
    assert "8000:8000" in compose_service("api")["ports"]


# --- Dockerfile --------------------------------------------------------------------------------


def test_dockerfile_base_image() -> None:
    assert dockerfile()[0] == ("FROM", "python:3.11-slim")


def test_dockerfile_installs_the_locked_dependencies_before_the_code() -> None:
    instructions = dockerfile()
    first_sync = next(i for i, (name, args) in enumerate(instructions) if "uv sync" in args)
    copied_before = " ".join(args for name, args in instructions[:first_sync] if name == "COPY")
    assert "uv.lock" in copied_before
    assert "pyproject.toml" in copied_before
    assert "app/" not in copied_before  # code changes keep the dependency layer


def test_dockerfile_syncs_frozen_without_dev_dependencies() -> None:
    syncs = [args for args in dockerfile_args("RUN") if "uv sync" in args]
    assert syncs
    for sync in syncs:
        assert "--frozen" in sync.split()
        assert "--no-dev" in sync.split()
    assert "--no-editable" not in " ".join(syncs)  # the app finds seeds/ and migrations/ by path


def test_dockerfile_uv_version_is_the_makefile_one() -> None:
    (pinned,) = re.findall(r"\buv==([\w.]+)", " ".join(dockerfile_args("RUN")))
    assert pinned == makefile()[0]["UV_VERSION"]


@pytest.mark.parametrize("path", IMAGE_FILES)
def test_dockerfile_copies(path: str) -> None:
    copied = [arg for args in dockerfile_args("COPY") for arg in args.split()[:-1]]
    assert path in copied


@pytest.mark.parametrize("path", IMAGE_FILES)
def test_dockerignore_keeps(path: str) -> None:
    ignored = {line.strip().strip("/") for line in DOCKERIGNORE.read_text().splitlines()}
    assert path.strip("/") not in ignored


def test_dockerfile_runs_as_non_root_with_the_venv_on_path() -> None:
    (user,) = dockerfile_args("USER")
    assert user not in {"root", "0"}
    assert "PATH=/app/.venv/bin:$PATH" in dockerfile_args("ENV")


def test_dockerfile_healthcheck_probes_liveness() -> None:
    (healthcheck,) = dockerfile_args("HEALTHCHECK")
    assert "urllib" in healthcheck
    assert "http://127.0.0.1:8000/healthz" in healthcheck


# --- Makefile and CI ---------------------------------------------------------------------------


def test_make_without_a_target_lists_the_targets() -> None:
    assert makefile()[0][".DEFAULT_GOAL"] == "help"
    assert "help" in phony_targets()


@pytest.mark.parametrize(
    "target",
    ["install", "migrate", "seed", "serve", "lint", "typecheck", "test", "format", "clean"],
)
def test_make_target_is_phony_and_described(target: str) -> None:
    assert target in phony_targets()
    assert re.search(rf"^{target}:.*## \S", MAKEFILE.read_text(), re.MULTILINE)


@pytest.mark.parametrize(
    "command",
    [
        ".venv/bin/ruff check .",
        ".venv/bin/ruff format --check .",
        ".venv/bin/mypy app tests bench",
        ".venv/bin/python -m pytest",
    ],
)
def test_make_test_runs(command: str) -> None:
    assert command in make_runs("test")


def test_make_install_syncs_the_lock() -> None:
    assert re.search(r"\buv sync --frozen\b", make_runs("install"))


def test_make_serve_migrates_and_seeds_first() -> None:
    prerequisites = make_prerequisites("serve")
    assert {"install", "migrate", "seed"} <= prerequisites
    assert "migrate" in make_prerequisites("seed")  # seed after migrate, also under `make -j`
    assert make_rule("serve")[1] == (".venv/bin/insights serve",)


def test_ci_runs_make_test_with_ci_set() -> None:
    assert "set -euo pipefail" in ci_lines()
    assert any(re.search(r"\bCI=true make test\b", line) for line in ci_lines())


def test_ci_script_is_executable() -> None:
    assert os.access(CI_RUN, os.X_OK)
