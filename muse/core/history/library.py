"""`SqlLibrary`: the `Library` protocol on SQLAlchemy. Kept copy is taken from the reply's
generation record (its shown drafts, in the order shown), so it is the text the model wrote
for the brief, without the reply's headers."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, delete, or_, select

from muse.core.history.db import Database
from muse.core.history.models import Candidate, Generation, LibraryItem
from muse.core.history.repository import NO_SYNC
from muse.core.history.store import Place, SavedCopy


class SqlLibrary:
    """The library on a started `Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def keep(
        self,
        place: Place,
        message_id: int,
        user_id: str,
        skill: str,
        fmt: str | None,
        brief: str,
        variant: int | None = None,
    ) -> int:
        """Keep the shown drafts of reply `message_id` for `place` (only the `variant`-th
        shown, 1-based, when given), each draft once per person."""
        shown = Candidate.shown.is_not(None) if variant is None else Candidate.shown == variant - 1
        async with self._db.sessionmaker() as session, session.begin():
            already = set(
                (
                    await session.scalars(
                        select(LibraryItem.text).where(
                            LibraryItem.message_id == message_id, LibraryItem.saved_by == user_id
                        )
                    )
                ).all()
            )
            drafts = (
                await session.scalars(
                    select(Candidate.text)
                    .join(Generation, Generation.id == Candidate.generation_id)
                    .where(Generation.message_id == message_id, shown)
                    .order_by(Candidate.shown)
                )
            ).all()
            texts = [t for t in drafts if t.strip() not in already]
            session.add_all(
                LibraryItem(
                    platform=place.platform,
                    workspace_id=place.workspace_id,
                    channel_id=place.channel_id,
                    message_id=message_id,
                    skill=skill,
                    format=fmt,
                    brief=brief,
                    text=text.strip(),
                    saved_by=user_id,
                )
                for text in texts
            )
        return len(texts)

    async def unkeep(self, message_id: int, user_id: str) -> int:
        """Drop what `user_id` kept of reply `message_id`."""
        return await self._delete(
            and_(LibraryItem.message_id == message_id, LibraryItem.saved_by == user_id)
        )

    async def newest(self, place: Place, word: str | None, limit: int) -> list[SavedCopy]:
        """The newest kept copy of `place`, optionally only that containing `word`."""
        query = select(LibraryItem).where(_at(place))
        if word:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            query = query.where(
                or_(
                    LibraryItem.text.ilike(pattern, escape="\\"),
                    LibraryItem.brief.ilike(pattern, escape="\\"),
                )
            )
        async with self._db.sessionmaker() as session:
            rows = await session.scalars(query.order_by(LibraryItem.id.desc()).limit(limit))
            return [
                SavedCopy(r.id, r.skill, r.format, r.brief, r.text, r.saved_by, r.created_at)
                for r in rows
            ]

    async def remove(self, place: Place, item_id: int) -> bool:
        """Remove item `item_id` of `place`."""
        return await self._delete(and_(_at(place), LibraryItem.id == item_id)) > 0

    async def forget(self, platform: str, workspace_id: str, user_id: str) -> int:
        """Delete everything the person kept."""
        return await self._delete(
            and_(
                LibraryItem.platform == platform,
                LibraryItem.workspace_id == workspace_id,
                LibraryItem.saved_by == user_id,
            )
        )

    async def _delete(self, where: ColumnElement[bool]) -> int:
        async with self._db.sessionmaker() as session, session.begin():
            result = await session.execute(
                delete(LibraryItem).where(where).execution_options(**NO_SYNC)
            )
        return result.rowcount


def _at(place: Place) -> ColumnElement[bool]:
    return and_(
        LibraryItem.platform == place.platform,
        LibraryItem.workspace_id == place.workspace_id,
        LibraryItem.channel_id == place.channel_id,
    )
