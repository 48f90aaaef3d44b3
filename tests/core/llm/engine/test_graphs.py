"""The CUDA-graph decode path's padding into (slots, positions) buckets, checked on CPU: each
"graph" here replays its captured step eagerly, so only the real capture is left to the GPU."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from muse.core.llm.engine.config import EngineConfig
from muse.core.llm.engine.core import Engine
from muse.core.llm.engine.graphs import DecodeGraphs, Forward, buckets
from tests.core.llm.engine.test_batching import GREEDY, prompts, texts


class EagerReplay:
    """Stands in for a captured CUDA graph: runs the bucket's static step on replay."""

    replays = 0

    def __init__(self, graphs: DecodeGraphs, forward: Forward, b: int, length: int) -> None:
        self._replay = lambda: graphs.logits[:b].copy_(
            forward(graphs.ids[:b], graphs.positions[:b], 0, graphs._step(b, length))
        )

    def replay(self) -> None:
        EagerReplay.replays += 1
        self._replay()


def test_buckets_are_powers_of_two_up_to_the_limit() -> None:
    assert buckets(64, 1) == [1, 2, 4, 8, 16, 32, 64]
    assert buckets(12, 1) == [1, 2, 4, 8, 12]
    assert buckets(2048, 256) == [256, 512, 1024, 2048]


async def test_bucketed_decode_steps_equal_eager_ones(tiny_model_dir: Path) -> None:
    engine = Engine(tiny_model_dir, EngineConfig(max_num_seqs=6, cpu_threads=1))
    await engine.start()
    try:
        batch = prompts(engine, 5)
        eager = await asyncio.gather(*(texts(engine, p, GREEDY) for p in batch))
        runner = engine._runner
        assert runner is not None and runner.graphs is None  # never on CPU by itself
        graphs = DecodeGraphs(runner.cache, 6, runner.model.config.vocab_size, runner.model.dtype)
        for b in graphs.batch_buckets:
            for length in graphs.len_buckets:
                graphs.graphs[(b, length)] = EagerReplay(graphs, runner._forward, b, length)  # type: ignore[assignment]
        runner.graphs = graphs
        # Requests of different lengths, started at different times: holes and padding.
        first = asyncio.gather(*(texts(engine, p, GREEDY) for p in batch[:3]))
        await asyncio.sleep(0)
        padded = await asyncio.gather(first, *(texts(engine, p, GREEDY) for p in batch[3:]))
    finally:
        await engine.aclose()
    assert [*padded[0], *padded[1:]] == eager
    assert EagerReplay.replays >= GREEDY.max_tokens - 1  # the decode steps went through graphs


@pytest.mark.parametrize(("span", "bucket"), [((1, 10), (1, 256)), ((5, 300), (6, 512))])
def test_a_step_takes_the_smallest_bucket_that_holds_it(
    span: tuple[int, int], bucket: tuple[int, int]
) -> None:
    graphs = DecodeGraphs.__new__(DecodeGraphs)
    graphs.batch_buckets, graphs.len_buckets = buckets(6, 1), buckets(2048, 256)
    assert graphs.fits(*span) == bucket
    assert graphs.fits(7, 10) is None
