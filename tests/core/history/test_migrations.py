"""Migrations build exactly the models' schema, revert cleanly, and SQLite is set up right."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from muse.core.history.db import (
    SCHEMA_HEAD,
    Database,
    alembic_config,
    create_engine,
    downgrade,
    upgrade,
)
from muse.core.history.models import Base

TABLES = {
    "alembic_version",
    "conversations",
    "messages",
    "processed_events",
    "feedback",
    "thread_links",
    "voices",
    "generations",
    "candidates",
    "reply_actions",
    "library",
}


def _diff_and_tables(connection: Connection) -> tuple[list[Any], set[str]]:
    diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    return diff, set(inspect(connection).get_table_names())


async def _inspect(url: str) -> tuple[list[Any], set[str]]:
    """The schema diff against the models and the table names, without migrating first."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_diff_and_tables)
    finally:
        await engine.dispose()


async def test_upgrade_head_matches_models(database_url: str) -> None:
    await upgrade(database_url)
    assert await _inspect(database_url) == ([], TABLES)


async def test_database_start_migrates_to_head(database: Database, database_url: str) -> None:
    assert await _inspect(database_url) == ([], TABLES)


async def test_downgrade_base_then_upgrade_head_round_trips(database_url: str) -> None:
    await upgrade(database_url)
    await downgrade(database_url, "base")
    diff, tables = await _inspect(database_url)
    assert tables == {"alembic_version"}
    # The comparison is not vacuous: with the tables gone it reports each of them.
    assert {op[1].name for op in diff if op[0] == "add_table"} == TABLES - {"alembic_version"}

    await upgrade(database_url, "head")
    assert await _inspect(database_url) == ([], TABLES)


async def test_starting_twice_on_one_file_keeps_the_schema(database_url: str) -> None:
    for _ in range(2):
        async with Database(database_url):
            pass
    assert await _inspect(database_url) == ([], TABLES)


def test_the_schema_head_constant_is_alembics_head() -> None:
    # A new migration must move SCHEMA_HEAD too, or databases would never be upgraded to it.
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


async def test_a_database_behind_head_is_upgraded_on_start(database_url: str) -> None:
    await upgrade(database_url, "0002")
    async with Database(database_url):
        pass
    assert await _inspect(database_url) == ([], TABLES)


def test_a_database_at_head_starts_without_importing_alembic(database_url: str) -> None:
    asyncio.run(upgrade(database_url))
    code = (
        "import asyncio, sys; from muse.core.history.db import Database\n"
        "async def main():\n"
        "    async with Database(sys.argv[1]):\n"
        "        pass\n"
        "asyncio.run(main()); print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, database_url], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["False"], done.stderr[-2000:]


async def test_databases_starting_together_in_one_process_all_reach_head(
    database_url: str,
) -> None:
    databases = [Database(database_url) for _ in range(4)]
    try:
        await asyncio.gather(*(d.start() for d in databases))
    finally:
        await asyncio.gather(*(d.stop() for d in databases))
    assert await _inspect(database_url) == ([], TABLES)


def test_replicas_starting_together_migrate_one_after_another(database_url: str) -> None:
    """Four processes upgrading a fresh file at once: without the write lock taken first, one
    of them read the old version and failed on "table already exists" (1 in 12 runs here)."""
    code = (
        "import asyncio, sys; from muse.core.history.db import upgrade; "
        "asyncio.run(upgrade(sys.argv[1]))"
    )
    replicas = [
        subprocess.Popen([sys.executable, "-c", code, database_url], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    for replica in replicas:
        _, err = replica.communicate(timeout=120)
        assert replica.returncode == 0, err.decode()[-2000:]
    assert asyncio.run(_inspect(database_url)) == ([], TABLES)


async def test_start_creates_the_parent_directory(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "muse.db"
    async with Database(f"sqlite+aiosqlite:///{path}"):
        assert path.is_file()


async def test_every_connection_gets_wal_busy_timeout_and_foreign_keys(
    database: Database,
) -> None:
    async def pragmas() -> tuple[Any, ...]:
        async with database.engine.connect() as connection:
            values = [
                (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            ]
            # Hold this connection a moment so that the other call needs a second one.
            await asyncio.sleep(0.05)
            return tuple(values)

    assert await asyncio.gather(pragmas(), pragmas()) == [("wal", 5000, 1)] * 2
