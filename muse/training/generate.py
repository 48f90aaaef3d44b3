"""Replies to held-out briefs, generated the way users get them: the core's skill prompts, its
in-process engine (`LocalEngine`), each skill's post-processing and the ad-law lint."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from muse.core.adlaw import default_linter
from muse.core.llm.client import ChatMessage, ChatRequest
from muse.core.llm.engine import LocalEngine
from muse.core.messages import Variant
from muse.core.skills.registry import get_skill


@dataclass(frozen=True)
class Reply:
    """One brief and what the model made of it."""

    brief: dict[str, Any]  # task, lang, category, brief, output (the authored reference)
    completions: list[str]  # raw, one per request completion (the ad skill asks 3)
    variants: list[str]  # after the skill's split, as users see them
    flags: list[list[str]]  # ad-law terms found in each variant
    rendered: str  # the reply text the core would send


def request_for(brief: dict[str, Any], seed: int, max_tokens: int | None) -> ChatRequest:
    """The request the core sends for a fresh command (or a chat message) with this brief."""
    skill = get_skill(brief["task"])
    lang = brief["lang"]
    messages = (
        ChatMessage("system", skill.system_prompt(lang)),
        ChatMessage("user", skill.user_prompt(brief["brief"], lang)),
    )
    params = replace(skill.params(lang), seed=seed)
    if max_tokens is not None:
        params = replace(params, max_tokens=min(params.max_tokens, max_tokens))
    return ChatRequest(messages, params, n=skill.n)


def generate_replies(
    model_dir: Path, briefs: list[dict[str, Any]], seed: int, max_tokens: int | None
) -> list[Reply]:
    """Generate a reply for every brief with the core's engine on `model_dir`."""
    return asyncio.run(_generate(model_dir, briefs, seed, max_tokens))


async def _generate(
    model_dir: Path, briefs: list[dict[str, Any]], seed: int, max_tokens: int | None
) -> list[Reply]:
    linter = default_linter()
    replies: list[Reply] = []
    async with LocalEngine(model_dir) as engine:
        for i, brief in enumerate(tqdm(briefs, desc="generate", unit="brief", leave=False)):
            skill = get_skill(brief["task"])
            lang = brief["lang"]
            completions = await engine.complete(request_for(brief, seed + i, max_tokens))
            variants: list[str] = []
            for completion in completions:
                found = skill.split(completion, lang)
                # As the core does: with n > 1 each completion is one variant.
                variants.extend(found[:1] if skill.n > 1 else found)
            flags = [linter.find(v) for v in variants]
            rendered = skill.render(
                [Variant(v, tuple(f)) for v, f in zip(variants, flags, strict=True)], lang
            )
            replies.append(Reply(brief, completions, variants, flags, rendered))
    return replies
