"""A real `ModelServer` on a free port, around an engine on the tiny random model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest_asyncio

from muse.core.llm.engine.config import EngineConfig
from muse.core.llm.engine.core import Engine
from muse.core.llm.server.app import ModelServer


@asynccontextmanager
async def model_server(model_dir: Path, config: EngineConfig) -> AsyncIterator[str]:
    """Serve `model_dir` as model "tiny" on 127.0.0.1; yields the base URL (…/v1)."""
    engine = Engine(model_dir, config)
    await engine.start()
    server = ModelServer(engine, "tiny", "127.0.0.1", 0)
    try:
        yield await server.start()
    finally:
        await server.aclose()
        await engine.aclose()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def base_url(tiny_model_dir: Path) -> AsyncIterator[str]:
    async with model_server(tiny_model_dir, EngineConfig(max_num_seqs=8, cpu_threads=1)) as url:
        yield url
