"""The engine on the tiny random model: batched outputs equal `generate`, per-request sampling."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM

from muse.core.llm.engine.config import EngineConfig
from muse.core.llm.engine.core import Engine
from muse.core.llm.engine.errors import PromptTooLong, TooManyCompletions
from muse.core.llm.engine.sequence import SamplingOptions

GREEDY = SamplingOptions(temperature=0, max_tokens=20)


def prompts(engine: Engine, count: int) -> list[list[int]]:
    """Chat prompts of growing length (about 20 to 20 + 6·count tokens)."""
    return [
        engine.encode_chat([{"role": "user", "content": "秋季新品 coffee, " * (i + 1)}])
        for i in range(count)
    ]


async def texts(
    engine: Engine, prompt: list[int], options: SamplingOptions, n: int = 1
) -> list[str]:
    parts: list[list[str]] = [[] for _ in range(n)]
    async with engine.submit(prompt, options, n) as generation:
        async for outputs in generation:
            for out in outputs:
                parts[out.index].append(out.text)
    return ["".join(p) for p in parts]


def references(model_dir: Path, batch: list[list[int]], max_tokens: int) -> list[str]:
    """Sequential `model.generate`, greedy: what every batched completion must equal."""
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a second OpenMP team beside the engine's crawls on 2 cores
    try:
        outputs = [
            model.generate(torch.tensor([p]), do_sample=False, max_new_tokens=max_tokens)
            for p in batch
        ]
    finally:
        torch.set_num_threads(threads)
    return [
        tokenizer.decode(
            ids[0, len(p) :], skip_special_tokens=True, clean_up_tokenization_spaces=False
        )
        for p, ids in zip(batch, outputs, strict=True)
    ]


async def test_sixteen_concurrent_greedy_completions_equal_sequential_generate(
    engine: Engine, tiny_model_dir: Path
) -> None:
    batch = prompts(engine, 16)
    got = await asyncio.gather(*(texts(engine, p, GREEDY) for p in batch))
    assert [t for [t] in got] == references(tiny_model_dir, batch, 20)
    # They really ran together: decode steps carried more than one sequence.
    assert engine.metrics.batch.sum > engine.metrics.batch.count


async def test_grouped_query_attention_matches_generate(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    """4 query heads over 1 kv head: the decode step groups query heads instead of copying."""
    config = LlamaConfig.from_pretrained(tiny_model_dir)
    config.num_attention_heads, config.num_key_value_heads, config.head_dim = 4, 1, 8
    torch.manual_seed(1)
    LlamaForCausalLM(config).save_pretrained(tmp_path)
    AutoTokenizer.from_pretrained(tiny_model_dir).save_pretrained(tmp_path)
    engine = Engine(tmp_path, EngineConfig(max_num_seqs=4, cpu_threads=1))
    await engine.start()
    try:
        batch = prompts(engine, 4)
        got = await asyncio.gather(*(texts(engine, p, GREEDY) for p in batch))
    finally:
        await engine.aclose()
    assert [t for [t] in got] == references(tmp_path, batch, 20)


async def test_n_completions_differ_with_a_seed_and_agree_at_temperature_zero(
    engine: Engine,
) -> None:
    [prompt] = prompts(engine, 1)
    seeded = SamplingOptions(temperature=1.0, max_tokens=12, seed=3)
    three = await texts(engine, prompt, seeded, n=3)
    assert len(set(three)) == 3
    assert await texts(engine, prompt, seeded, n=3) == three
    assert len(set(await texts(engine, prompt, GREEDY, n=3))) == 1


async def test_each_request_samples_with_its_own_settings_in_a_shared_batch(
    engine: Engine,
) -> None:
    batch = prompts(engine, 6)
    seeded = SamplingOptions(temperature=0.9, top_p=0.8, top_k=40, max_tokens=16, seed=11)
    penalized = SamplingOptions(temperature=0, repetition_penalty=1.3, max_tokens=16)
    alone = [
        await texts(engine, batch[0], seeded),
        await texts(engine, batch[1], GREEDY),
        await texts(engine, batch[2], penalized),
    ]
    noise = SamplingOptions(temperature=1.5, max_tokens=16)
    together = await asyncio.gather(
        texts(engine, batch[0], seeded),
        texts(engine, batch[1], GREEDY),
        texts(engine, batch[2], penalized),
        *(texts(engine, p, noise) for p in batch[3:]),
    )
    assert together[:3] == alone
    assert alone[2] != await texts(engine, batch[2], GREEDY)  # the penalty did change the text


def penalized_reference(
    model_dir: Path, prompt: list[int], frequency: float, presence: float, max_tokens: int
) -> str:
    """Greedy decoding with OpenAI's penalties written out: logits[t] − frequency · (times t was
    generated) − presence · (t was generated at all); the prompt's tokens are not counted."""
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True)
    ids, counts = list(prompt), torch.zeros(model.config.vocab_size)
    with torch.no_grad():
        for _ in range(max_tokens):
            logits = model(torch.tensor([ids])).logits[0, -1]
            token = int((logits - frequency * counts - presence * (counts > 0)).argmax())
            if token == tokenizer.eos_token_id:
                break
            ids.append(token)
            counts[token] += 1
    return tokenizer.decode(ids[len(prompt) :], skip_special_tokens=True)


async def test_frequency_and_presence_penalties_count_generated_tokens_only(
    engine: Engine, tiny_model_dir: Path
) -> None:
    (prompt,) = prompts(engine, 1)
    for frequency, presence in ((0.8, 0.0), (0.0, 1.5), (0.5, 0.5)):
        options = SamplingOptions(
            temperature=0, frequency_penalty=frequency, presence_penalty=presence, max_tokens=16
        )
        expected = penalized_reference(tiny_model_dir, prompt, frequency, presence, 16)
        assert await texts(engine, prompt, options) == [expected]
    plain = await texts(engine, prompt, GREEDY)
    assert plain != await texts(engine, prompt, replace(GREEDY, presence_penalty=1.5))


async def test_limits_are_refused_before_anything_is_queued(engine: Engine) -> None:
    with pytest.raises(PromptTooLong, match="reads at most 2048"):
        engine.submit([1] * 2048, GREEDY)
    with pytest.raises(TooManyCompletions):
        engine.submit([1, 2, 3], GREEDY, n=17)
    assert not engine.scheduler.has_work()
