"""The four ways bench/serving.py generates under load, and the statistics of what they timed.

(a) `sequential` and (b) `static_batches` call `model.generate` in this process; (c) and (d)
are servers, driven by `over_http` with closed-loop streaming clients.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import torch
from transformers.generation.streamers import BaseStreamer


@dataclass
class Sample:
    """One request: when it was sent, when its tokens came, how many."""

    sent: float
    times: list[float] = field(default_factory=list)
    tokens: int = 0


@dataclass
class Row:
    system: str
    clients: int
    requests: int
    tokens: int
    seconds: float
    tokens_per_s: float
    ttft_p50_ms: float
    ttft_p95_ms: float
    itl_p50_ms: float
    itl_p95_ms: float
    extra: dict = field(default_factory=dict)


def summarize(system: str, clients: int, samples: list[Sample]) -> Row:
    start = min(s.sent for s in samples)
    end = max(s.times[-1] for s in samples)
    ttft = [(s.times[0] - s.sent) * 1000 for s in samples]
    itl = [(b - a) * 1000 for s in samples for a, b in zip(s.times, s.times[1:], strict=False)]
    tokens = sum(s.tokens for s in samples)
    return Row(
        system,
        clients,
        len(samples),
        tokens,
        end - start,
        tokens / (end - start),
        percentile(ttft, 50),
        percentile(ttft, 95),
        percentile(itl, 50),
        percentile(itl, 95),
    )


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def chat_text(tokenizer: Any, messages: list[dict[str, str]]) -> str:
    return tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)


class Clock(BaseStreamer):
    """Records when `generate` produced each step's tokens (the prompt's put is skipped)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._prompt = True

    def put(self, value: torch.Tensor) -> None:
        if self._prompt:
            self._prompt = False
        else:
            self.times.append(time.perf_counter())

    def end(self) -> None:
        """Nothing to flush."""


async def sequential(model, tokenizer, prompts, clients, requests, max_tokens) -> list[Sample]:
    """(a): `clients` closed-loop clients, one `generate` at a time on one worker thread."""
    worker = ThreadPoolExecutor(max_workers=1)
    loop = asyncio.get_running_loop()
    pending = list(range(requests))
    samples: list[Sample] = []

    def generate(ids: list[int]) -> Clock:
        clock = Clock()
        with torch.inference_mode():
            model.generate(
                torch.tensor([ids], device=model.device),
                do_sample=False,
                max_new_tokens=max_tokens,
                min_new_tokens=max_tokens,
                streamer=clock,
            )
        return clock

    async def client() -> None:
        while pending:
            i = pending.pop()
            ids = tokenizer(chat_text(tokenizer, prompts[i % len(prompts)]))["input_ids"]
            sample = Sample(time.perf_counter())
            clock = await loop.run_in_executor(worker, generate, ids)
            sample.times, sample.tokens = clock.times, len(clock.times)
            samples.append(sample)

    await asyncio.gather(*(client() for _ in range(clients)))
    worker.shutdown()
    return samples


def static_batches(model, tokenizer, prompts, clients, requests, max_tokens) -> list[Sample]:
    """(b): `clients` prompts left-padded into one `generate` call, batch after batch."""
    tokenizer.padding_side = "left"
    samples: list[Sample] = []
    for first in range(0, requests, clients):
        texts = [
            chat_text(tokenizer, prompts[i % len(prompts)])
            for i in range(first, min(first + clients, requests))
        ]
        batch = tokenizer(texts, return_tensors="pt", padding=True).to(model.device)
        clock, sent = Clock(), time.perf_counter()
        with torch.inference_mode():
            model.generate(
                **batch,
                do_sample=False,
                max_new_tokens=max_tokens,
                min_new_tokens=max_tokens,
                streamer=clock,
            )
        samples += [Sample(sent, clock.times, len(clock.times)) for _ in texts]
    return samples


async def over_http(base, model, prompts, clients, requests, max_tokens) -> list[Sample]:
    """(c)/(d): closed-loop clients streaming chat completions; each content chunk is a token."""
    pending = list(range(requests))
    samples: list[Sample] = []
    timeout = aiohttp.ClientTimeout(total=1800)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:

        async def client() -> None:
            while pending:
                i = pending.pop()
                body = {
                    "model": model,
                    "messages": prompts[i % len(prompts)],
                    "stream": True,
                    "max_tokens": max_tokens,
                    "temperature": 0,
                    "stream_options": {"include_usage": True},
                }
                sample = Sample(time.perf_counter())
                async with http.post(base + "/chat/completions", json=body) as response:
                    response.raise_for_status()
                    usage = None
                    async for line in response.content:
                        if not line.startswith(b"data:") or line.strip() == b"data: [DONE]":
                            continue
                        chunk = json.loads(line[5:])
                        usage = chunk.get("usage") or usage
                        choices = chunk.get("choices") or [{}]
                        if (choices[0].get("delta") or {}).get("content"):
                            sample.times.append(time.perf_counter())
                # A chunk may carry no text (an incomplete UTF-8 character): count tokens by usage.
                sample.tokens = usage["completion_tokens"] if usage else len(sample.times)
                samples.append(sample)

        await asyncio.gather(*(client() for _ in range(clients)))
    return samples
