"""Fixtures of the history tests: a migrated SQLite file per test, and a store on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from muse.core.history.db import Database
from muse.core.history.repository import SqlHistoryStore

RETENTION = timedelta(hours=48)  # the settings' default


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A SQLite file in a directory that does not exist yet."""
    return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'muse.db'}"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A started database, migrated to head."""
    async with Database(database_url) as db:
        yield db


@pytest.fixture
def store(database: Database) -> SqlHistoryStore:
    """The history store on `database`."""
    return SqlHistoryStore(database, RETENTION)
