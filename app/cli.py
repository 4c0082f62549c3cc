"""`insights`: the command line for migrating, seeding and serving the API."""

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from alembic import command
from alembic.config import Config
from sqlmodel import Session

from app.config import PROJECT_ROOT, get_settings
from app.curation.check import check_tree
from app.curation.scaffold import ScaffoldError, new_report
from app.db import get_engine
from app.queries.exports import DEFAULT_REPORT, qdpx_project
from app.render.qdpx import build_qdpx
from app.seeding import SeedError, load_seeds
from app.seeding.synthetic import generate
from app.server import run_server

cli = typer.Typer(help="Insights API: migrate, seed, serve and export.", no_args_is_help=True)
export = typer.Typer(help="Write the data to files.", no_args_is_help=True)
cli.add_typer(export, name="export")
bench = typer.Typer(help="Synthetic data for scale measurements.", no_args_is_help=True)
cli.add_typer(bench, name="bench")


def alembic_config() -> Config:
    """Alembic's configuration, from `[tool.alembic]` in pyproject.toml."""
    return Config(toml_file=PROJECT_ROOT / "pyproject.toml")


@cli.command()
def migrate() -> None:
    """Upgrade the database schema to the latest migration."""
    command.upgrade(alembic_config(), "head")
    typer.echo("database at the latest migration")


@cli.command()
def seed(
    seeds_dir: Annotated[
        Path | None, typer.Option(help="Seed folder (default: the SEEDS_DIR setting).")
    ] = None,
) -> None:
    """Validate the seed files and load them in one transaction (idempotent)."""
    folder = seeds_dir or get_settings().seeds_dir
    try:
        result = load_seeds(get_engine(), folder)
    except SeedError as exc:
        typer.echo(f"seed data rejected; nothing was written:\n{exc}", err=True)
        sys.exit(1)
    state = "loaded" if result.changed else "unchanged"
    counts = ", ".join(f"{n} {table}" for table, n in result.counts.items())
    typer.echo(f"seeds {state}: data version {result.data_version[:12]} ({counts})")


@cli.command()
def check(
    seeds_dir: Annotated[
        Path | None, typer.Argument(help="Seed folder (default: the SEEDS_DIR setting).")
    ] = None,
) -> None:
    """Validate a seed tree without a database: every problem by file, record and field."""
    folder = seeds_dir or get_settings().seeds_dir
    result = check_tree(folder)
    if result.problems:
        for problem in result.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(result.problems)} problem(s) in {folder}", err=True)
        sys.exit(1)
    counts = ", ".join(f"{n} {table}" for table, n in result.counts.items())
    typer.echo(f"{folder}: no problems ({counts})")


@cli.command("new-report")
def new_report_command(
    report_id: Annotated[str, typer.Argument(help="Id of the new report, e.g. cgt-insights-2027.")],
    seeds_dir: Annotated[
        Path | None, typer.Option(help="Seed folder (default: the SEEDS_DIR setting).")
    ] = None,
) -> None:
    """Scaffold reports/ID/ in the seed folder with commented templates to fill in."""
    try:
        folder = new_report(seeds_dir or get_settings().seeds_dir, report_id)
    except ScaffoldError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(1)
    typer.echo(f"wrote {folder}: fill in the templates, then run `insights check`")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default: HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT).")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: WORKERS).")
    ] = None,
) -> None:
    """Serve the API with granian, its edge bounded by the HTTP_* settings."""
    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    # The app (and every worker process) reads the address from the settings: with BASE_URL
    # unset, links are built for the address actually served.
    os.environ.update(HOST=host, PORT=str(port))
    get_settings.cache_clear()
    run_server(get_settings(), host=host, port=port, workers=workers or settings.workers)


@export.command("qdpx")
def export_qdpx(
    file: Annotated[Path, typer.Argument(help="Where to write the .qdpx project.")],
    report: Annotated[str, typer.Option(help="Id of the report to export.")] = DEFAULT_REPORT,
) -> None:
    """Write the report as a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA), coded by theme."""
    with Session(get_engine()) as session:
        project = qdpx_project(session, report)
    if project is None:
        typer.echo(f"There is no coded report with id {report!r}.", err=True)
        sys.exit(1)
    archive = build_qdpx(project)
    file.write_bytes(archive)
    typer.echo(f"wrote {file} ({len(archive)} bytes)")


@bench.command("generate")
def bench_generate(
    quotes: Annotated[int, typer.Option(min=1, help="How many quotes to generate.")],
    out: Annotated[Path, typer.Option(help="Seed folder to write (replaced).")] = Path(
        "var/synthetic-seeds"
    ),
    reports: Annotated[
        int | None,
        typer.Option(min=1, help="How many reports (default: one per 1,000 quotes)."),
    ] = None,
) -> None:
    """Write a synthetic seed tree of N quotes (load it with `insights seed --seeds-dir`)."""
    try:
        generate(quotes, out, reports=reports)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(2)
    typer.echo(f"wrote {quotes} quotes to {out}")


def main() -> None:
    """Entry point of the `insights` script."""
    cli()


if __name__ == "__main__":
    main()
