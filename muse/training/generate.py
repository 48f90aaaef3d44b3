"""Replies to held-out briefs, generated the way users get them: the core's skill prompts, its
in-process engine (`LocalEngine`) and its `SkillRun` — best-of-n over the drafts, the redraw of
copy that misses the product, each skill's post-processing and the ad-law lint with its one
regeneration."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from muse.core.adlaw import default_linter
from muse.core.generation import EmptyReply, SkillRun
from muse.core.llm.client import ChatMessage, ChatRequest
from muse.core.llm.engine import LocalEngine
from muse.training.authored import skill_of


@dataclass(frozen=True)
class Reply:
    """One brief and what the model made of it."""

    brief: dict[str, Any]  # task, format, lang, category, brief, output (authored reference)
    drafts: list[str]  # raw, one per shown completion (the ad skill shows 3), as first drawn
    completions: list[str]  # the shown ones after best-of-n and the redraws
    variants: list[str]  # after the skill's split and the lint, as users see them
    flags: list[list[str]]  # ad-law terms still in each variant after the lint's regeneration
    rendered: str  # the reply text the core sends
    redrawn: int  # shown completions that came from a redraw
    limits: list[list[str]]  # a platform format's limits each variant still breaks (marks)


def request_for(
    brief: dict[str, Any], seed: int, max_tokens: int | None, copy_prior: bool = True
) -> ChatRequest:
    """The request the core sends for a fresh command (or a chat message) with this brief;
    without the skill's copy prior when `copy_prior` is False."""
    skill = skill_of(brief["task"], brief.get("format"))
    lang = brief["lang"]
    messages = (
        ChatMessage("system", skill.system_prompt(lang)),
        ChatMessage("user", skill.user_prompt(brief["brief"], lang)),
    )
    params = replace(skill.params(lang), seed=seed)
    if max_tokens is not None:
        params = replace(params, max_tokens=min(params.max_tokens, max_tokens))
    if not copy_prior:
        kept = {k: v for k, v in params.extra_args.items() if k != "copy_bias"}
        params = replace(params, extra_args=kept)
    return ChatRequest(messages, params, n=skill.n)


def generate_replies(
    model_dir: Path,
    briefs: list[dict[str, Any]],
    seed: int,
    max_tokens: int | None,
    candidates: int,
    copy_prior: bool = True,
) -> list[Reply]:
    """Generate a reply for every brief with the core's engine on `model_dir`, drawing
    `candidates` drafts per three shown as serving does (`copy_prior`: see `request_for`)."""
    return asyncio.run(_generate(model_dir, briefs, seed, max_tokens, candidates, copy_prior))


async def _generate(
    model_dir: Path,
    briefs: list[dict[str, Any]],
    seed: int,
    max_tokens: int | None,
    candidates: int,
    copy_prior: bool,
) -> list[Reply]:
    linter = default_linter()
    replies: list[Reply] = []
    async with LocalEngine(model_dir) as engine:
        for i, brief in enumerate(tqdm(briefs, desc="generate", unit="brief", leave=False)):
            skill = skill_of(brief["task"], brief.get("format"))
            lang = brief["lang"]
            request = request_for(brief, seed + i, max_tokens, copy_prior)
            run = SkillRun(
                engine,
                skill,
                request.messages,
                lang,
                linter,
                brief["brief"],
                request.params,
                draws=skill.draws(candidates),
            )
            async for _ in run.deltas():
                pass
            try:
                found = await run.variants()
            except EmptyReply:
                found = []
            replies.append(
                Reply(
                    brief,
                    run.drafts,
                    run.completions,
                    [v.text for v in found],
                    [list(v.lint_flags) for v in found],
                    skill.render(found, lang),
                    run.redrawn,
                    [list(v.limits) for v in found],
                )
            )
    return replies
