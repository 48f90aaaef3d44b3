"""`SqlHistoryStore` on a migrated SQLite file: dedup, conversations, turns, forget, crashes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, select, text, update
from sqlalchemy.exc import StatementError

from muse.core.history.db import Database
from muse.core.history.models import Conversation, Message, ProcessedEvent
from muse.core.history.repository import SqlHistoryStore
from muse.core.history.store import ConversationKey, RepliedMessage, Scope
from tests.core.history.conftest import RETENTION

IDLE = timedelta(hours=3)
DM = ConversationKey("slack", "T1", Scope.DM, user_id="alice")
COMMAND = ConversationKey("slack", "T1", Scope.COMMAND, "C1", user_id="alice")


async def _turn(store: SqlHistoryStore, conversation_id: int, user: str, text: str) -> int:
    """One completed exchange; returns the reply's id."""
    asked = await store.add_user_turn(conversation_id, user, text, 3, "chat")
    return await store.complete_turn(asked, f"re: {text}", 4, "chat")


async def _rows_with(db: Database, value: str) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table that has `value` in some column."""
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        found = []
        for table in tables:
            for row in (await connection.execute(text(f"SELECT * FROM {table}"))).mappings():
                if value in row.values():
                    found.append((table, dict(row)))
        return found


async def test_claim_event_rejects_duplicates(store: SqlHistoryStore) -> None:
    assert await store.claim_event("slack", "Ev1") is True
    assert await store.claim_event("slack", "Ev1") is False
    assert await store.claim_event("telegram", "Ev1") is True


async def test_event_ids_past_their_retention_are_deleted_by_a_later_claim(
    database: Database,
) -> None:
    first = SqlHistoryStore(database, RETENTION)
    assert await first.claim_event("telegram", "old") is True
    assert await first.claim_event("telegram", "recent") is True
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(ProcessedEvent)
            .where(ProcessedEvent.event_id == "old")
            .values(created_at=datetime.now(UTC) - RETENTION - timedelta(minutes=1))
        )
    assert await first.claim_event("telegram", "old") is False  # pruned at most hourly
    restarted = SqlHistoryStore(database, RETENTION)  # its first claim prunes
    assert await restarted.claim_event("slack", "Ev9") is True
    async with database.sessionmaker() as session:
        kept = (await session.execute(select(ProcessedEvent.event_id))).scalars().all()
    assert sorted(kept) == ["Ev9", "recent"]


async def test_concurrent_claims_have_exactly_one_winner(store: SqlHistoryStore) -> None:
    claims = await asyncio.gather(*(store.claim_event("slack", "Ev2") for _ in range(8)))
    assert sorted(claims) == [False] * 7 + [True]


async def test_history_survives_a_restart(database_url: str) -> None:
    async with Database(database_url) as db:
        store = SqlHistoryStore(db, RETENTION)
        conversation = await store.open_conversation(DM, IDLE)
        await _turn(store, conversation.id, "alice", "秋季新品的广告语")
    async with Database(database_url) as db:
        store = SqlHistoryStore(db, RETENTION)
        assert (await store.open_conversation(DM, IDLE)).id == conversation.id
        turns = await store.turns(conversation.id)
    assert [(t.role, t.content) for t in turns] == [
        ("user", "秋季新品的广告语"),
        ("assistant", "re: 秋季新品的广告语"),
    ]


async def test_recent_conversation_is_reused(store: SqlHistoryStore) -> None:
    first = await store.open_conversation(DM, IDLE)
    assert (await store.open_conversation(DM, IDLE)).id == first.id


async def test_keys_differing_in_any_field_are_separate(store: SqlHistoryStore) -> None:
    keys = [
        DM,
        ConversationKey("slack", "T1", Scope.DM, user_id="bob"),
        ConversationKey("slack", "T2", Scope.DM, user_id="alice"),
        ConversationKey("telegram", "T1", Scope.DM, user_id="alice"),
        ConversationKey("slack", "T1", Scope.COMMAND, "C1", user_id="alice"),
        ConversationKey("slack", "T1", Scope.THREAD, "C1", "1700.1"),
        ConversationKey("slack", "T1", Scope.THREAD, "C1", "1700.2"),
    ]
    ids = [(await store.open_conversation(key, IDLE)).id for key in keys]
    assert len(set(ids)) == len(keys)


async def test_concurrent_opens_share_one_conversation(
    store: SqlHistoryStore, database: Database
) -> None:
    opened = await asyncio.gather(*(store.open_conversation(DM, IDLE) for _ in range(8)))
    assert len({c.id for c in opened}) == 1
    async with database.sessionmaker() as session:
        assert len((await session.scalars(select(Conversation))).all()) == 1


async def test_idle_conversation_is_closed_and_replaced(
    store: SqlHistoryStore, database: Database
) -> None:
    old = await store.open_conversation(DM, IDLE)
    await _turn(store, old.id, "alice", "旧话题")
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(Conversation)
            .where(Conversation.id == old.id)
            .values(last_active_at=datetime.now(UTC) - IDLE - timedelta(minutes=1))
        )
    new = await store.open_conversation(DM, IDLE)
    assert new.id != old.id
    assert await store.turns(new.id) == []
    async with database.sessionmaker() as session:
        stale = await session.get(Conversation, old.id)
        assert stale is not None and stale.closed
        assert stale.last_active_at.tzinfo is not None


async def test_naive_timestamps_are_refused(database: Database) -> None:
    async with database.sessionmaker() as session:
        with pytest.raises(StatementError, match="naive datetime"):
            await session.execute(update(Conversation).values(last_active_at=datetime(2025, 1, 1)))


async def test_tiny_idle_starts_fresh(store: SqlHistoryStore) -> None:
    first = await store.open_conversation(DM, timedelta(microseconds=1))
    await asyncio.sleep(0.01)
    assert (await store.open_conversation(DM, timedelta(microseconds=1))).id != first.id


async def test_reset_starts_a_new_conversation(store: SqlHistoryStore) -> None:
    first = await store.open_conversation(DM, IDLE)
    await store.reset(DM)
    second = await store.open_conversation(DM, IDLE)
    assert second.id != first.id
    assert (await store.open_conversation(DM, IDLE)).id == second.id


async def test_trim_notice_is_remembered(store: SqlHistoryStore) -> None:
    conversation = await store.open_conversation(DM, IDLE)
    assert conversation.trim_notice_sent is False
    await store.mark_trim_notice(conversation.id)
    assert (await store.open_conversation(DM, IDLE)).trim_notice_sent is True


async def test_pending_and_failed_turns_are_never_returned(
    store: SqlHistoryStore, database: Database
) -> None:
    conversation = await store.open_conversation(DM, IDLE)
    await _turn(store, conversation.id, "alice", "第一")
    failed = await store.add_user_turn(conversation.id, "alice", "失败", 2, "chat")
    await store.fail_turn(failed, "model_unavailable")
    await store.add_user_turn(conversation.id, "alice", "进行中", 2, "chat")
    assert [t.content for t in await store.turns(conversation.id)] == ["第一", "re: 第一"]
    async with database.sessionmaker() as session:
        row = await session.get(Message, failed)
        assert row is not None and (row.status, row.error) == ("failed", "model_unavailable")


async def test_complete_turn_stores_the_reply_for_the_asking_user(
    store: SqlHistoryStore, database: Database
) -> None:
    conversation = await store.open_conversation(DM, IDLE)
    asked = await store.add_user_turn(conversation.id, "alice", "写标语", 3, "tagline", "m1")
    replied = await store.complete_turn(asked, "标语", 2, "tagline")
    async with database.sessionmaker() as session:
        reply = await session.get(Message, replied)
        question = await session.get(Message, asked)
    assert reply is not None and question is not None
    assert (reply.role, reply.user_id, reply.status) == ("assistant", "alice", "ok")
    assert reply.conversation_id == conversation.id
    assert (question.status, question.platform_message_id) == ("ok", "m1")
    with pytest.raises(LookupError):
        await store.complete_turn(asked, "again", 1, "tagline")


async def test_replied_message_finds_the_request(store: SqlHistoryStore) -> None:
    conversation = await store.open_conversation(DM, IDLE)
    await _turn(store, conversation.id, "alice", "第一")
    failed = await store.add_user_turn(conversation.id, "alice", "失败", 2, "ad")
    await store.fail_turn(failed, "internal")
    asked = await store.add_user_turn(conversation.id, "alice", "新款服装", 4, "ad")
    reply = await store.complete_turn(asked, "广告", 2, "ad")
    assert await store.replied_message(reply) == RepliedMessage(conversation.id, "ad", "新款服装")
    assert await store.replied_message(asked) is None
    assert await store.replied_message(reply + 100) is None


async def test_forget_deletes_every_row_of_the_user_only(
    store: SqlHistoryStore, database: Database
) -> None:
    dm = await store.open_conversation(DM, IDLE)
    await _turn(store, dm.id, "alice", "私聊")
    command_key = ConversationKey("slack", "T1", Scope.COMMAND, "C1", user_id="alice")
    command = await store.open_conversation(command_key, IDLE)
    await _turn(store, command.id, "alice", "/ad 秋装")
    await store.add_user_turn(command.id, "alice", "/ad 冬装", 3, "ad")
    thread_key = ConversationKey("slack", "T1", Scope.THREAD, "C1", "1700.1")
    thread = await store.open_conversation(thread_key, IDLE)
    await _turn(store, thread.id, "alice", "团队头脑风暴")
    await _turn(store, thread.id, "bob", "我也来")
    bob_dm = await store.open_conversation(
        ConversationKey("slack", "T1", Scope.DM, user_id="bob"), IDLE
    )
    await _turn(store, bob_dm.id, "bob", "bob 的私聊")
    other = await store.open_conversation(
        ConversationKey("slack", "T2", Scope.DM, user_id="alice"), IDLE
    )
    await _turn(store, other.id, "alice", "另一个工作区")

    # 2 conversations, 7 messages (3 exchanges and a pending turn).
    assert await store.forget("slack", "T1", "alice") == 9

    left = await _rows_with(database, "alice")
    assert {
        (table, row.get("workspace_id"), row.get("conversation_id")) for table, row in left
    } == {
        ("conversations", "T2", None),
        ("messages", None, other.id),
    }
    assert [t.content for t in await store.turns(thread.id)] == ["我也来", "re: 我也来"]
    assert len(await store.turns(bob_dm.id)) == 2
    assert len(await store.turns(other.id)) == 2
    with pytest.raises(LookupError):
        await store.add_user_turn(dm.id, "alice", "还在吗", 2, "chat")
    assert (await store.open_conversation(DM, IDLE)).id not in {dm.id, command.id}


async def test_close_pending_after_a_crash(database_url: str) -> None:
    async with Database(database_url) as db:
        store = SqlHistoryStore(db, RETENTION)
        conversation = await store.open_conversation(DM, IDLE)
        await _turn(store, conversation.id, "alice", "完成的")
        await store.add_user_turn(conversation.id, "alice", "中断的", 3, "chat")
    async with Database(database_url) as db:
        store = SqlHistoryStore(db, RETENTION)
        assert await store.close_pending() == 1
        assert await store.close_pending() == 0
        assert [t.content for t in await store.turns(conversation.id)] == ["完成的", "re: 完成的"]
        async with db.sessionmaker() as session:
            statuses = (await session.execute(select(Message.status, Message.error))).all()
    assert sorted(statuses, key=str) == sorted(
        [("ok", None), ("ok", None), ("failed", "interrupted")], key=str
    )


async def test_an_interrupted_turn_is_reported_once_in_its_own_conversation(
    database_url: str,
) -> None:
    async with Database(database_url) as db:
        store = SqlHistoryStore(db, RETENTION)
        conversation = await store.open_conversation(DM, IDLE)
        other = await store.open_conversation(COMMAND, IDLE)
        await store.add_user_turn(conversation.id, "alice", "中断的", 3, "chat")
        failed = await store.add_user_turn(other.id, "alice", "失败的", 3, "chat")
        await store.fail_turn(failed, "model_unavailable")  # told at the time, not a crash
        assert await store.close_pending() == 1
        assert not await store.take_interrupted(other.id)
        assert await store.take_interrupted(conversation.id)
        assert not await store.take_interrupted(conversation.id)


async def test_turns_limit_returns_the_newest_oldest_first(store: SqlHistoryStore) -> None:
    conversation = await store.open_conversation(DM, IDLE)
    for word in ("一", "二", "三"):
        await _turn(store, conversation.id, "alice", word)
    newest = await store.turns(conversation.id, limit=3)
    assert [t.content for t in newest] == ["re: 二", "三", "re: 三"]
