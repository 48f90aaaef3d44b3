"""`muse serve-model`'s HTTP API, over real sockets: OpenAI clients, batching, cancellation,
back-pressure and errors."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import openai
import pytest
import pytest_asyncio

from muse.core.httpguard import HttpLimits
from muse.core.llm.client import ChatMessage, ChatRequest, SamplingParams
from muse.core.llm.engine.config import EngineConfig
from muse.core.llm.openai_client import OpenAIClient
from muse.core.llm.server import app as server_app
from tests.core.llm.server.conftest import model_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

MESSAGES = [
    {"role": "system", "content": "你是缪斯。"},
    {"role": "user", "content": "秋季新品广告"},
]


async def post(url: str, body: Any, path: str = "/chat/completions") -> tuple[int, dict, Any]:
    """POST `body` (JSON, or raw bytes); status, headers and the decoded JSON answer."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with aiohttp.ClientSession() as http, http.post(url + path, data=data) as response:
        return response.status, dict(response.headers), await response.json()


async def metrics(url: str) -> dict[str, float]:
    async with aiohttp.ClientSession() as http, http.get(url.removesuffix("/v1") + "/metrics") as r:
        text = await r.text()
    return {
        m.group(1): float(m.group(2))
        for m in re.finditer(r"^(muse_[a-z_]+(?:\{[^}]*\})?) (\S+)$", text, re.MULTILINE)
    }


async def wait_for_metric(url: str, name: str, value: float) -> None:
    """Poll /metrics until `name` equals `value` (the engine acts at its next step)."""
    for _ in range(400):
        if (await metrics(url)).get(name) == value:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{name} never became {value}: {await metrics(url)}")


@pytest_asyncio.fixture(loop_scope="module")
async def sse(base_url: str) -> AsyncIterator[Any]:
    """Opens raw streaming requests that a test can abandon mid-stream."""
    async with aiohttp.ClientSession() as http:

        async def open_stream(url: str = base_url, **body: Any) -> aiohttp.ClientResponse:
            body = {"messages": MESSAGES, "stream": True, "max_tokens": 1500} | body
            response = await http.post(url + "/chat/completions", json=body)
            assert response.status == 200, await response.text()
            return response

        yield open_stream


async def next_event(response: aiohttp.ClientResponse) -> str:
    while True:
        line = (await response.content.readline()).decode().strip()
        if line.startswith("data:"):
            return line


async def test_the_openai_client_streams_and_completes(base_url: str) -> None:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="unused", max_retries=0)
    async with client:
        [model] = (await client.models.list()).data
        assert model.id == "tiny"
        kwargs: Any = {"model": "tiny", "messages": MESSAGES, "max_tokens": 12, "temperature": 0}
        stream = await client.chat.completions.create(
            stream=True, stream_options={"include_usage": True}, **kwargs
        )
        chunks = [chunk async for chunk in stream]
        streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        whole = await client.chat.completions.create(**kwargs)
        text = await client.completions.create(model="tiny", prompt="秋季", max_tokens=4)
    assert streamed and streamed == whole.choices[0].message.content
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 12
    assert whole.choices[0].finish_reason == "length" and whole.usage.completion_tokens == 12
    assert text.choices[0].text and text.usage.completion_tokens == 4


async def test_logprobs_of_the_sampled_tokens_come_in_openai_shapes(base_url: str) -> None:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="unused", max_retries=0)
    kwargs: Any = {"model": "tiny", "messages": MESSAGES, "max_tokens": 12, "temperature": 0}
    async with client:
        whole = await client.chat.completions.create(logprobs=True, **kwargs)
        stream = await client.chat.completions.create(logprobs=True, stream=True, **kwargs)
        streamed = [
            entry
            async for chunk in stream
            for choice in chunk.choices
            for entry in (choice.logprobs.content or [] if choice.logprobs else [])
        ]
        plain = await client.chat.completions.create(**kwargs)
        text = await client.completions.create(
            model="tiny", prompt="秋季", max_tokens=6, temperature=0, logprobs=0
        )
    content = whole.choices[0].logprobs.content  # type: ignore[union-attr]
    assert content is not None and len(content) == 12  # one entry per generated token
    assert all(e.logprob <= 0 and e.top_logprobs == [] for e in content)
    # Streamed entries may lag their text (held back until whole UTF-8) but all arrive.
    assert [e.logprob for e in streamed] == pytest.approx([e.logprob for e in content], abs=1e-4)
    assert plain.choices[0].logprobs is None
    assert plain.choices[0].message.content == whole.choices[0].message.content
    lp = text.choices[0].logprobs
    assert lp is not None and len(lp.token_logprobs or []) == 6 and len(lp.text_offset or []) == 6


async def test_n_three_differ_with_a_seed_and_agree_at_temperature_zero(base_url: str) -> None:
    body = {"messages": MESSAGES, "max_tokens": 10, "n": 3}
    _, _, seeded = await post(base_url, body | {"seed": 5, "temperature": 1.0})
    _, _, greedy = await post(base_url, body | {"temperature": 0})
    assert len({c["message"]["content"] for c in seeded["choices"]}) == 3
    assert len({c["message"]["content"] for c in greedy["choices"]}) == 1
    assert [c["index"] for c in seeded["choices"]] == [0, 1, 2]


async def test_the_copy_prior_spells_out_the_phrases_it_is_given(base_url: str) -> None:
    body = {"messages": MESSAGES, "max_tokens": 16, "temperature": 0}
    _, _, plain = await post(base_url, body)
    prior = {"copy_phrases": ["秋季新品跑鞋"], "copy_bias": 30}
    _, _, copied = await post(base_url, body | {"vllm_xargs": prior})
    assert "秋季新品跑鞋" not in plain["choices"][0]["message"]["content"]
    assert "秋季新品跑鞋" in copied["choices"][0]["message"]["content"]


async def test_concurrent_requests_share_decode_steps(base_url: str) -> None:
    before = await metrics(base_url)
    body = {"messages": MESSAGES, "max_tokens": 48}
    await asyncio.gather(*(post(base_url, body) for _ in range(4)))
    after = await metrics(base_url)
    steps = after["muse_decode_batch_size_count"] - before["muse_decode_batch_size_count"]
    sequences = after["muse_decode_batch_size_sum"] - before["muse_decode_batch_size_sum"]
    assert sequences == 4 * 47  # every decoded token is counted once (the first comes from prefill)
    assert steps < sequences  # some steps decoded several requests at once
    assert after["muse_generated_tokens_total"] - before["muse_generated_tokens_total"] == 4 * 48


async def test_a_client_that_disconnects_mid_stream_frees_its_slot(base_url: str, sse: Any) -> None:
    before = await metrics(base_url)
    response = await sse()
    await next_event(response)  # the role
    await next_event(response)  # some text: it is generating
    assert (await metrics(base_url))["muse_running_sequences"] == 1
    response.close()
    await wait_for_metric(base_url, "muse_running_sequences", 0)
    after = await metrics(base_url)
    assert (
        after['muse_sequences_finished_total{reason="abort"}']
        == before.get('muse_sequences_finished_total{reason="abort"}', 0) + 1
    )
    assert after["muse_generated_tokens_total"] - before["muse_generated_tokens_total"] < 1500
    status, _, _ = await post(base_url, {"messages": MESSAGES, "max_tokens": 2})
    assert status == 200


async def test_a_full_queue_answers_503_with_retry_after(tiny_model_dir: Path, sse: Any) -> None:
    config = EngineConfig(max_num_seqs=1, max_queue=1, cpu_threads=1)
    async with model_server(tiny_model_dir, config) as url:
        running = await sse(url)
        await next_event(running)  # the role, sent before the request is scheduled
        await next_event(running)  # text: it holds the only slot
        waiting = asyncio.create_task(sse(url))  # its headers come with its first token
        await wait_for_metric(url, "muse_queue_depth", 1)
        status, headers, body = await post(url, {"messages": MESSAGES, "max_tokens": 2})
        assert status == 503 and headers["Retry-After"] == "1"
        assert body["error"]["code"] == "queue_full" and "busy" in body["error"]["message"]
        running.close()
        (await waiting).close()
        await wait_for_metric(url, "muse_running_sequences", 0)
        status, _, _ = await post(url, {"messages": MESSAGES, "max_tokens": 2})
        assert status == 200


async def test_a_request_past_its_timeout_ends_with_an_error(tiny_model_dir: Path) -> None:
    # The tiny model decodes its whole context (~1,000 tokens) in about 0.3 s on a quiet
    # machine, so a longer timeout sometimes let the stream finish by length first.
    config = EngineConfig(max_num_seqs=2, request_timeout_s=0.05, cpu_threads=1)
    async with model_server(tiny_model_dir, config) as url:
        status, _, body = await post(url, {"messages": MESSAGES, "max_tokens": 1500})
        assert status == 504 and body["error"]["code"] == "timeout"
        async with aiohttp.ClientSession() as http:
            stream = {"messages": MESSAGES, "max_tokens": 1500, "stream": True}
            async with http.post(url + "/chat/completions", json=stream) as response:
                events = [line async for line in response.content if line.startswith(b"data:")]
        assert b'"code": "timeout"' in events[-1]
        assert (await metrics(url))["muse_running_sequences"] == 0


MALFORMED = [
    (b"{not json", 400, "not valid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    ({"messages": []}, 400, "non-empty array"),
    ({"messages": [{"role": "bot", "content": "hi"}]}, 400, "messages[0].role"),
    ({"messages": [{"role": "user"}]}, 400, "messages[0].content"),
    ({"messages": MESSAGES, "max_tokens": -1}, 400, "max_tokens"),
    ({"messages": MESSAGES, "max_tokens": "ten"}, 400, "max_tokens"),
    ({"messages": MESSAGES, "temperature": 3}, 400, "temperature"),
    ({"messages": MESSAGES, "top_p": 0}, 400, "top_p"),
    ({"messages": MESSAGES, "n": 0}, 400, "`n`"),
    ({"messages": MESSAGES, "n": 9}, 400, "at most 8"),
    ({"messages": MESSAGES, "stop": ["a", "b", "c", "d", "e"]}, 400, "stop"),
    ({"messages": MESSAGES, "stream": "yes"}, 400, "stream"),
    ({"messages": MESSAGES, "seed": 2**64}, 400, "seed"),
    ({"messages": MESSAGES, "logprobs": "yes"}, 400, "logprobs"),
    ({"messages": MESSAGES, "logprobs": True, "top_logprobs": 2}, 400, "top_logprobs"),
    ({"messages": MESSAGES, "presence_penalty": 3}, 400, "presence_penalty"),
    ({"messages": MESSAGES, "logit_bias": {"42": 5}}, 400, "logit_bias"),
    ({"messages": MESSAGES, "vllm_xargs": {"copy_phrases": "秋季"}}, 400, "copy_phrases"),
    ({"messages": MESSAGES, "vllm_xargs": {"copy_phrases": ["秋"] * 33}}, 400, "at most 32"),
    ({"messages": MESSAGES, "vllm_xargs": {"copy_bias": -1}}, 400, "copy_bias"),
    ({"messages": MESSAGES, "vllm_xargs": ["copy_bias"]}, 400, "vllm_xargs"),
    ({"messages": MESSAGES, "vllm_xargs": {"x": {"nested": 1}}}, 400, "vllm_xargs.x"),
    ({"messages": MESSAGES, "model": "gpt-4o"}, 404, "does not exist"),
    ({"messages": [{"role": "user", "content": "秋季新品! " * 2000}]}, 400, "context length"),
]


@pytest.mark.parametrize(("body", "status", "says"), MALFORMED)
async def test_a_malformed_request_gets_a_clear_4xx_and_the_server_keeps_serving(
    base_url: str, body: Any, status: int, says: str
) -> None:
    got, _, answer = await post(base_url, body)
    assert got == status
    assert set(answer["error"]) == {"message", "type", "param", "code"}
    assert says in answer["error"]["message"]
    ok, _, _ = await post(base_url, {"messages": MESSAGES, "max_tokens": 1})
    assert ok == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/v1/chat/completions", 405), ("POST", "/v1/embeddings", 404)],
)
async def test_unknown_routes_and_methods_answer_in_openais_shape(
    base_url: str, method: str, path: str, status: int
) -> None:
    root = base_url.removesuffix("/v1")
    async with aiohttp.ClientSession() as http, http.request(method, root + path) as response:
        assert response.status == status
        assert (await response.json())["error"]["message"]


async def test_completions_validates_its_prompt(base_url: str) -> None:
    for prompt in (5, "", []):
        status, _, body = await post(base_url, {"prompt": prompt}, "/completions")
        assert status == 400 and body["error"]["param"] == "prompt"
    status, _, body = await post(base_url, {"prompt": ["a", "b"], "max_tokens": 3}, "/completions")
    assert status == 200 and [c["index"] for c in body["choices"]] == [0, 1]


async def test_the_cores_openai_client_runs_against_it(base_url: str) -> None:
    request = ChatRequest(
        tuple(ChatMessage(m["role"], m["content"]) for m in MESSAGES),  # type: ignore[arg-type]
        SamplingParams(max_tokens=8, seed=2, stop=("\n\n",)),
        n=2,
    )
    async with OpenAIClient(base_url) as client:
        chunks = [chunk async for chunk in client.stream(request)]
        texts = await client.complete(request)
    assert {c.index for c in chunks} == {0, 1}
    assert sum(c.finish_reason is not None for c in chunks) == 2
    assert len(texts) == 2 and all(texts)


async def test_sockets_that_send_half_a_request_are_closed(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = HttpLimits(header_timeout_s=0.5, body_timeout_s=0.5, lingering_s=0.2)
    monkeypatch.setattr(server_app, "LIMITS", short)
    config = EngineConfig(max_num_seqs=2, cpu_threads=1)
    async with model_server(tiny_model_dir, config) as url:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        half_body = b"POST /v1/chat/completions HTTP/1.1\r\nHost: m\r\nContent-Length: 400\r\n\r\n{"
        half_headers = b"POST /v1/chat/completions HTTP/1.1\r\nHost: m\r\n"
        conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(200)]
        for i, (_, writer) in enumerate(conns):
            writer.write(half_body if i % 2 else half_headers)
            await writer.drain()
        answers = await asyncio.wait_for(
            asyncio.gather(*(reader.read() for reader, _ in conns)), timeout=10
        )
        assert all(a == b"" or a.startswith(b"HTTP/1.1 408") for a in answers)
        status, _, _ = await post(url, {"messages": MESSAGES, "max_tokens": 2})
        assert status == 200  # still serving
