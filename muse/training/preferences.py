"""Preference pairs from what people did with Muse's replies (`muse train preferences`).

Every stored reply keeps its prompt and every draft it was chosen from (`generations`,
`candidates`); votes are in `feedback` and button presses in `reply_actions`. Two rules turn
them into (prompt, chosen, rejected) pairs, each pair answering the same prompt:

- `kept_over_passed`: a reply with a 👍 and no 👎. Each shown draft is chosen over a draft the
  scorer passed over for it (the passed-over drafts in the order drawn, taken in turn); when the
  👍 was pressed beside particular variants, only those drafts are chosen.
- `liked_over_shown`: a reply with a 👍 beside some variants and no 👎. Each liked draft is
  chosen over each shown draft nobody liked — the person saw both and picked one.
- `regenerated_then_kept`: a reply without a 👍 that someone regenerated, where the new reply got
  a 👍 and no 👎. The new reply's k-th shown draft is chosen over the old one's k-th; the new
  reply's prompt is the prompt (a regenerate sends the same request again).

Not used, on purpose: a 👎 alone (it says what is wrong, not what is better), and shorter /
longer / other tone (the rework answers a different request, so its drafts do not compete with
the first reply's). Pairs whose two sides are the same text are dropped.

Privacy: a team's feedback trains that team's model. The command reads one platform workspace
unless the operator asks for all of them (`--all-workspaces`).

The pairs are written as JSON Lines in the conversational form TRL's DPOTrainer reads:
`{"prompt": [messages], "chosen": [{"role": "assistant", ...}], "rejected": [...]}`, plus the
rule (`kind`), skill and language.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select

from muse.core.history.db import Database
from muse.core.history.models import (
    Candidate,
    Conversation,
    Feedback,
    Generation,
    Message,
    ReplyAction,
)
from muse.core.messages import LIKED_PREFIX
from muse.training.jsonl import write_jsonl

KINDS = ("kept_over_passed", "regenerated_then_kept", "liked_over_shown")


@dataclass(frozen=True, slots=True)
class Reply:
    """One stored reply with its drafts and votes."""

    message_id: int
    prompt: list[dict[str, str]]
    skill: str
    lang: str
    shown: list[str]  # in the order shown
    passed: list[str]  # drafts passed over, in the order drawn
    likes: int
    dislikes: int
    liked: frozenset[int] = frozenset()  # 1-based numbers of shown drafts liked one by one

    @property
    def kept(self) -> bool:
        """Someone gave it a 👍 and nobody a 👎."""
        return self.likes > 0 and self.dislikes == 0


@dataclass(frozen=True, slots=True)
class Summary:
    """What `derive` read and wrote."""

    replies: int
    pairs: int
    by_kind: dict[str, int]
    out: Path

    def as_dict(self) -> dict[str, Any]:
        """For summary.json."""
        return {"replies": self.replies, "pairs": self.pairs, "by_kind": self.by_kind}


def pairs(replies: dict[int, Reply], regenerations: list[tuple[int, int]]) -> Iterator[dict]:
    """The preference pairs of `replies` (by message id) and of (old, new) regenerations."""
    for reply in replies.values():
        if not reply.kept:
            continue
        numbered = list(enumerate(reply.shown, start=1))
        chosen = [d for n, d in numbered if n in reply.liked] if reply.liked else reply.shown
        if reply.passed:
            for k, draft in enumerate(chosen):
                yield _pair(reply, draft, reply.passed[k % len(reply.passed)], KINDS[0])
        if reply.liked:
            for draft in chosen:
                for n, other in numbered:
                    if n not in reply.liked:
                        yield _pair(reply, draft, other, KINDS[2])
    for old_id, new_id in regenerations:
        old, new = replies.get(old_id), replies.get(new_id)
        if old is None or new is None or old.likes or not new.kept:
            continue
        for chosen, rejected in zip(new.shown, old.shown, strict=False):
            yield _pair(new, chosen, rejected, KINDS[1])


def _pair(reply: Reply, chosen: str, rejected: str, kind: str) -> dict[str, Any]:
    return {
        "prompt": reply.prompt,
        "chosen": [{"role": "assistant", "content": chosen}],
        "rejected": [{"role": "assistant", "content": rejected}],
        "kind": kind,
        "skill": reply.skill,
        "lang": reply.lang,
    }


async def read(
    database_url: str, platform: str | None, workspace_id: str | None
) -> tuple[dict[int, Reply], list[tuple[int, int]]]:
    """Every reply with a generation record in the workspace (None, None: every workspace),
    and the regenerations among them."""
    async with Database(database_url) as db, db.sessionmaker() as session:
        generations = (
            await session.execute(_in_scope(select(Generation), platform, workspace_id))
        ).scalars()
        by_generation = {g.id: g for g in generations}
        drafts: dict[int, list[Candidate]] = defaultdict(list)
        rows = await session.scalars(
            select(Candidate)
            .where(Candidate.generation_id.in_(by_generation))
            .order_by(Candidate.generation_id, Candidate.position)
        )
        for candidate in rows:
            drafts[candidate.generation_id].append(candidate)
        message_ids = [g.message_id for g in by_generation.values()]
        votes: dict[int, Counter[int]] = defaultdict(Counter)
        for message_id, value in await session.execute(
            select(Feedback.message_id, Feedback.value).where(Feedback.message_id.in_(message_ids))
        ):
            votes[message_id][value] += 1
        liked: dict[int, set[int]] = defaultdict(set)
        for message_id, action in await session.execute(
            select(ReplyAction.message_id, ReplyAction.action).where(
                ReplyAction.action.startswith(LIKED_PREFIX),
                ReplyAction.message_id.in_(message_ids),
            )
        ):
            number = action.removeprefix(LIKED_PREFIX)
            if number.isdigit():
                liked[message_id].add(int(number))
        regenerations = [
            (old, new)
            for old, new in await session.execute(
                select(ReplyAction.message_id, ReplyAction.result_id).where(
                    ReplyAction.action == "regenerate",
                    ReplyAction.message_id.in_(message_ids),
                    ReplyAction.result_id.is_not(None),
                )
            )
        ]
    replies = {}
    for g in by_generation.values():
        found = drafts[g.id]
        shown = sorted((c for c in found if c.shown is not None), key=lambda c: c.shown or 0)
        replies[g.message_id] = Reply(
            g.message_id,
            json.loads(g.prompt),
            g.skill,
            g.lang,
            [c.text for c in shown],
            [c.text for c in found if c.shown is None],
            votes[g.message_id][1],
            votes[g.message_id][-1],
            frozenset(liked[g.message_id]),
        )
    return replies, regenerations


def _in_scope(query: Select[Any], platform: str | None, workspace_id: str | None) -> Select[Any]:
    """Generations of replies in one workspace (or all, when both are None)."""
    if platform is None and workspace_id is None:
        return query
    return (
        query.join(Message, Message.id == Generation.message_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Conversation.platform == platform, Conversation.workspace_id == workspace_id)
    )


def derive(
    database_url: str, out: Path, platform: str | None = None, workspace_id: str | None = None
) -> Summary:
    """Write OUT/preferences.jsonl and OUT/summary.json; returns the counts."""
    replies, regenerations = asyncio.run(read(database_url, platform, workspace_id))
    found = [p for p in pairs(replies, regenerations) if p["chosen"] != p["rejected"]]
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "preferences.jsonl", found)
    counts = Counter(p["kind"] for p in found)
    summary = Summary(len(replies), len(found), {k: counts[k] for k in KINDS}, out)
    (out / "summary.json").write_text(
        json.dumps(summary.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return summary
