"""The protocols the core's persistence implements, and the value types they return:
`HistoryStore` (conversations and turns), `VoiceStore` (brand voices), `FeedbackLog` (what
replies were chosen from and what people did with them), `Library` (kept copy),
`UsageCounter` (what quotas count) and `ThreadLinks` (Telegram reply chains).

`repository.SqlHistoryStore`, `voices.SqlVoiceStore`, `feedback_log.SqlFeedbackLog`,
`library.SqlLibrary`, `usage.SqlUsage` and `threads.SqlThreadLinks` implement them on
SQLAlchemy (SQLite or PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from muse.core.llm.client import ChatMessage, Role
from muse.core.messages import Incoming, Kind
from muse.core.voice import Voice, VoiceScope


class Scope(StrEnum):
    """Which ids key a conversation (ARCHITECTURE.md, "History is keyed explicitly")."""

    DM = "dm"  # (platform, workspace, user)
    THREAD = "thread"  # (platform, workspace, channel, thread)
    COMMAND = "command"  # (platform, workspace, channel, user)


@dataclass(frozen=True, slots=True)
class ConversationKey:
    """The ids that identify one conversation; fields a scope ignores are empty strings."""

    platform: str
    workspace_id: str
    scope: Scope
    channel_id: str = ""
    thread_id: str = ""
    user_id: str = ""

    @classmethod
    def for_incoming(cls, msg: Incoming) -> ConversationKey:
        """Key of the conversation `msg` belongs to (not for kind=ACTION: see the target)."""
        if msg.kind is Kind.DIRECT:
            return cls(msg.platform, msg.workspace_id, Scope.DM, user_id=msg.user_id)
        if msg.kind is Kind.MENTION:
            # A mention outside a thread starts one rooted at the mention itself.
            thread = msg.thread_id or msg.event_id or ""
            return cls(msg.platform, msg.workspace_id, Scope.THREAD, msg.channel_id, thread)
        return cls(
            msg.platform, msg.workspace_id, Scope.COMMAND, msg.channel_id, user_id=msg.user_id
        )


@dataclass(frozen=True, slots=True)
class Conversation:
    """An open conversation."""

    id: int
    trim_notice_sent: bool  # the "older turns were dropped" remark was already shown


@dataclass(frozen=True, slots=True)
class Turn:
    """One completed message of a conversation, oldest first when listed."""

    id: int
    role: Role
    content: str
    token_count: int
    skill: str


@dataclass(frozen=True, slots=True)
class RepliedMessage:
    """An assistant reply that a button refers to, with the request that produced it."""

    conversation_id: int
    skill: str
    request: str  # content of the user turn it answered (the prompt the model saw)


class HistoryStore(Protocol):
    """Persistence the assistant needs. All methods are safe to call concurrently."""

    async def claim_event(self, platform: str, event_id: str) -> bool:
        """Record a platform event id; False when it was already recorded (a duplicate)."""
        ...

    async def open_conversation(self, key: ConversationKey, idle: timedelta) -> Conversation:
        """The key's current conversation, or a new one when none is open or it idled `idle`."""
        ...

    async def replied_message(self, message_id: int) -> RepliedMessage | None:
        """The assistant message `message_id` (from `Done.message_id`), or None if gone."""
        ...

    async def turns(self, conversation_id: int, limit: int | None = None) -> list[Turn]:
        """Completed turns, oldest first; the newest `limit` when given. Failed or pending
        user turns are never returned."""
        ...

    async def add_user_turn(
        self,
        conversation_id: int,
        user_id: str,
        content: str,
        token_count: int,
        skill: str,
        platform_message_id: str | None = None,
    ) -> int:
        """Store the user's turn as pending (before the model is called); returns its id."""
        ...

    async def complete_turn(
        self, user_message_id: int, content: str, token_count: int, skill: str
    ) -> int:
        """Store the assistant's reply and mark the user turn done; returns the reply's id."""
        ...

    async def fail_turn(self, user_message_id: int, error: str) -> None:
        """Mark a pending user turn failed so it is never shown to the model again."""
        ...

    async def mark_trim_notice(self, conversation_id: int) -> None:
        """Remember that the "older turns were dropped" remark was shown."""
        ...

    async def reset(self, key: ConversationKey) -> None:
        """Close the key's open conversation; the next message starts a new one."""
        ...

    async def forget(self, platform: str, workspace_id: str, user_id: str) -> int:
        """Delete every row of this user in every conversation; returns rows deleted."""
        ...

    async def add_feedback(
        self, message_id: int, platform: str, workspace_id: str, user_id: str, value: int
    ) -> bool:
        """Store a 👍 (+1) / 👎 (-1) on a reply, replacing the person's earlier vote on it;
        False when the reply no longer exists."""
        ...

    async def close_pending(self) -> int:
        """At start: mark turns left pending by a crash as failed; returns how many."""
        ...

    async def take_interrupted(self, conversation_id: int) -> bool:
        """Whether a turn of the conversation was cut off by a crash and not yet reported;
        reports it (True once per interrupted turn)."""
        ...


class VoiceStore(Protocol):
    """Brand voices by scope (core/voice.py). All methods are safe to call concurrently."""

    async def find(self, scopes: Sequence[VoiceScope]) -> tuple[VoiceScope, Voice] | None:
        """The voice of the first of `scopes` that has one, with that scope; None if none."""
        ...

    async def get(self, scope: VoiceScope) -> Voice:
        """The scope's own voice (empty when it has none)."""
        ...

    async def put(self, scope: VoiceScope, voice: Voice, user_id: str) -> None:
        """Store `voice` for `scope` (an empty voice removes it), recording who set it."""
        ...

    async def forget(self, platform: str, workspace_id: str, user_id: str) -> int:
        """Delete the person's own voice (their private chat's); returns rows deleted."""
        ...


@dataclass(frozen=True, slots=True)
class DraftRecord:
    """One draft a reply was chosen from: its fluency (mean token log-probability, None when
    unknown) and its place in the reply (None: passed over)."""

    text: str
    fluency: float | None
    shown: int | None


class FeedbackLog(Protocol):
    """The record `muse train preferences` learns from. Safe to call concurrently."""

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
        ...

    async def record_action(
        self,
        message_id: int,
        result_id: int | None,
        platform: str,
        workspace_id: str,
        user_id: str,
        action: str,
    ) -> None:
        """Keep that a person pressed `action` under reply `message_id`, which wrote
        `result_id` (None when that reply was not stored)."""
        ...

    async def forget(self, platform: str, workspace_id: str, user_id: str) -> int:
        """Delete the person's button presses (their replies' drafts go with the replies);
        returns rows deleted."""
        ...


@dataclass(frozen=True, slots=True)
class Place:
    """A channel or private chat: where a library belongs."""

    platform: str
    workspace_id: str
    channel_id: str


@dataclass(frozen=True, slots=True)
class SavedCopy:
    """One piece of kept copy."""

    id: int
    skill: str
    format: str | None
    brief: str
    text: str
    saved_by: str
    created_at: datetime


class Library(Protocol):
    """Kept copy per place. Safe to call concurrently."""

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
        """Keep the shown drafts of reply `message_id` (from its generation record) for
        `place` — only the `variant`-th shown (1-based) when given — once per person and draft;
        returns how many were added."""
        ...

    async def unkeep(self, message_id: int, user_id: str) -> int:
        """Drop what `user_id` kept of reply `message_id` (a 👍 turned 👎); returns rows."""
        ...

    async def newest(self, place: Place, word: str | None, limit: int) -> list[SavedCopy]:
        """The newest kept copy of `place`, newest first; with `word`, only copy whose text or
        brief contains it."""
        ...

    async def remove(self, place: Place, item_id: int) -> bool:
        """Remove item `item_id` of `place`; False when there is none."""
        ...

    async def forget(self, platform: str, workspace_id: str, user_id: str) -> int:
        """Delete everything the person kept; returns rows deleted."""
        ...


class UsageCounter(Protocol):
    """What quotas count, from the stored turns (so every replica sees the same numbers)."""

    async def requests_since(
        self, platform: str, workspace_id: str, user_id: str, since: datetime
    ) -> int:
        """Model turns the person asked for since `since` (failed ones too)."""
        ...

    async def tokens_since(
        self, platform: str, workspace_id: str, user_id: str | None, since: datetime
    ) -> int:
        """Estimated tokens of the replies written since `since`, for the person (None: for
        the whole workspace)."""
        ...


class ThreadLinks(Protocol):
    """Message → reply-thread root, for platforms whose replies do not name their thread."""

    async def link(self, platform: str, channel_id: str, message_id: str, root: str) -> None:
        """Record that `message_id` in `channel_id` belongs to the thread rooted at `root`."""
        ...

    async def root(self, platform: str, channel_id: str, message_id: str) -> str | None:
        """The root recorded for `message_id`, or None when none is (or it has expired)."""
        ...
