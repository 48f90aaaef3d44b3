"""`SqlVoiceStore`: the `VoiceStore` protocol on SQLAlchemy, one row per scope with a voice."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.exc import IntegrityError

from muse.core.history.db import Database
from muse.core.history.models import BrandVoice, utcnow
from muse.core.history.repository import NO_SYNC
from muse.core.voice import Level, Voice, VoiceScope


class SqlVoiceStore:
    """Brand voices on a started `Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def find(self, scopes: Sequence[VoiceScope]) -> tuple[VoiceScope, Voice] | None:
        """The voice of the first of `scopes` that has one, with that scope; None if none."""
        if not scopes:
            return None
        async with self._db.sessionmaker() as session:
            rows = (await session.scalars(select(BrandVoice).where(or_(*map(_is, scopes))))).all()
        found = {_scope(row): row for row in rows}
        for scope in scopes:
            if (row := found.get(scope)) is not None:
                return scope, _voice(row)
        return None

    async def get(self, scope: VoiceScope) -> Voice:
        """The scope's own voice (empty when it has none)."""
        async with self._db.sessionmaker() as session:
            row = await session.scalar(select(BrandVoice).where(_is(scope)))
        return _voice(row) if row is not None else Voice()

    async def put(self, scope: VoiceScope, voice: Voice, user_id: str) -> None:
        """Store `voice` for `scope` (an empty voice removes it), recording who set it."""
        try:
            await self._put_once(scope, voice, user_id)
        except IntegrityError:
            # A concurrent /voice in the same scope inserted first; this one replaces it.
            await self._put_once(scope, voice, user_id)

    async def forget(self, platform: str, workspace_id: str, user_id: str) -> int:
        """Delete the person's own voice (their private chat's); returns rows deleted."""
        own = VoiceScope(platform, workspace_id, Level.PERSON, user_id)
        async with self._db.sessionmaker() as session, session.begin():
            result = await session.execute(
                delete(BrandVoice).where(_is(own)).execution_options(**NO_SYNC)
            )
        return result.rowcount

    async def _put_once(self, scope: VoiceScope, voice: Voice, user_id: str) -> None:
        async with self._db.sessionmaker() as session, session.begin():
            await session.execute(delete(BrandVoice).where(_is(scope)).execution_options(**NO_SYNC))
            if voice.empty:
                return
            session.add(
                BrandVoice(
                    platform=scope.platform,
                    workspace_id=scope.workspace_id,
                    level=scope.level.value,
                    scope_id=scope.scope_id,
                    description=voice.description,
                    must="\n".join(voice.must),
                    ban="\n".join(voice.ban),
                    updated_by=user_id,
                    updated_at=utcnow(),
                )
            )


def _is(scope: VoiceScope) -> ColumnElement[bool]:
    return and_(
        BrandVoice.platform == scope.platform,
        BrandVoice.workspace_id == scope.workspace_id,
        BrandVoice.level == scope.level.value,
        BrandVoice.scope_id == scope.scope_id,
    )


def _scope(row: BrandVoice) -> VoiceScope:
    return VoiceScope(row.platform, row.workspace_id, Level(row.level), row.scope_id)


def _voice(row: BrandVoice) -> Voice:
    return Voice(row.description, tuple(row.must.splitlines()), tuple(row.ban.splitlines()))
