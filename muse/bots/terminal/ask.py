"""`muse ask`: one turn, non-interactive, with an optional JSON result."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from muse.core.messages import Done, Error, ReplyEvent, TextDelta


@dataclass(frozen=True, slots=True)
class AskResult:
    """How one turn ended, with its wall-clock timings."""

    done: Done | None
    error: Error | None
    first_token_s: float | None
    total_s: float


async def collect_reply(events: AsyncIterator[ReplyEvent]) -> AskResult:
    """Consume a reply stream, timing the first text and the whole turn."""
    started = time.perf_counter()
    first: float | None = None
    done: Done | None = None
    error: Error | None = None
    async for event in events:
        if isinstance(event, TextDelta) and first is None:
            first = time.perf_counter() - started
        elif isinstance(event, Done):
            done = event
        elif isinstance(event, Error):
            error = event
    return AskResult(done, error, first, time.perf_counter() - started)


def result_json(done: Done, result: AskResult) -> str:
    """The `--json` document: final text, skill, format, variants (a long-form skill's parts)
    with their lint flags and broken platform limits, and timings."""
    flags = sorted({flag for v in done.variants for flag in v.lint_flags})
    return json.dumps(
        {
            "text": done.text,
            "skill": done.skill,
            "format": done.format,
            "language": done.language,
            "variants": [
                {"text": v.text, "lint_flags": list(v.lint_flags), "limits": list(v.limits)}
                for v in done.variants
            ],
            "lint_flags": flags,
            "notices": list(done.notices),
            "message_id": done.message_id,
            "timings": {"first_token_s": result.first_token_s, "total_s": result.total_s},
        },
        ensure_ascii=False,
        indent=2,
    )
