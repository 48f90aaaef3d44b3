"""SQLAlchemy models of the history tables: conversations, messages, processed events,
feedback, thread links, brand voices, and the record of what each reply was chosen from and
what people did with it (generations, candidates, reply actions), and the library of kept copy.

`muse/migrations/versions` creates exactly these tables; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Explicit constraint names, so that batch migrations on SQLite can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Long enough for any platform's ids (Slack ts, Telegram chat ids, event ids).
ID_LENGTH = 255


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, stored as naive UTC (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to naive UTC; naive input is refused because its zone is unknown."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to the stored naive value."""
        return None if value is None else value.replace(tzinfo=UTC)


class Status(StrEnum):
    """Lifecycle of a message: user turns start pending; replies are stored ok."""

    PENDING = "pending"
    OK = "ok"
    FAILED = "failed"


class Base(DeclarativeBase):
    """Declarative base of the history tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Conversation(Base):
    """One conversation; `store.ConversationKey`'s fields, empty where the scope ignores one."""

    __tablename__ = "conversations"
    __table_args__ = (
        # At most one open conversation per key, whatever concurrent callers do. The condition
        # is spelled as each dialect renders `~closed`, so that queries can use the index.
        Index(
            "uq_conversations_open_key",
            "platform",
            "workspace_id",
            "scope",
            "channel_id",
            "thread_id",
            "user_id",
            unique=True,
            sqlite_where=text("closed = 0"),
            postgresql_where=text("NOT closed"),
        ),
        # `forget` looks conversations up by owner.
        Index("ix_conversations_owner", "platform", "workspace_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    scope: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    thread_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    trim_notice_sent: Mapped[bool] = mapped_column(Boolean, default=False)


class Message(Base):
    """One turn. Assistant replies carry the user id of the turn they answer."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        Index("ix_messages_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("conversations.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    skill: Mapped[str] = mapped_column(String(64))
    token_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    platform_message_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))


class ProcessedEvent(Base):
    """A platform event id already answered (or being answered): at most one reply each."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Feedback(Base):
    """A person's 👍 (+1) or 👎 (-1) on a reply; one vote per person, the latest wins."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("message_id", "platform", "workspace_id", "user_id"),
        Index("ix_feedback_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(Integer, ForeignKey("messages.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    value: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ThreadLink(Base):
    """Which reply thread a platform message belongs to, where the platform does not say:
    a reply in a Telegram group carries the message it answers but not that message's own
    parent, so the chain's root (the conversation's thread id) is recorded per message."""

    __tablename__ = "thread_links"
    __table_args__ = (UniqueConstraint("platform", "channel_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    message_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    root: Mapped[str] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BrandVoice(Base):
    """A brand voice set for a scope (core/voice.py): a channel, a person's private chat or a
    whole workspace (`scope_id` empty). Word lists are stored one word per line."""

    __tablename__ = "voices"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "level", "scope_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    level: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    must: Mapped[str] = mapped_column(Text, default="")
    ban: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Generation(Base):
    """What one stored reply was made from: the prompt the model saw and the run's settings.
    Its candidates are every draft the scorer chose from (best-of-n, redraws)."""

    __tablename__ = "generations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("messages.id", ondelete="CASCADE"), unique=True
    )
    prompt: Mapped[str] = mapped_column(Text)  # JSON list of {"role", "content"}
    skill: Mapped[str] = mapped_column(String(64))
    format: Mapped[str | None] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Candidate(Base):
    """One draft of a generation; `shown` is its place in the reply (None: passed over)."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("generation_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("generations.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)  # order drawn
    text: Mapped[str] = mapped_column(Text)
    fluency: Mapped[float | None] = mapped_column(Float)
    shown: Mapped[int | None] = mapped_column(Integer)


class ReplyAction(Base):
    """A button a person pressed under a reply that asked for writing again (regenerate,
    shorter, longer, tone), with the reply it produced."""

    __tablename__ = "reply_actions"
    __table_args__ = (Index("ix_reply_actions_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(Integer, ForeignKey("messages.id", ondelete="CASCADE"))
    result_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("messages.id", ondelete="SET NULL")
    )
    platform: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    action: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LibraryItem(Base):
    """A piece of kept copy: a shown draft of a reply someone gave a 👍, in the library of the
    channel (or private chat) it was written in, with its brief, skill and format."""

    __tablename__ = "library"
    __table_args__ = (
        Index("ix_library_place", "platform", "workspace_id", "channel_id", "id"),
        Index("ix_library_saved_by", "saved_by"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    message_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("messages.id", ondelete="SET NULL")
    )
    skill: Mapped[str] = mapped_column(String(64))
    format: Mapped[str | None] = mapped_column(String(32))
    brief: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
