"""`SqlFeedbackLog`: the `FeedbackLog` protocol on SQLAlchemy (generations, candidates and
reply actions; votes stay in `feedback`, written by the history store)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import delete

from muse.core.history.db import Database
from muse.core.history.models import Candidate, Generation, ReplyAction
from muse.core.history.repository import NO_SYNC
from muse.core.history.store import DraftRecord
from muse.core.llm.client import ChatMessage


class SqlFeedbackLog:
    """The feedback record on a started `Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record_generation(
        self,
        message_id: int,
        prompt: Sequence[ChatMessage],
        skill: str,
        format: str | None,
        lang: str,
        drafts: Sequence[DraftRecord],
    ) -> None:
        """Keep the prompt and every draft of the stored reply `message_id`."""
        messages = [{"role": m.role, "content": m.content} for m in prompt]
        async with self._db.sessionmaker() as session, session.begin():
            generation = Generation(
                message_id=message_id,
                prompt=json.dumps(messages, ensure_ascii=False),
                skill=skill,
                format=format,
                lang=lang,
            )
            session.add(generation)
            await session.flush()  # the generation's id, for its candidates
            session.add_all(
                Candidate(
                    generation_id=generation.id,
                    position=i,
                    text=d.text,
                    fluency=d.fluency,
                    shown=d.shown,
                )
                for i, d in enumerate(drafts)
            )

    async def record_action(
        self,
        message_id: int,
        result_id: int | None,
        platform: str,
        workspace_id: str,
        user_id: str,
        action: str,
    ) -> None:
        """Keep that a person pressed `action` under reply `message_id`."""
        async with self._db.sessionmaker() as session, session.begin():
            session.add(
                ReplyAction(
                    message_id=message_id,
                    result_id=result_id,
                    platform=platform,
                    workspace_id=workspace_id,
                    user_id=user_id,
                    action=action,
                )
            )

    async def forget(self, platform: str, workspace_id: str, user_id: str) -> int:
        """Delete the person's button presses; returns rows deleted."""
        async with self._db.sessionmaker() as session, session.begin():
            result = await session.execute(
                delete(ReplyAction)
                .where(
                    ReplyAction.platform == platform,
                    ReplyAction.workspace_id == workspace_id,
                    ReplyAction.user_id == user_id,
                )
                .execution_options(**NO_SYNC)
            )
        return result.rowcount
