"""OpenAI's request bodies, validated, and its error shape. No torch, no aiohttp.

Spec followed: https://platform.openai.com/docs/api-reference/chat/create and /completions;
`top_k` and `repetition_penalty` are vLLM's extensions, `copy_phrases` and `copy_bias` Muse's
own (the engine's copy prior, engine/copying.py). Unknown fields are ignored, as OpenAI and vLLM
do; fields Muse cannot honour (logprobs, tools, logit_bias) are
refused with a 400 rather than silently dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from muse.core.llm.engine.sequence import SamplingOptions

ROLES = frozenset({"system", "developer", "user", "assistant"})
MAX_STOPS = 4  # as OpenAI
MAX_COPY_PHRASES = 32  # a brief's product terms and their spellings fit well within it
MAX_COPY_PHRASE_CHARS = 64
MAX_COPY_BIAS = 100.0  # logits; beyond it the bonus only swamps the model further


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
    return _generate(body, [parsed], max_n)


def parse_completion(body: dict[str, Any], max_n: int) -> Generate:
    """A /v1/completions body: `prompt` is a string or an array of strings."""
    prompt = body.get("prompt")
    prompts = [prompt] if isinstance(prompt, str) else prompt
    if not isinstance(prompts, list) or not prompts or not all(isinstance(p, str) for p in prompts):
        raise bad("`prompt` must be a string or a non-empty array of strings.", "prompt")
    if body.get("echo") or body.get("suffix") or body.get("best_of", 1) not in (1, None):
        raise bad("`echo`, `suffix` and `best_of` are not supported by this server.")
    return _generate(body, prompts, max_n)


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


def _generate(body: dict[str, Any], prompts: list[Any], max_n: int) -> Generate:
    for unsupported in ("logprobs", "top_logprobs", "tools", "functions", "logit_bias"):
        if body.get(unsupported):
            raise bad(f"`{unsupported}` is not supported by this server.", unsupported)
    fmt = body.get("response_format")
    if fmt is not None and (not isinstance(fmt, dict) or fmt.get("type") != "text"):
        raise bad('Only `response_format` {"type": "text"} is supported.', "response_format")
    max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    stream_options = body.get("stream_options") or {}
    if not isinstance(stream_options, dict):
        raise bad("`stream_options` must be an object.", "stream_options")
    options = SamplingOptions(
        temperature=_number(body, "temperature", 0.0, 2.0, 1.0),
        top_p=_number(body, "top_p", 0.0, 1.0, 1.0, open_low=True),
        top_k=max(0, _integer(body, "top_k", -1, None, 0)),
        repetition_penalty=_number(body, "repetition_penalty", 0.0, None, 1.0, open_low=True),
        frequency_penalty=_number(body, "frequency_penalty", -2.0, 2.0, 0.0),
        presence_penalty=_number(body, "presence_penalty", -2.0, 2.0, 0.0),
        # No max_tokens: as much as the context leaves (the engine clips it to that anyway).
        max_tokens=_integer({"max_tokens": max_tokens}, "max_tokens", 1, None, 1 << 30),
        copy_phrases=_copy_phrases(body.get("copy_phrases")),
        copy_bias=_number(body, "copy_bias", 0.0, MAX_COPY_BIAS, 0.0),
        stop=_stops(body.get("stop")),
        seed=_integer(body, "seed", None, None, None),
    )
    return Generate(
        prompts,
        options,
        _integer(body, "n", 1, max_n, 1),
        _boolean(body, "stream"),
        _boolean(stream_options, "include_usage"),
    )


def _number(
    body: dict[str, Any],
    key: str,
    low: float,
    high: float | None,
    default: float,
    *,
    open_low: bool = False,
) -> float:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad(f"`{key}` must be a number.", key)
    if value < low or (open_low and value == low) or (high is not None and value > high):
        bounds = f"{'>' if open_low else '≥'} {low:g}" + (f" and ≤ {high:g}" if high else "")
        raise bad(f"`{key}` is {value}; it must be {bounds}.", key)
    return float(value)


def _integer(
    body: dict[str, Any], key: str, low: int | None, high: int | None, default: Any
) -> Any:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(f"`{key}` must be an integer.", key)
    if low is not None and value < low:
        raise bad(f"`{key}` is {value}; it must be at least {low}.", key)
    if high is not None and value > high:
        raise bad(f"`{key}` is {value}; this server allows at most {high}.", key)
    return value


def _boolean(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise bad(f"`{key}` must be true or false.", key)
    return value


def _stops(value: Any) -> tuple[str, ...]:
    stops = [value] if isinstance(value, str) else value or []
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise bad("`stop` must be a string or an array of strings.", "stop")
    if len(stops) > MAX_STOPS:
        raise bad(f"`stop` has {len(stops)} strings; at most {MAX_STOPS} are allowed.", "stop")
    return tuple(s for s in stops if s)


def _copy_phrases(value: Any) -> tuple[bytes, ...]:
    phrases = value or []
    if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
        raise bad("`copy_phrases` must be an array of strings.", "copy_phrases")
    if len(phrases) > MAX_COPY_PHRASES:
        raise bad(
            f"`copy_phrases` has {len(phrases)} strings; at most {MAX_COPY_PHRASES} are allowed.",
            "copy_phrases",
        )
    if any(len(p) > MAX_COPY_PHRASE_CHARS for p in phrases):
        raise bad(
            f"Each of `copy_phrases` may have at most {MAX_COPY_PHRASE_CHARS} characters.",
            "copy_phrases",
        )
    return tuple(p.encode() for p in phrases if p)
