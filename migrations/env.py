"""Alembic environment: migrates the configured database (or the engine a test hands in)."""

from logging.config import fileConfig
from pathlib import Path

from alembic import context
from sqlalchemy import Connection, Engine

import app.models  # noqa: F401  (registers every table on the metadata)
from app.config import get_settings
from app.db import lift_time_limit, make_engine
from app.models import metadata

config = context.config
if config.config_file_name and Path(config.config_file_name).exists():
    fileConfig(config.config_file_name)

# Search indexes (and PostgreSQL's stored search vectors) are made by hand in the migrations,
# per dialect, and are not in the models:
# without this filter `alembic check` would report them as removed.
SEARCH_OBJECTS = ("search_fts", "ix_quote_text_search", "ix_theme_text_search", "search_vector")


def include_name(name: str | None, _type: str, _parent: object) -> bool:
    """Keep the hand-made search objects out of autogenerate's comparison."""
    return not (name and name.startswith(SEARCH_OBJECTS))


def run_with(connection: Connection) -> None:
    """Configure the context on a live connection and run the migrations."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch migrations rebuild SQLite tables, and dropping the old copy of a table that
        # others reference fails while foreign keys are enforced. SQLite switches enforcement
        # only outside a transaction; the keys are checked before it is switched back on.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    lift_time_limit(connection)  # a migration may rewrite a table: no API time limit
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # The API's statement timeout bounds queries, not a migration rewriting a table.
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")


def run_migrations_online() -> None:
    """Use the connection or engine given by the caller (pytest-alembic), else the settings."""
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        run_with(given)
        return
    engine = given if isinstance(given, Engine) else make_engine(get_settings().database_url)
    with engine.connect() as connection:
        run_with(connection)


def run_migrations_offline() -> None:
    """Emit SQL for the configured URL without connecting."""
    context.configure(
        url=get_settings().database_url,
        target_metadata=metadata,
        include_name=include_name,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
