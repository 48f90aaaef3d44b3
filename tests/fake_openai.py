"""A local fake OpenAI-compatible server (aiohttp) speaking the real wire protocol.

Chat completions streamed as SSE `data:` lines ending in `data: [DONE]`, OpenAI's error JSON,
and `/models`; `mode` picks misbehaviours (errors, slow or endless streams, malformed data).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MODEL_ID = "muse-fake"
TOO_LONG = "This model's maximum context length is 2048 tokens. Please reduce the length."


def reply(index: int) -> str:
    return f"第{index}条：Autumn 新品 {index}!"


def token_logprob(index: int) -> float:
    """The log-prob the fake gives every token of completion `index` when asked for logprobs."""
    return -0.5 * (index + 1)


@dataclass
class FakeServer:
    """Speaks OpenAI's wire protocol; `mode` picks how /chat/completions behaves."""

    mode: str = "ok"
    url: str = ""
    bodies: list[dict[str, Any]] = field(default_factory=list)
    auth: list[str | None] = field(default_factory=list)
    model_lists: int = 0
    disconnected: asyncio.Event = field(default_factory=asyncio.Event)
    busy: int = 0  # answer this many chat requests 429 (busy) before serving
    retry_after: str | None = "0"  # the busy answers' Retry-After header (None: no header)
    refuse_logprobs: bool = False  # answer a request asking for logprobs 400, as older servers

    async def models(self, request: web.Request) -> web.Response:
        self.model_lists += 1
        return web.json_response({"object": "list", "data": [{"id": MODEL_ID, "object": "model"}]})

    async def chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.bodies.append(body)
        self.auth.append(request.headers.get("Authorization"))
        if self.busy > 0:
            self.busy -= 1
            error = {"message": "server busy", "type": "rate_limit_error", "code": None}
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            return web.json_response({"error": error}, status=429, headers=headers)
        if body.get("logprobs") and self.refuse_logprobs:
            error = {"message": "`logprobs` is not supported.", "type": "invalid_request_error"}
            return web.json_response({"error": error | {"code": None}}, status=400)
        if self.mode in ("500", "400"):
            message = "engine crashed" if self.mode == "500" else TOO_LONG
            error = {"message": message, "type": "invalid_request_error", "code": None}
            return web.json_response({"error": error}, status=int(self.mode))
        if self.mode == "slow_headers":
            await asyncio.sleep(2)
        if not body["stream"]:
            # Reverse order on purpose: the client must order completions by index.
            choices = [
                {"index": i, "message": {"role": "assistant", "content": reply(i)}}
                for i in reversed(range(body["n"]))
            ]
            return web.json_response({"object": "chat.completion", "choices": choices})
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        try:
            await self._events(response, body["n"], bool(body.get("logprobs")))
        except (ConnectionResetError, asyncio.CancelledError):
            self.disconnected.set()
            raise
        return response

    async def _events(self, response: web.StreamResponse, n: int, logprobs: bool) -> None:
        async def send(choices: list[dict[str, Any]]) -> None:
            chunk = {"object": "chat.completion.chunk", "model": MODEL_ID, "choices": choices}
            await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())

        await send([{"index": i, "delta": {"role": "assistant"}} for i in range(n)])
        await response.write(b": keepalive\n\n")
        if self.mode == "malformed":
            await response.write(b"data: {not json\n\n")
            return
        if self.mode in ("slow_chunks", "endless"):
            while True:
                await send([{"index": 0, "delta": {"content": "字"}, "finish_reason": None}])
                await asyncio.sleep(2 if self.mode == "slow_chunks" else 0.01)
        pieces = [[reply(i)[k : k + 3] for k in range(0, len(reply(i)), 3)] for i in range(n)]
        # Interleave the completions piece by piece, as a batching server does.
        for step in range(max(len(p) for p in pieces)):
            for i in range(n):
                if step < len(pieces[i]):
                    choice: dict[str, Any] = {"index": i, "delta": {"content": pieces[i][step]}}
                    if logprobs:  # one "token" per piece
                        entry = {"token": pieces[i][step], "logprob": token_logprob(i)}
                        choice["logprobs"] = {"content": [entry | {"top_logprobs": []}]}
                    await send([choice])
        await send([{"index": i, "delta": {}, "finish_reason": "stop"} for i in range(n)])
        await send([])  # vLLM's trailing usage chunk has no choices
        await response.write(b"data: [DONE]\n\n")


@asynccontextmanager
async def fake_openai_server(mode: str = "ok") -> AsyncIterator[FakeServer]:
    """Serve a `FakeServer` on 127.0.0.1 at a free port; its `url` ends in /v1."""
    fake = FakeServer(mode)
    app = web.Application()
    app.router.add_get("/v1/models", fake.models)
    app.router.add_post("/v1/chat/completions", fake.chat)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    try:
        yield fake
    finally:
        await runner.cleanup()
