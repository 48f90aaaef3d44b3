"""The database lifecycle: async engine, session factory, and Alembic migrations in-process."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# A package resource rather than a path next to an ini file, so that migrations are found
# the same way in a checkout and in an installed package.
SCRIPT_LOCATION = "muse:migrations"

# WAL lets readers go on while one writer writes; busy_timeout makes a second writer wait for
# the lock instead of failing at once; SQLite enforces foreign keys (ON DELETE CASCADE) only
# when asked, per connection. synchronous=NORMAL is SQLite's recommendation for WAL
# (https://www.sqlite.org/pragma.html#pragma_synchronous): commits survive a crash of the
# process (kill -9) and only the last ones may roll back on power loss, while each commit
# skips an fsync — the difference between ~50 and several hundred turns/s on a disk.
SQLITE_PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",
    "busy_timeout=5000",
    "foreign_keys=ON",
)

MigrationCommand = Callable[["Config", str], None]
# The newest migration (tests/core/history/test_migrations.py keeps it equal to Alembic's head):
# a database already there starts without importing Alembic, which a one-shot `muse ask` would
# otherwise pay for on every run.
SCHEMA_HEAD = "0006"

# Alembic's `context` and `op` are module globals set for the command that runs: two commands
# in threads of one process would swap them under each other.
_ALEMBIC = threading.Lock()
# Key of the PostgreSQL advisory lock that replicas migrating at once queue on (any constant
# this database's other users do not take; "muse" in ASCII).
MIGRATION_LOCK_KEY = 0x6D757365
# Times a migration that found a fresh SQLite file locked starts over (0.05 s, 0.1 s … 3.2 s).
_LOCKED_RETRIES = 7


def create_engine(url: str) -> AsyncEngine:
    """An async engine for `url`; for a SQLite file, makes its directory and sets the pragmas."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(parsed)
    database = parsed.database
    on_disk = bool(database) and database != ":memory:" and not parsed.query.get("uri")
    if on_disk:
        Path(database).parent.mkdir(parents=True, exist_ok=True)  # type: ignore[arg-type]
    # SQLite writes one at a time anyway: a fixed pool keeps connections (and their pragmas)
    # instead of opening and dropping overflow ones under load (bench/core.py: p99 at 50
    # conversations 2.0 s → 1.1 s). In-memory databases keep SQLAlchemy's static pool.
    pool = {"pool_size": 8, "max_overflow": 0} if on_disk else {}
    engine = create_async_engine(parsed, **pool)
    event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
    event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _set_sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()
    # The driver's own deferred BEGIN is off: _begin_immediate emits each transaction's BEGIN.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]


def _begin_immediate(connection: Connection) -> None:
    """Every SQLite transaction takes the write lock when it begins, so a second writer waits
    `busy_timeout` for it at BEGIN (SQLAlchemy's recipe for pysqlite and aiosqlite,
    "Serializable isolation / Savepoints / Transactional DDL"). A deferred transaction that
    reads before it writes cannot wait: when another connection wrote in between, SQLite
    answers SQLITE_BUSY at once (https://www.sqlite.org/isolation.html). It also makes
    replicas that start together migrate one after another (_lock_for_migration).
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _lock_for_migration(connection: Connection) -> None:
    """Make replicas that start together migrate one after another, in the migration's own
    transaction: the second then finds the schema at head and does nothing.

    SQLite: every transaction begins IMMEDIATE (`_begin_immediate`), taking the write lock at
    once (others wait `busy_timeout`), where a deferred one would read the old version and fail
    on "table already exists". PostgreSQL: a transaction-level advisory lock (released at
    commit).
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")


def alembic_config() -> Config:
    """An Alembic configuration built in code (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


async def _migrate(engine: AsyncEngine, migration: MigrationCommand, revision: str) -> None:
    def run(connection: Connection) -> None:
        _lock_for_migration(connection)
        # env.py runs on this connection instead of opening its own (connection sharing),
        # which is how Alembic's synchronous commands run inside a running event loop.
        config = alembic_config()
        config.attributes["connection"] = connection
        with _ALEMBIC:
            migration(config, revision)

    for attempt in range(_LOCKED_RETRIES + 1):
        try:
            async with engine.begin() as connection:
                await connection.run_sync(run)
            return
        except OperationalError as exc:
            # Opening a fresh SQLite file while another connection switches it to WAL fails
            # "database is locked" at once, without the busy wait (1 in ~10 runs of four
            # databases starting together). Nothing was written (the migration's transaction
            # rolled back), so waiting without blocking the loop and starting over is safe.
            if "database is locked" not in str(exc) or attempt == _LOCKED_RETRIES:
                raise
            await asyncio.sleep(0.05 * 2**attempt)


async def _migrate_url(url: str, migration: MigrationCommand, revision: str) -> None:
    engine = create_engine(url)
    try:
        await _migrate(engine, migration, revision)
    finally:
        await engine.dispose()


async def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` (`muse db upgrade`)."""
    from alembic import command

    await _migrate_url(url, command.upgrade, revision)


async def downgrade(url: str, revision: str) -> None:
    """Revert migrations down to `revision` ("base" removes every table)."""
    from alembic import command

    await _migrate_url(url, command.downgrade, revision)


async def _at_head(engine: AsyncEngine) -> bool:
    """Whether the database's schema is already at SCHEMA_HEAD (False when it has none)."""
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:  # no alembic_version table: a new database
        return False
    return found == SCHEMA_HEAD


class Database:
    """An engine and a session factory for `url`; `start` migrates the schema to head."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: AsyncEngine | None = None
        self._sessionmaker: async_sessionmaker[AsyncSession] | None = None

    async def start(self) -> None:
        """Create the engine and apply pending migrations."""
        if self._engine is not None:
            raise RuntimeError("database already started")
        engine = create_engine(self.url)
        try:
            if not await _at_head(engine):
                from alembic import command

                await _migrate(engine, command.upgrade, "head")
        except BaseException:
            await engine.dispose()
            raise
        self._engine = engine
        self._sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        log.info("database ready: %s", make_url(self.url).render_as_string(hide_password=True))

    async def stop(self) -> None:
        """Close every pooled connection; a stopped database can be started again."""
        engine = self._engine
        if engine is None:
            return
        self._engine = None
        self._sessionmaker = None
        await engine.dispose()

    async def __aenter__(self) -> Database:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def engine(self) -> AsyncEngine:
        """The async engine; only while started."""
        if self._engine is None:
            raise RuntimeError("database not started")
        return self._engine

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        """Factory of sessions that keep loaded attributes after commit."""
        if self._sessionmaker is None:
            raise RuntimeError("database not started")
        return self._sessionmaker
