"""OpenAIClient over real sockets against a local fake OpenAI-compatible server (aiohttp)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from muse.core.llm.client import (
    ChatMessage,
    ChatRequest,
    Chunk,
    ModelRequestRejected,
    ModelUnavailable,
    SamplingParams,
)
from muse.core.llm.openai_client import OpenAIClient
from tests.fake_openai import (
    MODEL_ID,
    TOO_LONG,
    FakeServer,
    fake_openai_server,
    reply,
    token_logprob,
)


@pytest.fixture
async def server() -> AsyncIterator[FakeServer]:
    async with fake_openai_server() as fake:
        yield fake


def request(n: int = 1, **params: Any) -> ChatRequest:
    return ChatRequest((ChatMessage("user", "写一句秋季新品广告"),), SamplingParams(**params), n=n)


async def drain(client: OpenAIClient, req: ChatRequest) -> list[Chunk]:
    return [chunk async for chunk in client.stream(req)]


async def test_stream_one_completion_and_wire_format(server: FakeServer) -> None:
    async with OpenAIClient(server.url, model="m", api_key="k-123", timeout_s=5) as client:
        chunks = await drain(client, request(temperature=0.5, stop=("\n\n",), seed=3))
    assert "".join(c.text for c in chunks) == reply(0)
    assert {c.index for c in chunks} == {0}
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["stop"]
    assert chunks[-1].finish_reason == "stop"
    body = server.bodies[0]
    assert body["model"] == "m" and body["stream"] is True and body["n"] == 1
    assert body["messages"] == [{"role": "user", "content": "写一句秋季新品广告"}]
    assert body["temperature"] == 0.5 and body["stop"] == ["\n\n"] and body["seed"] == 3
    assert body["repetition_penalty"] == 1.1 and body["max_tokens"] == 256
    assert "frequency_penalty" not in body and "presence_penalty" not in body
    assert server.auth == ["Bearer k-123"]


async def test_openai_penalties_are_sent_when_set(server: FakeServer) -> None:
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        await client.complete(request(frequency_penalty=0.4, presence_penalty=-0.5))
    body = server.bodies[0]
    assert body["frequency_penalty"] == 0.4 and body["presence_penalty"] == -0.5


async def test_processor_arguments_go_as_vllm_xargs_only_when_set(server: FakeServer) -> None:
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        await client.complete(request(extra_args={"copy_phrases": ["松间"], "copy_bias": 12.0}))
        await client.complete(request())
    asked, off = server.bodies
    assert asked["vllm_xargs"] == {"copy_phrases": ["松间"], "copy_bias": 12.0}
    assert "vllm_xargs" not in off


async def test_stream_three_interleaved_completions(server: FakeServer) -> None:
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        chunks = await drain(client, request(n=3))
    indices = [c.index for c in chunks if c.text]
    assert indices != sorted(indices)  # the server interleaved them
    for i in range(3):
        assert "".join(c.text for c in chunks if c.index == i) == reply(i)
        assert [c.finish_reason for c in chunks if c.index == i and c.finish_reason] == ["stop"]
    assert server.auth == [None]


async def test_logprobs_are_asked_for_and_read_from_the_stream(server: FakeServer) -> None:
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        chunks = await drain(client, request(n=2, logprobs=True))
        plain = await drain(client, request())
    assert server.bodies[0]["logprobs"] is True and "logprobs" not in server.bodies[1]
    for i in range(2):
        mine = [lp for c in chunks if c.index == i for lp in c.logprobs]
        assert mine and set(mine) == {token_logprob(i)}
    assert all(c.logprobs == () for c in plain)


async def test_a_server_refusing_logprobs_is_asked_again_without_them(server: FakeServer) -> None:
    server.refuse_logprobs = True
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        chunks = await drain(client, request(logprobs=True))
        texts = await client.complete(request(logprobs=True))
    assert "".join(c.text for c in chunks) == reply(0) and texts == [reply(0)]
    assert all(c.logprobs == () for c in chunks)
    # Refused once; every later request goes without asking.
    assert ["logprobs" in b for b in server.bodies] == [True, False, False]


async def test_complete_orders_by_index(server: FakeServer) -> None:
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        assert await client.complete(request(n=3)) == [reply(0), reply(1), reply(2)]
    assert server.bodies[0]["stream"] is False


async def test_model_is_discovered_once(server: FakeServer) -> None:
    async with OpenAIClient(server.url, timeout_s=5) as client:
        await client.complete(request())
        await drain(client, request())
    assert [b["model"] for b in server.bodies] == [MODEL_ID, MODEL_ID]
    assert server.model_lists == 1


async def test_server_error_is_unavailable(server: FakeServer) -> None:
    server.mode = "500"
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        with pytest.raises(ModelUnavailable, match="HTTP 500"):
            await drain(client, request())
        with pytest.raises(ModelUnavailable, match="engine crashed"):
            await client.complete(request())


async def test_a_busy_server_is_asked_again_after_retry_after(server: FakeServer) -> None:
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        server.busy = 2
        chunks = await drain(client, request())
        assert "".join(c.text for c in chunks) == reply(0)
        server.busy = 2
        assert await client.complete(request()) == [reply(0)]
    assert len(server.bodies) == 6  # two busy answers before each served request


async def test_busy_beyond_the_retries_is_unavailable(server: FakeServer) -> None:
    server.busy = 10
    async with OpenAIClient(server.url, model="m", timeout_s=5, retries=1) as client:
        with pytest.raises(ModelUnavailable, match="HTTP 429"):
            await drain(client, request())
    assert len(server.bodies) == 2


@pytest.mark.parametrize("retry_after", ["120", "Wed, 21 Oct 2099 07:28:00 GMT"])
async def test_a_long_retry_after_is_not_waited_for(server: FakeServer, retry_after: str) -> None:
    server.busy, server.retry_after = 1, retry_after
    async with OpenAIClient(server.url, model="m", timeout_s=5, max_retry_wait_s=5) as client:
        with pytest.raises(ModelUnavailable, match="HTTP 429"):
            await client.complete(request())
    assert len(server.bodies) == 1


async def test_busy_without_retry_after_backs_off(server: FakeServer) -> None:
    server.busy, server.retry_after = 1, None
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        assert await client.complete(request()) == [reply(0)]
    assert len(server.bodies) == 2


async def test_bad_request_is_rejected_with_server_message(server: FakeServer) -> None:
    server.mode = "400"
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        with pytest.raises(ModelRequestRejected) as streamed:
            await drain(client, request())
        with pytest.raises(ModelRequestRejected) as completed:
            await client.complete(request())
    assert str(streamed.value) == str(completed.value) == TOO_LONG


@pytest.mark.parametrize("mode", ["slow_headers", "slow_chunks"])
async def test_timeout_is_unavailable(server: FakeServer, mode: str) -> None:
    server.mode = mode
    async with OpenAIClient(server.url, model="m", timeout_s=0.2) as client:
        with pytest.raises(ModelUnavailable, match=r"did not answer within 0\.2 s"):
            await drain(client, request())


async def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with OpenAIClient(f"http://127.0.0.1:{port}/v1", model="m", timeout_s=2) as client:
        with pytest.raises(ModelUnavailable, match="Cannot reach"):
            await drain(client, request())
        with pytest.raises(ModelUnavailable, match="Cannot reach"):
            await client.complete(request())


async def test_malformed_stream_is_unavailable(server: FakeServer) -> None:
    server.mode = "malformed"
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        with pytest.raises(ModelUnavailable, match="malformed"):
            await drain(client, request())


async def test_closing_the_stream_disconnects_from_the_server(server: FakeServer) -> None:
    server.mode = "endless"
    async with OpenAIClient(server.url, model="m", timeout_s=5) as client:
        stream = client.stream(request())
        first = await anext(stream)
        assert first == Chunk(0, "字")
        await stream.aclose()
        await asyncio.wait_for(server.disconnected.wait(), timeout=5)


async def test_use_before_start_is_a_programming_error(server: FakeServer) -> None:
    client = OpenAIClient(server.url, model="m")
    with pytest.raises(RuntimeError, match="start"):
        await client.complete(request())
