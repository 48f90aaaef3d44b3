"""`muse serve-model`: the OpenAI-compatible HTTP server (aiohttp) around one `Engine`.

Routes: POST /v1/chat/completions, POST /v1/completions, GET /v1/models, GET /health,
GET /metrics. Every error, including unknown routes and oversized bodies, is answered in
OpenAI's shape: {"error": {"message", "type", "param", "code"}}.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from muse.core.httpguard import GuardedSite, HttpLimits, body_deadline, runner_options
from muse.core.llm.client import ModelRequestRejected
from muse.core.llm.engine.config import EngineConfig
from muse.core.llm.engine.core import Engine
from muse.core.llm.engine.errors import (
    EngineStopped,
    GenerationFailed,
    PromptTooLong,
    QueueFull,
    RequestTimedOut,
    TooManyCompletions,
)
from muse.core.llm.engine.metrics import CONTENT_TYPE
from muse.core.llm.server.completions import chat_completions, completions
from muse.core.llm.server.protocol import ApiError
from muse.core.llm.server.state import STATE, ServerState

logger = logging.getLogger(__name__)

# Seconds a client refused for a full queue should wait: about one short generation.
RETRY_AFTER_S = 1
# Chat prompts of the whole context fit in far less than 4 MiB; see httpguard.py for the rest.
LIMITS = HttpLimits(max_body_bytes=4 * 2**20)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app(engine: Engine, name: str) -> web.Application:
    """The aiohttp application serving a started `engine` as model `name`."""
    app = web.Application(
        middlewares=[_errors, body_deadline(LIMITS)], client_max_size=LIMITS.max_body_bytes
    )
    app[STATE] = ServerState(engine, name, int(time.time()))
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_post("/v1/completions", completions)
    app.router.add_get("/v1/models", _models)
    app.router.add_get("/health", _health)
    app.router.add_get("/metrics", _metrics)
    return app


class ModelServer:
    """The HTTP listener around a started engine: `start()` returns the base URL (…/v1)."""

    def __init__(self, engine: Engine, name: str, host: str, port: int) -> None:
        self._runner = web.AppRunner(
            build_app(engine, name), handle_signals=False, **runner_options(LIMITS)
        )
        self._host = host
        self._port = port

    async def start(self) -> str:
        await self._runner.setup()
        site = GuardedSite(self._runner, self._host, self._port, LIMITS)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}/v1"

    async def aclose(self) -> None:
        await self._runner.cleanup()


async def serve(
    path: Path,
    host: str,
    port: int,
    name: str,
    config: EngineConfig,
    announce: Callable[[str], None],
) -> None:
    """Load the model, serve it until SIGINT/SIGTERM, then stop accepting, abort, unload."""
    engine = Engine(path, config)
    await engine.start()
    server = ModelServer(engine, name, host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        url = await server.start()
        announce(
            f"Serving {name} on {url} (max {config.max_num_seqs} sequences at once). "
            f"/ 模型 {name} 已在 {url} 上提供服务。"
        )
        await stop.wait()
    finally:
        await server.aclose()
        await engine.aclose()


async def _models(request: web.Request) -> web.Response:
    state = request.app[STATE]
    model = {
        "id": state.name,
        "object": "model",
        "created": state.created,
        "owned_by": "muse",
        "max_model_len": state.engine.max_model_len,
    }
    return web.json_response({"object": "list", "data": [model]})


async def _health(request: web.Request) -> web.Response:
    if request.app[STATE].engine.running:
        return web.json_response({"status": "ok"})
    return web.json_response({"status": "engine stopped"}, status=503)


async def _metrics(request: web.Request) -> web.Response:
    text = request.app[STATE].engine.metrics.render()
    return web.Response(body=text.encode(), headers={"Content-Type": CONTENT_TYPE})


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer every failure as an OpenAI error object with the matching status."""
    try:
        return await handler(request)
    except ApiError as exc:
        error = exc
    except web.HTTPException as exc:  # unknown route, wrong method, body too large
        if exc.status < 400:
            raise
        error = ApiError(exc.status, _http_message(request, exc))
    except Exception as exc:
        error = _engine_error(exc)
    if error.status >= 500:
        logger.warning("%s %s → %d %s", request.method, request.path, error.status, error.code)
    return web.json_response(error.body(), status=error.status, headers=error.headers)


def _engine_error(exc: Exception) -> ApiError:
    if isinstance(exc, PromptTooLong):
        return ApiError(
            400,
            f"This model's maximum context length is {exc.max_model_len} tokens; the prompt is "
            f"{exc.prompt_tokens} tokens. Shorten the messages.",
            param="messages",
            code="context_length_exceeded",
        )
    if isinstance(exc, ModelRequestRejected):  # too many completions, or an empty prompt
        param = "n" if isinstance(exc, TooManyCompletions) else "prompt"
        return ApiError(400, str(exc), param=param, code=exc.code)
    if isinstance(exc, QueueFull):
        return ApiError(
            503,
            str(exc),
            type_="server_error",
            code="queue_full",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    if isinstance(exc, RequestTimedOut | GenerationFailed | EngineStopped):
        return ApiError(503, str(exc), type_="server_error", code=exc.code)
    logger.exception("unexpected error in the model server")
    return ApiError(500, "Internal error in the model server.", type_="server_error")


def _http_message(request: web.Request, exc: web.HTTPException) -> str:
    if exc.status == 404:
        return f"There is no {request.path}; see GET /v1/models, POST /v1/chat/completions."
    if exc.status == 405:
        return f"{request.method} is not allowed on {request.path}."
    if exc.status == 413:
        return f"The request body is larger than {LIMITS.max_body_bytes // 2**20} MiB."
    return exc.reason
