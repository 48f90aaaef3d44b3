"""`ModelClient` for any OpenAI-compatible chat completions server (vLLM, `muse serve-model`).

Streams over Server-Sent Events: one `data: {json}` line per chunk, `data: [DONE]` at the end.
Failures become the human-independent errors of `client`: unreachable, timed out, 5xx or a broken
stream → ModelUnavailable; 4xx → ModelRequestRejected with the server's own message. A server
that says it is busy (429 or 503) is asked again a few times after the wait its `Retry-After`
header names (RFC 9110 §10.2.3), when that wait is short; otherwise the user hears at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import aclosing, contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self

import httpx

from muse.core.llm.client import (
    ChatRequest,
    Chunk,
    ModelRequestRejected,
    ModelUnavailable,
    sampling_fields,
)

logger = logging.getLogger(__name__)

# Statuses that mean "busy, try later" rather than "this request is wrong".
_TRANSIENT_4XX = frozenset({408, 429})
# Statuses after which the same request is sent again (the server is busy, not broken).
_RETRY_STATUSES = frozenset({429, 503})


class OpenAIClient:
    """Chat completions over HTTP; `start()` (or `async with`) before use, `aclose()` after."""

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int = 2,
        max_retry_wait_s: float = 5.0,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._retries = retries
        self._max_retry_wait_s = max_retry_wait_s
        self._model = model
        self._api_key = api_key
        self._timeout_s = timeout_s
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._discovery = asyncio.Lock()
        self._logprobs = True  # False once the server has refused them

    async def start(self) -> None:
        """Open the connection pool (no request is made until the first call)."""
        if self._http is None:
            headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
            self._http = httpx.AsyncClient(
                base_url=self._base_url + "/",
                headers=headers,
                # Connect, write, pool wait, and the gap between two streamed chunks.
                timeout=httpx.Timeout(self._timeout_s),
                transport=self._transport,
            )

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        """Yield chunks of all `n` completions as the server sends them (indices interleave)."""
        # aclosing: a consumer that stops early must close the HTTP response at once, so the
        # server sees the disconnect and stops generating.
        async with aclosing(self._stream(request)) as chunks:
            try:
                async for chunk in chunks:
                    yield chunk
                return
            except ModelRequestRejected as exc:
                if not self._refused_logprobs(request, exc):
                    raise
        async with aclosing(self._stream(request)) as chunks:
            async for chunk in chunks:
                yield chunk

    async def complete(self, request: ChatRequest) -> list[str]:
        """Run `request` without streaming; the `n` completion texts in index order."""
        try:
            return await self._complete(request)
        except ModelRequestRejected as exc:
            if not self._refused_logprobs(request, exc):
                raise
            return await self._complete(request)

    def _refused_logprobs(self, request: ChatRequest, exc: ModelRequestRejected) -> bool:
        """True when the server refused the request for its `logprobs` (older servers do):
        every later request goes without them and best-of-n ranks without fluency."""
        if not (request.params.logprobs and self._logprobs and "logprobs" in str(exc)):
            return False
        logger.warning("model server refuses logprobs; asking without them from now on")
        self._logprobs = False
        return True

    async def _stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        http = self._client()
        body = await self._body(request, stream=True)
        finished: set[int] = set()
        with self._transport_errors():
            for attempt in range(self._retries + 1):
                # Leaving this block early (the consumer closed us) closes the response, and with
                # it the connection, so the server sees the disconnect and stops generating.
                async with http.stream("POST", "chat/completions", json=body) as response:
                    delay = self._retry_delay(response, attempt)
                    if delay is None:
                        await _raise_for_status(response)
                        async for line in response.aiter_lines():
                            data = _sse_data(line)
                            if data is None:
                                continue
                            if data == "[DONE]":
                                return
                            for chunk in _parse_stream_chunk(data, request.n):
                                if chunk.finish_reason is not None:
                                    finished.add(chunk.index)
                                yield chunk
                        break
                await asyncio.sleep(delay)
        if len(finished) < request.n:
            raise ModelUnavailable("The model server's stream ended before the reply was complete.")

    async def _complete(self, request: ChatRequest) -> list[str]:
        http = self._client()
        body = await self._body(request, stream=False)
        with self._transport_errors():
            for attempt in range(self._retries + 1):
                response = await http.post("chat/completions", json=body)
                if (delay := self._retry_delay(response, attempt)) is None:
                    break
                await asyncio.sleep(delay)
            await _raise_for_status(response)
        try:
            texts = {
                int(choice["index"]): choice["message"]["content"] or ""
                for choice in response.json()["choices"]
            }
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelUnavailable("The model server sent a malformed reply.") from exc
        if sorted(texts) != list(range(request.n)):
            raise ModelUnavailable(
                f"The model server sent {len(texts)} completions for n={request.n}."
            )
        return [texts[i] for i in range(request.n)]

    def _retry_delay(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before sending again, or None: answer with `response` as it is.

        Only a busy server is asked again, at most `retries` times, and only when it asks for a
        wait no longer than `max_retry_wait_s` (without Retry-After: 0.5 s, 1 s, 2 s…).
        """
        if response.status_code not in _RETRY_STATUSES or attempt >= self._retries:
            return None
        wait = _retry_after(response.headers.get("Retry-After"), default=0.5 * 2**attempt)
        if wait > self._max_retry_wait_s:
            return None
        logger.info("model server busy (HTTP %d); retrying in %.1f s", response.status_code, wait)
        return wait

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            raise RuntimeError("OpenAIClient.start() must be awaited before use")
        return self._http

    async def _body(self, request: ChatRequest, *, stream: bool) -> dict[str, Any]:
        """The JSON body: OpenAI's fields plus vLLM's `repetition_penalty` and `vllm_xargs`
        (Muse's copy prior, which a server without it ignores, as vLLM does fields it lacks)."""
        body: dict[str, Any] = {
            "model": await self._model_name(),
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "stream": stream,
            "n": request.n,
            **sampling_fields(request.params),
        }
        if not self._logprobs:
            body.pop("logprobs", None)
        logger.debug(
            "chat completion: model=%s n=%d max_tokens=%d stream=%s",
            body["model"],
            request.n,
            request.params.max_tokens,
            stream,
        )
        return body

    async def _model_name(self) -> str:
        """The configured model, else the first one the server lists (asked once)."""
        if self._model is not None:
            return self._model
        async with self._discovery:
            if self._model is None:
                with self._transport_errors():
                    response = await self._client().get("models")
                    await _raise_for_status(response)
                try:
                    self._model = str(response.json()["data"][0]["id"])
                except (ValueError, KeyError, IndexError, TypeError) as exc:
                    raise ModelUnavailable(
                        "The model server lists no models; set MUSE_MODEL_NAME."
                    ) from exc
                logger.info("model server %s serves %s", self._base_url, self._model)
            return self._model

    @contextmanager
    def _transport_errors(self) -> Iterator[None]:
        """Turn httpx's network failures and timeouts into ModelUnavailable."""
        try:
            yield
        except httpx.TimeoutException as exc:
            logger.warning("model server %s timed out (%s)", self._base_url, type(exc).__name__)
            raise ModelUnavailable(
                f"The model server at {self._base_url} did not answer within {self._timeout_s:g} s."
            ) from exc
        except httpx.RequestError as exc:
            logger.warning("model server %s unreachable (%s)", self._base_url, type(exc).__name__)
            raise ModelUnavailable(
                f"Cannot reach the model server at {self._base_url} ({type(exc).__name__})."
            ) from exc


async def _raise_for_status(response: httpx.Response) -> None:
    """ModelUnavailable for 5xx (and 408/429), ModelRequestRejected for other 4xx."""
    if response.status_code < 400:
        return
    await response.aread()
    message = _error_message(response)
    logger.warning("model server answered HTTP %d", response.status_code)
    if response.status_code >= 500 or response.status_code in _TRANSIENT_4XX:
        raise ModelUnavailable(f"The model server failed (HTTP {response.status_code}): {message}")
    raise ModelRequestRejected(message)


def _retry_after(value: str | None, default: float) -> float:
    """Seconds a Retry-After header asks for: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if value is None:
        return default
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _error_message(response: httpx.Response) -> str:
    """The server's message: OpenAI's {"error": {"message"}}, older vLLM's {"message"}, or text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        error = body.get("error")
        for candidate in (
            error.get("message") if isinstance(error, dict) else error,
            body.get("message"),
            body.get("detail"),
        ):
            if isinstance(candidate, str) and candidate:
                return candidate
    return response.text.strip()[:500] or f"HTTP {response.status_code}"


def _sse_data(line: str) -> str | None:
    """The payload of an SSE `data:` line; None for comments (keepalives), other fields, blanks."""
    return line[len("data:") :].strip() if line.startswith("data:") else None


def _parse_stream_chunk(data: str, n: int) -> list[Chunk]:
    """The non-empty pieces of one `chat.completion.chunk`; ModelUnavailable if malformed."""
    try:
        payload = json.loads(data)
        if "error" in payload:
            raise ModelUnavailable(f"The model server failed mid-stream: {_stream_error(payload)}")
        chunks = []
        for choice in payload["choices"]:
            index = int(choice["index"])
            if not 0 <= index < n:
                raise ValueError(f"choice index {index} outside 0..{n - 1}")
            text = (choice.get("delta") or {}).get("content") or ""
            reason = choice.get("finish_reason")
            content = (choice.get("logprobs") or {}).get("content") or ()
            logprobs = tuple(float(entry["logprob"]) for entry in content)
            if text or reason or logprobs:
                chunks.append(Chunk(index, text, reason, logprobs))
        return chunks
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelUnavailable("The model server sent a malformed stream.") from exc


def _stream_error(payload: dict[str, Any]) -> str:
    error = payload["error"]
    return str(error.get("message", error) if isinstance(error, dict) else error)
