"""One failing request never fails the batch it shares: the engine runs a failed step again one
request at a time, and a sequence whose decoding fails ends alone (engine/core.py, scheduler.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import pytest

from muse.core.llm.engine import processors
from muse.core.llm.engine.config import EngineConfig
from muse.core.llm.engine.core import Engine
from muse.core.llm.engine.detokenizer import Detokenizer
from muse.core.llm.engine.sequence import SamplingOptions

HEALTHY = 8
TRIALS = 10


class Explodes:
    """A logits processor that raises for the requests asking it to, once they have generated
    `explode` tokens (0: in the prefill step): a bug that only some requests' arguments hit."""

    @classmethod
    def build(cls, tokenizer: Any, vocab_size: int) -> Self:
        return cls()

    @staticmethod
    def check(args: Mapping[str, Any]) -> tuple[str, str] | None:
        return None

    def bias(self, generated: Sequence[int], args: Mapping[str, Any]) -> dict[int, float]:
        if "explode" in args and len(generated) >= args["explode"]:
            raise RuntimeError("this request's arguments break the processor")
        return {}


@pytest.fixture
async def fragile(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Engine]:
    monkeypatch.setattr(processors, "PROCESSORS", (*processors.PROCESSORS, Explodes))
    engine = Engine(tiny_model_dir, EngineConfig(max_num_seqs=16, cpu_threads=1))
    await engine.start()
    yield engine
    await engine.aclose()


async def endings(engine: Engine, options: SamplingOptions, n: int = 1) -> list[str | None]:
    """How each of the request's n sequences ended."""
    prompt = engine.encode_chat([{"role": "user", "content": "秋季新品广告"}])
    reasons: list[str | None] = [None] * n
    async with engine.submit(prompt, options, n) as generation:
        async for outputs in generation:
            for out in outputs:
                if out.finish_reason is not None:
                    reasons[out.index] = out.finish_reason
    return reasons


@pytest.mark.parametrize("after", [0, 3], ids=["in-prefill", "mid-decode"])
async def test_a_failing_request_ends_alone_and_the_healthy_ones_finish(
    fragile: Engine, after: int
) -> None:
    bad = SamplingOptions(temperature=1.0, max_tokens=12, extra_args={"explode": after})
    for trial in range(TRIALS):
        good = SamplingOptions(temperature=1.0, max_tokens=12, seed=trial)
        results = await asyncio.gather(
            endings(fragile, bad, n=2), *(endings(fragile, good) for _ in range(HEALTHY))
        )
        assert results[0] == ["error", "error"]
        assert all(r[0] in ("stop", "length") for r in results[1:]), (trial, results)
    assert fragile.running  # the engine itself never stopped


async def test_a_sequence_whose_decoding_fails_ends_alone(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    step = Detokenizer.step

    def fragile_step(self: Detokenizer, token_id: int) -> str:
        if self.stops and "💥" in self.stops:  # only the request that asks for it
            raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "a byte the tokenizer cannot decode")
        return step(self, token_id)

    monkeypatch.setattr(Detokenizer, "step", fragile_step)
    bad = SamplingOptions(temperature=1.0, max_tokens=12, stop=("💥",))
    for trial in range(TRIALS):
        good = SamplingOptions(temperature=1.0, max_tokens=12, seed=trial)
        results = await asyncio.gather(
            endings(engine, bad), *(endings(engine, good) for _ in range(HEALTHY))
        )
        assert results[0] == ["error"]
        assert all(r[0] in ("stop", "length") for r in results[1:]), (trial, results)
    assert engine.running and engine.scheduler.running == []
