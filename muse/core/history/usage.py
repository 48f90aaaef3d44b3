"""`SqlUsage`: the `UsageCounter` protocol, counted from the messages table (indexed by user)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from muse.core.history.db import Database
from muse.core.history.models import Conversation, Message


class SqlUsage:
    """Request and token counts on a started `Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def requests_since(
        self, platform: str, workspace_id: str, user_id: str, since: datetime
    ) -> int:
        """Model turns the person asked for since `since`."""
        return await self._count(
            func.count(Message.id), "user", platform, workspace_id, user_id, since
        )

    async def tokens_since(
        self, platform: str, workspace_id: str, user_id: str | None, since: datetime
    ) -> int:
        """Estimated tokens of the replies written since `since`."""
        total = func.coalesce(func.sum(Message.token_count), 0)
        return await self._count(total, "assistant", platform, workspace_id, user_id, since)

    async def _count(
        self,
        what: object,
        role: str,
        platform: str,
        workspace_id: str,
        user_id: str | None,
        since: datetime,
    ) -> int:
        query = (
            select(what)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(
                Message.role == role,
                Message.created_at >= since,
                Conversation.platform == platform,
                Conversation.workspace_id == workspace_id,
            )
        )
        if user_id is not None:
            query = query.where(Message.user_id == user_id)
        async with self._db.sessionmaker() as session:
            return int(await session.scalar(query) or 0)
