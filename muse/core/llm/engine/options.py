"""OpenAI's sampling fields as the engine's `SamplingOptions`: the one conversion, used by the
server for request bodies and by the in-process engine for the core's `SamplingParams` (sent as
the same fields, `client.sampling_fields`). No torch.

Spec followed: https://platform.openai.com/docs/api-reference/chat/create; `top_k`,
`repetition_penalty` and `vllm_xargs` (arguments of the engine's logits processors, which check
their own: processors.py) are vLLM's extensions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from muse.core.llm.engine.processors import PROCESSORS
from muse.core.llm.engine.sequence import SamplingOptions

MAX_STOPS = 4  # as OpenAI
MAX_EXTRA_ARGS = 16  # vllm_xargs entries; Muse's own processors take two


class InvalidOption(ValueError):
    """A sampling field out of range or of the wrong type; `param` names it as OpenAI does."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


def sampling_options(fields: Mapping[str, Any]) -> SamplingOptions:
    """The engine's options for the sampling fields of a request body; InvalidOption if wrong."""
    max_tokens = fields.get("max_completion_tokens", fields.get("max_tokens"))
    return SamplingOptions(
        temperature=number(fields, "temperature", 0.0, 2.0, 1.0),
        top_p=number(fields, "top_p", 0.0, 1.0, 1.0, open_low=True),
        top_k=max(0, integer(fields, "top_k", -1, None, 0)),
        repetition_penalty=number(fields, "repetition_penalty", 0.0, None, 1.0, open_low=True),
        frequency_penalty=number(fields, "frequency_penalty", -2.0, 2.0, 0.0),
        presence_penalty=number(fields, "presence_penalty", -2.0, 2.0, 0.0),
        # No max_tokens: as much as the context leaves (the engine clips it to that anyway).
        max_tokens=integer({"max_tokens": max_tokens}, "max_tokens", 1, None, 1 << 30),
        stop=_stops(fields.get("stop")),
        # torch's generators take 64 bits; a larger seed once failed the whole batch it joined.
        seed=integer(fields, "seed", -(2**63), 2**64 - 1, None),
        extra_args=extra_args(fields.get("vllm_xargs")),
    )


def number(
    fields: Mapping[str, Any],
    key: str,
    low: float,
    high: float | None,
    default: float,
    *,
    open_low: bool = False,
) -> float:
    """`fields[key]` as a float within [low, high] (or (low, high]); `default` when absent."""
    value = fields.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidOption(f"`{key}` must be a number.", key)
    if value < low or (open_low and value == low) or (high is not None and value > high):
        bounds = f"{'>' if open_low else '≥'} {low:g}" + (f" and ≤ {high:g}" if high else "")
        raise InvalidOption(f"`{key}` is {value}; it must be {bounds}.", key)
    return float(value)


def integer(
    fields: Mapping[str, Any], key: str, low: int | None, high: int | None, default: Any
) -> Any:
    """`fields[key]` as an int within the bounds given; `default` when absent."""
    value = fields.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidOption(f"`{key}` must be an integer.", key)
    if low is not None and value < low:
        raise InvalidOption(f"`{key}` is {value}; it must be at least {low}.", key)
    if high is not None and value > high:
        raise InvalidOption(f"`{key}` is {value}; this server allows at most {high}.", key)
    return value


def boolean(fields: Mapping[str, Any], key: str) -> bool:
    """`fields[key]` as a bool; False when absent or null."""
    value = fields.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidOption(f"`{key}` must be true or false.", key)
    return value


def extra_args(value: Any) -> dict[str, Any]:
    """`vllm_xargs`: an object of strings, numbers or arrays of them (vLLM's rule), which every
    logits processor then checks for its own arguments."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise InvalidOption("`vllm_xargs` must be an object.", "vllm_xargs")
    if len(value) > MAX_EXTRA_ARGS:
        raise InvalidOption(
            f"`vllm_xargs` has {len(value)} entries; at most {MAX_EXTRA_ARGS} are allowed.",
            "vllm_xargs",
        )
    for key, item in value.items():
        if not (_scalar(item) or (isinstance(item, list) and all(map(_scalar, item)))):
            raise InvalidOption(
                f"`vllm_xargs.{key}` must be a string, a number or an array of them.",
                f"vllm_xargs.{key}",
            )
    for processor in PROCESSORS:
        if problem := processor.check(value):
            key, message = problem
            raise InvalidOption(message, f"vllm_xargs.{key}")
    return dict(value)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float)


def _stops(value: Any) -> tuple[str, ...]:
    stops = [value] if isinstance(value, str) else value or []
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise InvalidOption("`stop` must be a string or an array of strings.", "stop")
    if len(stops) > MAX_STOPS:
        raise InvalidOption(
            f"`stop` has {len(stops)} strings; at most {MAX_STOPS} are allowed.", "stop"
        )
    return tuple(s for s in stops if s)
