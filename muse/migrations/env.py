"""Alembic environment for Muse's history tables.

`muse.core.history.db` hands over an open connection in `config.attributes["connection"]`
(how migrations run inside the running event loop). Without one, as under the `alembic`
command line, it opens its own async engine on `sqlalchemy.url` from the ini file, or else on
`MUSE_DATABASE_URL` / the default from `muse.core.config.Settings`.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from muse.core.config import Settings
from muse.core.history.db import create_engine
from muse.core.history.models import Base

config = context.config
target_metadata = Base.metadata

# An ini file may leave logging out; keep any loggers configured before Alembic ran.
if config.config_file_name is not None and config.file_config.has_section("loggers"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    """The URL from the ini file when set there, else Muse's configured one."""
    return config.get_main_option("sqlalchemy.url") or Settings().database_url


def run_migrations_offline() -> None:
    """Write the migrations as SQL (`alembic upgrade head --sql`)."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations(connection: Connection) -> None:
    """Apply the migrations on `connection`."""
    # Batch mode, because SQLite can alter a table only by copying it.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_standalone() -> None:
    """Open an engine of our own (command line use) and apply the migrations on it."""
    engine = create_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    """Apply the migrations on the shared connection, or on a standalone engine."""
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_migrations_standalone())
    else:
        run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
