"""The engine on CUDA (run on the GPU host): the same code path in float32 and in bf16."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM

from muse.core.llm.engine.config import EngineConfig
from muse.core.llm.engine.core import Engine
from muse.core.llm.engine.sequence import SamplingOptions
from tests.core.llm.engine.test_batching import prompts, texts

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA"),
]


async def test_float32_on_cuda_equals_generate(tiny_model_dir: Path) -> None:
    engine = Engine(tiny_model_dir, EngineConfig(max_num_seqs=8, device="cuda", dtype="float32"))
    await engine.start()
    try:
        batch = prompts(engine, 8)
        greedy = SamplingOptions(temperature=0, max_tokens=16)
        got = await asyncio.gather(*(texts(engine, p, greedy) for p in batch))
        tokenizer = engine.tokenizer
    finally:
        await engine.aclose()
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir).to("cuda")
    for prompt, [text] in zip(batch, got, strict=True):
        ids = model.generate(
            torch.tensor([prompt], device="cuda"), do_sample=False, max_new_tokens=16
        )
        expected = tokenizer.decode(
            ids[0, len(prompt) :], skip_special_tokens=True, clean_up_tokenization_spaces=False
        )
        assert text == expected


async def test_bf16_by_default_samples_per_request(tiny_model_dir: Path) -> None:
    engine = Engine(tiny_model_dir, EngineConfig(max_num_seqs=16, device="cuda"))
    await engine.start()
    try:
        [prompt] = prompts(engine, 1)
        seeded = SamplingOptions(temperature=1.0, max_tokens=12, seed=4)
        three = await texts(engine, prompt, seeded, n=3)
        crowd = [texts(engine, p, SamplingOptions(max_tokens=12)) for p in prompts(engine, 8)]
        again, *_ = await asyncio.gather(texts(engine, prompt, seeded, n=3), *crowd)
    finally:
        await engine.aclose()
    assert len(set(three)) == 3 and again == three
