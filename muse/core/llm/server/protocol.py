"""OpenAI's request bodies, validated, and its error shape. No torch, no aiohttp.

Spec followed: https://platform.openai.com/docs/api-reference/chat/create and /completions; the
sampling fields, with vLLM's `top_k`, `repetition_penalty` and `vllm_xargs`, are read by
engine/options.py. Unknown fields are ignored, as OpenAI and vLLM do; fields Muse cannot honour
(top_logprobs, tools, logit_bias) are refused with a 400 rather than silently dropped. Log-probs
of the sampled tokens are returned when asked: chat's `logprobs: true`, the completions
endpoint's `logprobs: 0` (the alternatives a larger number asks for are not computed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from muse.core.llm.engine.options import InvalidOption, boolean, integer, sampling_options
from muse.core.llm.engine.sequence import SamplingOptions

ROLES = frozenset({"system", "developer", "user", "assistant"})


class ApiError(Exception):
    """An error answered as `{"error": {"message", "type", "param", "code"}}` with `status`."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


def bad(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


@dataclass(frozen=True, slots=True)
class Generate:
    """What to generate: `prompts` (chat messages or texts), each `n` times, and how."""

    prompts: list[list[dict[str, str]]] | list[str]
    options: SamplingOptions
    n: int
    stream: bool
    include_usage: bool
    logprobs: bool = False  # return each sampled token's log-probability


def parse_json(raw: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 saying what is wrong with it."""
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad(f"The request body is not valid JSON: {exc}.") from exc
    if not isinstance(body, dict):
        raise bad("The request body must be a JSON object.")
    return body


def check_model(body: dict[str, Any], served: str) -> None:
    """404 unless `model` is absent or names the served model."""
    model = body.get("model")
    if model is not None and model != served:
        raise ApiError(
            404,
            f"The model `{model}` does not exist; this server serves `{served}`.",
            param="model",
            code="model_not_found",
        )


def parse_chat(body: dict[str, Any], max_n: int) -> Generate:
    """A /v1/chat/completions body."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad("`messages` must be a non-empty array of messages.", "messages")
    parsed = [_message(m, f"messages[{i}]") for i, m in enumerate(messages)]
    if body.get("top_logprobs"):
        raise bad("`top_logprobs` is not supported by this server; use 0.", "top_logprobs")
    try:
        logprobs = boolean(body, "logprobs")
    except InvalidOption as exc:
        raise bad(str(exc), exc.param) from exc
    return _generate(body, [parsed], max_n, logprobs)


def parse_completion(body: dict[str, Any], max_n: int) -> Generate:
    """A /v1/completions body: `prompt` is a string or an array of strings."""
    prompt = body.get("prompt")
    prompts = [prompt] if isinstance(prompt, str) else prompt
    if not isinstance(prompts, list) or not prompts or not all(isinstance(p, str) for p in prompts):
        raise bad("`prompt` must be a string or a non-empty array of strings.", "prompt")
    if body.get("echo") or body.get("suffix") or body.get("best_of", 1) not in (1, None):
        raise bad("`echo`, `suffix` and `best_of` are not supported by this server.")
    try:
        top = integer(body, "logprobs", 0, 5, None)
    except InvalidOption as exc:
        raise bad(str(exc), exc.param) from exc
    if top:
        raise bad("Only `logprobs: 0` (the sampled tokens) is supported here.", "logprobs")
    return _generate(body, prompts, max_n, top is not None)


def _message(message: Any, where: str) -> dict[str, str]:
    if not isinstance(message, dict):
        raise bad(f"`{where}` must be an object with `role` and `content`.", where)
    role = message.get("role")
    if role not in ROLES:
        raise bad(
            f"`{where}.role` is {json.dumps(role)}; expected one of {', '.join(sorted(ROLES))}.",
            f"{where}.role",
        )
    content = message.get("content")
    if isinstance(content, list):  # content parts: only text can be read by this model
        if not all(isinstance(p, dict) and p.get("type") == "text" for p in content):
            raise bad(f"`{where}.content` may only contain text parts.", f"{where}.content")
        content = "".join(str(p.get("text", "")) for p in content)
    if not isinstance(content, str):
        raise bad(f"`{where}.content` must be a string.", f"{where}.content")
    # "developer" is OpenAI's newer name for the system role; chat templates know "system".
    return {"role": "system" if role == "developer" else role, "content": content}


def _generate(body: dict[str, Any], prompts: list[Any], max_n: int, logprobs: bool) -> Generate:
    for unsupported in ("tools", "functions", "logit_bias"):
        if body.get(unsupported):
            raise bad(f"`{unsupported}` is not supported by this server.", unsupported)
    fmt = body.get("response_format")
    if fmt is not None and (not isinstance(fmt, dict) or fmt.get("type") != "text"):
        raise bad('Only `response_format` {"type": "text"} is supported.', "response_format")
    stream_options = body.get("stream_options") or {}
    if not isinstance(stream_options, dict):
        raise bad("`stream_options` must be an object.", "stream_options")
    try:
        return Generate(
            prompts,
            sampling_options(body),
            integer(body, "n", 1, max_n, 1),
            boolean(body, "stream"),
            boolean(stream_options, "include_usage"),
            logprobs,
        )
    except InvalidOption as exc:
        raise bad(str(exc), exc.param) from exc
