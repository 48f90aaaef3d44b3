"""The engine on the tiny random model, started and stopped around each test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from muse.core.llm.engine.config import EngineConfig
from muse.core.llm.engine.core import Engine


@pytest.fixture
async def engine(tiny_model_dir: Path) -> AsyncIterator[Engine]:
    engine = Engine(tiny_model_dir, EngineConfig(max_num_seqs=16, cpu_threads=1))
    await engine.start()
    yield engine
    await engine.aclose()
