"""`SqlHistoryStore`: the `HistoryStore` protocol on SQLAlchemy (SQLite or PostgreSQL).

Each method is one short transaction. Statements that decide races are writes that the
database serialises (a UNIQUE row, a conditional UPDATE), never a read followed by a write.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import cast

from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from muse.core.history import store
from muse.core.history.db import Database
from muse.core.history.models import (
    Conversation,
    Feedback,
    Message,
    ProcessedEvent,
    Status,
    utcnow,
)
from muse.core.history.store import ConversationKey, RepliedMessage, Scope, Turn
from muse.core.llm.client import Role

# `Message.error` of a turn a crash left pending, before and after its person was told.
INTERRUPTED = "interrupted"
INTERRUPTED_TOLD = "interrupted, told"
log = logging.getLogger(__name__)

# Bulk statements here never touch objects loaded in the session, so skip syncing them.
NO_SYNC = {"synchronize_session": False}
# How often a claim also deletes the event ids past their retention (they only need to outlive
# the platform's redeliveries), so the table stays a day or two of events, not all of them.
PRUNE_EVERY = timedelta(hours=1)


def _key_matches(key: ConversationKey) -> ColumnElement[bool]:
    return and_(
        Conversation.platform == key.platform,
        Conversation.workspace_id == key.workspace_id,
        Conversation.scope == key.scope.value,
        Conversation.channel_id == key.channel_id,
        Conversation.thread_id == key.thread_id,
        Conversation.user_id == key.user_id,
    )


class SqlHistoryStore:
    """Conversation history, event dedup and user deletion on a started `Database`.

    Event ids are kept `event_retention` (Slack retries within minutes, Telegram redelivers an
    unconfirmed update for up to 24 hours), then deleted by a later claim.
    """

    def __init__(self, db: Database, event_retention: timedelta) -> None:
        self._db = db
        self._event_retention = event_retention
        self._next_prune = utcnow()  # the first claim prunes what earlier runs left

    def _session(self) -> AsyncSession:
        return self._db.sessionmaker()

    async def claim_event(self, platform: str, event_id: str) -> bool:
        """Record a platform event id; False when it was already recorded (a duplicate)."""
        now = utcnow()
        prune = now >= self._next_prune
        try:
            async with self._session() as session, session.begin():
                await session.execute(
                    insert(ProcessedEvent).values(
                        platform=platform, event_id=event_id, created_at=now
                    )
                )
                if prune:
                    await session.execute(
                        delete(ProcessedEvent)
                        .where(ProcessedEvent.created_at < now - self._event_retention)
                        .execution_options(**NO_SYNC)
                    )
        except IntegrityError:
            log.info("duplicate event %s/%s ignored", platform, event_id)
            return False
        if prune:
            self._next_prune = now + PRUNE_EVERY
        return True

    async def open_conversation(self, key: ConversationKey, idle: timedelta) -> store.Conversation:
        """The key's current conversation, or a new one when none is open or it idled `idle`."""
        try:
            return await self._open_once(key, idle)
        except IntegrityError:
            # A concurrent caller created the key's conversation first (the unique index
            # admits one open conversation per key); this pass finds and touches theirs.
            return await self._open_once(key, idle)

    async def _open_once(self, key: ConversationKey, idle: timedelta) -> store.Conversation:
        now = utcnow()
        async with self._session() as session, session.begin():
            # Closing first also takes SQLite's write lock, serialising the rest.
            await session.execute(
                update(Conversation)
                .where(
                    _key_matches(key),
                    ~Conversation.closed,
                    Conversation.last_active_at < now - idle,
                )
                .values(closed=True)
                .execution_options(**NO_SYNC)
            )
            touched = (
                await session.execute(
                    update(Conversation)
                    .where(_key_matches(key), ~Conversation.closed)
                    .values(last_active_at=now)
                    .returning(Conversation.id, Conversation.trim_notice_sent)
                    .execution_options(**NO_SYNC)
                )
            ).first()
            if touched is not None:
                return store.Conversation(touched.id, touched.trim_notice_sent)
            created = Conversation(
                platform=key.platform,
                workspace_id=key.workspace_id,
                scope=key.scope.value,
                channel_id=key.channel_id,
                thread_id=key.thread_id,
                user_id=key.user_id,
                created_at=now,
                last_active_at=now,
            )
            session.add(created)
            await session.flush()
            log.info("new %s conversation %d on %s", key.scope.value, created.id, key.platform)
            return store.Conversation(created.id, trim_notice_sent=False)

    async def replied_message(self, message_id: int) -> RepliedMessage | None:
        """The assistant message `message_id` (from `Done.message_id`), or None if gone."""
        async with self._session() as session:
            reply = await session.get(Message, message_id)
            if reply is None or reply.role != "assistant":
                return None
            request = await session.scalar(
                select(Message.content)
                .where(
                    Message.conversation_id == reply.conversation_id,
                    Message.id < reply.id,
                    Message.role == "user",
                    Message.status == Status.OK,
                )
                .order_by(Message.id.desc())
                .limit(1)
            )
        if request is None:
            return None
        return RepliedMessage(reply.conversation_id, reply.skill, request)

    async def turns(self, conversation_id: int, limit: int | None = None) -> list[Turn]:
        """Completed turns only (the newest `limit` when given), oldest first."""
        async with self._session() as session:
            # Plain columns, not ORM objects: this runs on every turn.
            rows = (
                await session.execute(
                    select(
                        Message.id,
                        Message.role,
                        Message.content,
                        Message.token_count,
                        Message.skill,
                    )
                    .where(Message.conversation_id == conversation_id, Message.status == Status.OK)
                    .order_by(Message.id.desc())
                    .limit(limit)
                )
            ).all()
        return [
            Turn(r.id, cast(Role, r.role), r.content, r.token_count, r.skill)
            for r in reversed(rows)
        ]

    async def add_user_turn(
        self,
        conversation_id: int,
        user_id: str,
        content: str,
        token_count: int,
        skill: str,
        platform_message_id: str | None = None,
    ) -> int:
        """Store the user's turn as pending; LookupError if the conversation is gone."""
        message = Message(
            conversation_id=conversation_id,
            user_id=user_id,
            role="user",
            content=content,
            skill=skill,
            token_count=token_count,
            status=Status.PENDING,
            created_at=utcnow(),
            platform_message_id=platform_message_id,
        )
        try:
            async with self._session() as session, session.begin():
                session.add(message)
        except IntegrityError as exc:
            # The foreign key failed: the conversation was deleted (`forget`) meanwhile.
            raise LookupError(f"conversation {conversation_id} is gone") from exc
        return message.id

    async def complete_turn(
        self, user_message_id: int, content: str, token_count: int, skill: str
    ) -> int:
        """Store the reply and mark the user turn done, atomically; returns the reply's id.

        Raises LookupError when the user turn is no longer pending (deleted by `forget`,
        or failed), so that no reply is stored for a user who asked to be forgotten.
        """
        now = utcnow()
        async with self._session() as session, session.begin():
            # Updating first takes the write lock before anything is read.
            answered = (
                await session.execute(
                    update(Message)
                    .where(
                        Message.id == user_message_id,
                        Message.role == "user",
                        Message.status == Status.PENDING,
                    )
                    .values(status=Status.OK)
                    .returning(Message.conversation_id, Message.user_id)
                    .execution_options(**NO_SYNC)
                )
            ).first()
            if answered is None:
                raise LookupError(f"user turn {user_message_id} is not pending")
            reply = Message(
                conversation_id=answered.conversation_id,
                user_id=answered.user_id,
                role="assistant",
                content=content,
                skill=skill,
                token_count=token_count,
                status=Status.OK,
                created_at=now,
            )
            session.add(reply)
            await session.execute(
                update(Conversation)
                .where(Conversation.id == answered.conversation_id)
                .values(last_active_at=now)
                .execution_options(**NO_SYNC)
            )
        return reply.id

    async def fail_turn(self, user_message_id: int, error: str) -> None:
        """Mark a pending user turn failed so it is never shown to the model again."""
        async with self._session() as session, session.begin():
            await session.execute(
                update(Message)
                .where(Message.id == user_message_id, Message.status == Status.PENDING)
                .values(status=Status.FAILED, error=error)
                .execution_options(**NO_SYNC)
            )

    async def mark_trim_notice(self, conversation_id: int) -> None:
        """Remember that the "older turns were dropped" remark was shown."""
        async with self._session() as session, session.begin():
            await session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(trim_notice_sent=True)
                .execution_options(**NO_SYNC)
            )

    async def reset(self, key: ConversationKey) -> None:
        """Close the key's open conversation; the next message starts a new one."""
        async with self._session() as session, session.begin():
            await session.execute(
                update(Conversation)
                .where(_key_matches(key), ~Conversation.closed)
                .values(closed=True)
                .execution_options(**NO_SYNC)
            )

    async def forget(self, platform: str, workspace_id: str, user_id: str) -> int:
        """Delete every row of this user in every conversation; returns rows deleted.

        That is each message carrying the user id (their turns and the replies to them) in
        the workspace, and the conversations keyed by the user (DMs, commands) whole.
        """
        in_workspace = and_(
            Conversation.platform == platform, Conversation.workspace_id == workspace_id
        )
        owned = and_(
            in_workspace,
            Conversation.user_id == user_id,
            Conversation.scope.in_([Scope.DM.value, Scope.COMMAND.value]),
        )
        async with self._session() as session, session.begin():
            # Messages are deleted explicitly rather than by cascade so that they are counted.
            messages = await session.execute(
                delete(Message)
                .where(
                    or_(
                        and_(
                            Message.user_id == user_id,
                            Message.conversation_id.in_(
                                select(Conversation.id).where(in_workspace)
                            ),
                        ),
                        Message.conversation_id.in_(select(Conversation.id).where(owned)),
                    )
                )
                .execution_options(**NO_SYNC)
            )
            conversations = await session.execute(
                delete(Conversation).where(owned).execution_options(**NO_SYNC)
            )
            votes = await session.execute(
                delete(Feedback)
                .where(
                    Feedback.platform == platform,
                    Feedback.workspace_id == workspace_id,
                    Feedback.user_id == user_id,
                )
                .execution_options(**NO_SYNC)
            )
        deleted = messages.rowcount + conversations.rowcount + votes.rowcount
        log.info("forgot a user on %s: %d rows deleted", platform, deleted)
        return deleted

    async def add_feedback(
        self, message_id: int, platform: str, workspace_id: str, user_id: str, value: int
    ) -> bool:
        """Record a vote on a reply (replacing the person's earlier one); False if it is gone."""
        now = utcnow()
        voter = (
            Feedback.message_id == message_id,
            Feedback.platform == platform,
            Feedback.workspace_id == workspace_id,
            Feedback.user_id == user_id,
        )
        try:
            async with self._session() as session, session.begin():
                changed = await session.execute(
                    update(Feedback)
                    .where(*voter)
                    .values(value=value, created_at=now)
                    .execution_options(**NO_SYNC)
                )
                if not changed.rowcount:
                    await session.execute(
                        insert(Feedback).values(
                            message_id=message_id,
                            platform=platform,
                            workspace_id=workspace_id,
                            user_id=user_id,
                            value=value,
                            created_at=now,
                        )
                    )
        except IntegrityError:
            # The foreign key failed: the reply was deleted (`forget`) before the vote.
            return False
        return True

    async def close_pending(self) -> int:
        """At start: mark turns left pending by a crash as failed; returns how many."""
        async with self._session() as session, session.begin():
            result = await session.execute(
                update(Message)
                .where(Message.status == Status.PENDING)
                .values(status=Status.FAILED, error=INTERRUPTED)
                .execution_options(**NO_SYNC)
            )
        if result.rowcount:
            log.info("%d turns left pending by an interruption marked failed", result.rowcount)
        return result.rowcount

    async def take_interrupted(self, conversation_id: int) -> bool:
        """Whether a turn of the conversation was cut off by a crash and its person not yet
        told; telling is this call: each interrupted turn is reported once.

        A read first: every turn asks, almost never is there one, and a write on every turn
        would make concurrent conversations wait for SQLite's one writer."""
        interrupted = (
            Message.conversation_id == conversation_id,
            Message.status == Status.FAILED,
            Message.error == INTERRUPTED,
        )
        async with self._session() as session:
            if await session.scalar(select(Message.id).where(*interrupted).limit(1)) is None:
                return False
        async with self._session() as session, session.begin():
            result = await session.execute(
                update(Message)
                .where(*interrupted)
                .values(error=INTERRUPTED_TOLD)
                .execution_options(**NO_SYNC)
            )
        return bool(result.rowcount)
