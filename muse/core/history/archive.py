"""A team's own data in and out: `muse export` writes a workspace's brand voices, its library of
kept copy and its feedback (votes and button presses) as JSON Lines or CSV, and `muse import`
reads a team's past copy into the library of one channel — which is also how an archive reaches
training (`muse train … --extra`). No other workspace's rows are ever read or written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from muse.core.history.db import Database
from muse.core.history.models import (
    BrandVoice,
    Conversation,
    Feedback,
    LibraryItem,
    Message,
    ReplyAction,
)
from muse.core.history.store import Place

# Columns of the CSV form; a JSON line has the same keys (those that apply to its kind).
COLUMNS = (
    "kind", "id", "channel_id", "skill", "format", "brief", "text", "user_id", "value",
    "action", "message_id", "level", "must", "ban", "created_at",
)  # fmt: skip
IMPORTED_BY = "import"  # `saved_by` of imported copy


@dataclass(frozen=True, slots=True)
class Team:
    """One workspace of one platform: the unit data is exported for."""

    platform: str
    workspace_id: str


async def team_rows(db: Database, team: Team) -> list[dict[str, Any]]:
    """The team's brand voices, then its kept copy, its votes and its button presses, oldest
    first. A voice's `text` is its description; `must` and `ban` are comma-separated."""
    async with db.sessionmaker() as session:
        voices = await session.scalars(
            select(BrandVoice)
            .where(
                BrandVoice.platform == team.platform, BrandVoice.workspace_id == team.workspace_id
            )
            .order_by(BrandVoice.id)
        )
        rows = [
            {
                "kind": "voice",
                "id": v.id,
                "level": v.level,
                "channel_id": v.scope_id,
                "text": v.description,
                "must": ",".join(v.must.splitlines()),
                "ban": ",".join(v.ban.splitlines()),
                "user_id": v.updated_by,
                "created_at": v.updated_at.isoformat(),
            }
            for v in voices
        ]
        kept = await session.scalars(
            select(LibraryItem)
            .where(
                LibraryItem.platform == team.platform,
                LibraryItem.workspace_id == team.workspace_id,
            )
            .order_by(LibraryItem.id)
        )
        rows += [
            {
                "kind": "library",
                "id": k.id,
                "channel_id": k.channel_id,
                "skill": k.skill,
                "format": k.format,
                "brief": k.brief,
                "text": k.text,
                "user_id": k.saved_by,
                "message_id": k.message_id,
                "created_at": k.created_at.isoformat(),
            }
            for k in kept
        ]
        votes = await session.execute(
            select(Feedback, Conversation.channel_id)
            .join(Message, Message.id == Feedback.message_id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Feedback.platform == team.platform, Feedback.workspace_id == team.workspace_id)
            .order_by(Feedback.id)
        )
        rows += [
            {
                "kind": "vote",
                "id": f.id,
                "channel_id": channel,
                "user_id": f.user_id,
                "value": f.value,
                "message_id": f.message_id,
                "created_at": f.created_at.isoformat(),
            }
            for f, channel in votes
        ]
        presses = await session.scalars(
            select(ReplyAction)
            .where(
                ReplyAction.platform == team.platform,
                ReplyAction.workspace_id == team.workspace_id,
            )
            .order_by(ReplyAction.id)
        )
        rows += [
            {
                "kind": "action",
                "id": a.id,
                "user_id": a.user_id,
                "action": a.action,
                "message_id": a.message_id,
                "created_at": a.created_at.isoformat(),
            }
            for a in presses
        ]
    return rows


def render(rows: Iterable[dict[str, Any]], fmt: str) -> str:
    """`rows` as JSON Lines ("jsonl") or CSV with a header ("csv")."""
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, extrasaction="raise")
    writer.writeheader()
    writer.writerows({c: r.get(c, "") for c in COLUMNS} for r in rows)
    return out.getvalue()


def read_copy(path: Path) -> Iterator[dict[str, str]]:
    """A team's past copy: JSON Lines or CSV (by extension) with `text` and optional `brief`,
    `skill` and `format`. Raises ValueError naming the line of a record without text."""
    with path.open(encoding="utf-8", newline="") as f:
        records: Iterable[dict[str, Any]] = (
            csv.DictReader(f)
            if path.suffix.lower() == ".csv"
            else (json.loads(line) for line in f if line.strip())
        )
        for number, record in enumerate(records, start=1):
            text = str(record.get("text") or "").strip()
            if not text:
                raise ValueError(f"{path}: record {number} has no `text`")
            yield {
                "text": text,
                "brief": str(record.get("brief") or ""),
                "skill": str(record.get("skill") or "ad"),
                "format": str(record.get("format") or ""),
            }


async def import_copy(db: Database, place: Place, records: Iterable[dict[str, str]]) -> int:
    """Add `records` to the library of `place`; returns how many."""
    items = [
        LibraryItem(
            platform=place.platform,
            workspace_id=place.workspace_id,
            channel_id=place.channel_id,
            skill=r["skill"],
            format=r["format"] or None,
            brief=r["brief"],
            text=r["text"],
            saved_by=IMPORTED_BY,
        )
        for r in records
    ]
    async with db.sessionmaker() as session, session.begin():
        session.add_all(items)
    return len(items)
