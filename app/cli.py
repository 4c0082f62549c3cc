"""`insights`: the command line for migrating, seeding and serving the API (and its MCP tools
over stdio)."""

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from alembic import command
from alembic.config import Config
from sqlmodel import Session

from app.assistant.server import build_server
from app.config import PROJECT_ROOT, get_settings
from app.curation.check import check_tree
from app.curation.scaffold import ScaffoldError, new_report
from app.curation.writing import draft_folder
from app.db import get_engine, lift_time_limit
from app.params import QuoteFilters
from app.queries.errors import InvalidQuery
from app.queries.exports import qdpx_project
from app.queries.quotes import check_ids_exist
from app.render.qdpx import build_qdpx
from app.seeding import SeedError, load_seeds
from app.seeding.synthetic import generate
from app.server import run_server

cli = typer.Typer(
    help="Insights API: migrate, seed, serve, export and draft.", no_args_is_help=True
)
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


@cli.command()
def mcp() -> None:
    """Serve the MCP tools over stdio, for desktop assistants (the same tools as /mcp)."""
    build_server(get_engine()).run("stdio")


@cli.command()
def draft(
    text: Annotated[Path, typer.Argument(help="The report's text as published (markdown-like).")],
    report: Annotated[str, typer.Option(help="Id of the report (the folder's name).")],
    out: Annotated[
        Path | None, typer.Option(help="Seed tree to write reports/<ID>/ in (default: SEEDS_DIR).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite files a curator has edited.")] = False,
    quote_prefix: Annotated[
        str | None, typer.Option(help="Quote id prefix (default: from the id, cgt-2026).")
    ] = None,
) -> None:
    """Draft a report's seed folder from its published text, with review notes for a curator."""
    seeds = get_settings().seeds_dir
    result, written = draft_folder(
        text,
        report_id=report,
        out=out or seeds,
        vocabulary_dir=seeds,
        force=force,
        prefix=quote_prefix,
    )
    for name in written.kept:
        typer.echo(f"kept {name}: changed since the draft wrote it (--force overwrites it)")
    for name in written.foreign:
        typer.echo(f"kept {name}: there before, not written by a draft (--force overwrites it)")
    typer.echo(f"wrote {len(written.written)} files to {written.folder}")
    typer.echo(result.score())
    for where, note in result.review_notes():
        typer.echo(f"review: {where}: {note}")


@export.command("qdpx")
def export_qdpx(
    file: Annotated[Path, typer.Argument(help="Where to write the .qdpx project.")],
    report: Annotated[
        list[str] | None,
        typer.Option(help="Id of a report to export (repeatable; default: every report)."),
    ] = None,
    case_codes: Annotated[
        bool,
        typer.Option(help="Also code each quote with its interview, as QualCoder reads cases."),
    ] = False,
) -> None:
    """Write the reports as one REFI-QDA project (NVivo, ATLAS.ti, MAXQDA), coded by theme."""
    with Session(get_engine()) as session:
        lift_time_limit(session.connection())  # the whole series may take longer than a request
        try:
            check_ids_exist(session, {"report": report} if report else {})
        except InvalidQuery as exc:
            typer.echo(exc.detail, err=True)
            sys.exit(1)
        project = qdpx_project(session, QuoteFilters(report=report or []), case_codes=case_codes)
    if project is None:
        typer.echo("No report to export has a full text.", err=True)
        sys.exit(1)
    archive = build_qdpx(project)
    file.write_bytes(archive)
    reports = ", ".join(report.id for report in project.reports)
    typer.echo(f"wrote {file} ({len(archive)} bytes; reports: {reports})")


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
