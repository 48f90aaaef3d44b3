"""`POST /v1/chat/completions` and `POST /v1/completions`, whole or streamed as Server-Sent
Events (`data: {chunk}` lines, then `data: [DONE]`), as OpenAI's API defines them.

A client that disconnects mid-stream makes the next write fail; leaving the `AsyncExitStack`
then aborts its generations, and the engine frees their slots before the next step.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from jinja2 import TemplateError

from muse.core.llm.engine.core import Engine
from muse.core.llm.engine.generation import Generation
from muse.core.llm.engine.sequence import FINISH_LENGTH, FINISH_STOP
from muse.core.llm.server.logprobs import Logprobs
from muse.core.llm.server.protocol import (
    ApiError,
    Generate,
    bad,
    check_model,
    parse_chat,
    parse_completion,
    parse_json,
)
from muse.core.llm.server.state import STATE, ServerState

logger = logging.getLogger(__name__)

SSE_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",  # proxies (nginx) must not buffer the stream
}


@dataclass(frozen=True, slots=True)
class _Kind:
    """What differs between the two endpoints' bodies."""

    chat: bool
    id: str
    created: int
    model: str

    def choice(
        self,
        index: int,
        text: str,
        reason: str | None,
        *,
        delta: bool,
        logprobs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        if not self.chat:
            return {"index": index, "text": text, "logprobs": logprobs, "finish_reason": reason}
        key, message = ("delta", {"content": text}) if delta else ("message", _assistant(text))
        return {"index": index, key: message, "logprobs": logprobs, "finish_reason": reason}

    def body(self, choices: list[dict[str, Any]], *, chunk: bool) -> dict[str, Any]:
        kind = "chat.completion" if self.chat else "text_completion"
        obj = f"{kind}.chunk" if chunk and self.chat else kind
        return {
            "id": self.id,
            "object": obj,
            "created": self.created,
            "model": self.model,
            "choices": choices,
        }


async def chat_completions(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    body = parse_json(await request.read())
    check_model(body, state.name)
    job = parse_chat(body, state.max_n)
    prompts = [_encode_chat(state.engine, messages) for messages in job.prompts]
    return await _respond(request, state, job, prompts, chat=True)


async def completions(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    body = parse_json(await request.read())
    check_model(body, state.name)
    job = parse_completion(body, state.max_n)
    prompts = [state.engine.encode_text(text) for text in job.prompts]
    return await _respond(request, state, job, prompts, chat=False)


def _encode_chat(engine: Engine, messages: list[dict[str, str]]) -> list[int]:
    try:
        return engine.encode_chat(messages)
    except TemplateError as exc:
        raise bad(f"The model's chat template rejected these messages: {exc}", "messages") from exc


async def _respond(
    request: web.Request, state: ServerState, job: Generate, prompts: list[list[int]], chat: bool
) -> web.StreamResponse:
    prefix = "chatcmpl" if chat else "cmpl"
    kind = _Kind(chat, f"{prefix}-{uuid.uuid4().hex}", int(time.time()), state.name)
    async with AsyncExitStack() as stack:
        # All prompts are queued before any is read, so they run in the same batch.
        generations = [
            await stack.enter_async_context(state.engine.submit(p, job.options, job.n))
            for p in prompts
        ]
        total = len(prompts) * job.n
        logprobs = Logprobs(total, state.engine.tokenizer, chat=chat) if job.logprobs else None
        if job.stream:
            return await _stream(request, kind, job, generations, logprobs)
        return await _whole(kind, job, generations, logprobs)


async def _whole(
    kind: _Kind, job: Generate, generations: list[Generation], logprobs: Logprobs | None
) -> web.Response:
    total = len(generations) * job.n
    texts: list[list[str]] = [[] for _ in range(total)]
    reasons: list[str | None] = [None] * total
    tokens = 0
    for p, generation in enumerate(generations):
        async for outputs in generation:
            for out in outputs:
                texts[p * job.n + out.index].append(out.text)
                tokens += out.tokens
                if logprobs:
                    logprobs.add(p * job.n + out.index, out)
                if out.finish_reason is not None:
                    reasons[p * job.n + out.index] = _checked(out.finish_reason)
    choices = [
        kind.choice(
            i,
            "".join(texts[i]),
            reasons[i],
            delta=False,
            logprobs=logprobs.take(i) if logprobs else None,
        )
        for i in range(total)
    ]
    body = kind.body(choices, chunk=False)
    body["usage"] = _usage(generations, tokens)
    return web.json_response(body)


async def _stream(
    request: web.Request,
    kind: _Kind,
    job: Generate,
    generations: list[Generation],
    logprobs: Logprobs | None,
) -> web.StreamResponse:
    response = web.StreamResponse(headers=SSE_HEADERS)
    await response.prepare(request)
    tokens = 0
    try:
        if kind.chat:  # OpenAI opens every choice with the assistant role and no content
            opening = [
                kind.body([_role_choice(i)], chunk=True) for i in range(len(generations) * job.n)
            ]
            await response.write(b"".join(_event(e) for e in opening))
        for p, generation in enumerate(generations):
            async for outputs in generation:
                events = []
                for out in outputs:
                    tokens += out.tokens
                    if out.finish_reason is not None and out.finish_reason not in _NORMAL:
                        await response.write(_event(_failure(out.finish_reason).body()))
                        return response
                    index = p * job.n + out.index
                    if logprobs:
                        logprobs.add(index, out)
                    if out.text or out.finish_reason:
                        choice = kind.choice(
                            index,
                            out.text,
                            out.finish_reason,
                            delta=True,
                            logprobs=logprobs.take(index) if logprobs else None,
                        )
                        events.append(_event(kind.body([choice], chunk=True)))
                if events:
                    await response.write(b"".join(events))
        if job.include_usage:
            final = kind.body([], chunk=True) | {"usage": _usage(generations, tokens)}
            await response.write(_event(final))
        await response.write(b"data: [DONE]\n\n")
    except ConnectionResetError:
        logger.info("client disconnected mid-stream; its generation is aborted")
    return response


_NORMAL = frozenset({FINISH_STOP, FINISH_LENGTH})


def _checked(reason: str) -> str:
    if reason not in _NORMAL:
        raise _failure(reason)
    return reason


def _failure(reason: str) -> ApiError:
    """The error for a sequence that ended abnormally: timed out, failed, or shut down."""
    if reason == "timeout":
        return ApiError(
            504, "The request timed out in the model server.", type_="timeout", code="timeout"
        )
    if reason == "error":
        return ApiError(
            500,
            "The model failed while generating.",
            type_="server_error",
            code="generation_failed",
        )
    return ApiError(
        503, "The model server is shutting down.", type_="server_error", code="shutting_down"
    )


def _usage(generations: list[Generation], completion_tokens: int) -> dict[str, int]:
    prompt_tokens = sum(g.prompt_tokens for g in generations)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _assistant(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def _role_choice(index: int) -> dict[str, Any]:
    return {"index": index, "delta": _assistant(""), "logprobs": None, "finish_reason": None}


def _event(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"
