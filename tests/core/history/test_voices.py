"""`SqlVoiceStore` on a migrated SQLite file."""

from __future__ import annotations

from muse.core.history.db import Database
from muse.core.history.voices import SqlVoiceStore
from muse.core.voice import Level, Voice, VoiceScope

CHANNEL = VoiceScope("slack", "T1", Level.CHANNEL, "C1")
PERSON = VoiceScope("slack", "T1", Level.PERSON, "U1")
WORKSPACE = VoiceScope("slack", "T1", Level.WORKSPACE)


async def test_the_first_scope_with_a_voice_wins(database: Database) -> None:
    voices = SqlVoiceStore(database)
    assert await voices.find([CHANNEL, WORKSPACE]) is None
    await voices.put(WORKSPACE, Voice("全公司的调性"), "UADMIN")
    assert await voices.find([CHANNEL, WORKSPACE]) == (WORKSPACE, Voice("全公司的调性"))
    await voices.put(CHANNEL, Voice("频道的调性", ("青禾", "社区食堂"), ("亲们",)), "UADMIN")
    scope, voice = await voices.find([CHANNEL, WORKSPACE]) or (None, None)
    assert scope == CHANNEL and voice == Voice("频道的调性", ("青禾", "社区食堂"), ("亲们",))
    # Another workspace and another channel see nothing of these.
    assert await voices.find([VoiceScope("slack", "T2", Level.WORKSPACE)]) is None
    assert await voices.get(VoiceScope("slack", "T1", Level.CHANNEL, "C2")) == Voice()


async def test_put_replaces_and_an_empty_voice_removes(database: Database) -> None:
    voices = SqlVoiceStore(database)
    await voices.put(CHANNEL, Voice("一"), "U1")
    await voices.put(CHANNEL, Voice("二", ban=("yyds",)), "U2")
    assert await voices.get(CHANNEL) == Voice("二", ban=("yyds",))
    await voices.put(CHANNEL, Voice(), "U2")
    assert await voices.find([CHANNEL]) is None


async def test_a_voice_survives_a_restart(database_url: str) -> None:
    async with Database(database_url) as db:
        await SqlVoiceStore(db).put(PERSON, Voice("我的调性"), "U1")
    async with Database(database_url) as db:
        assert await SqlVoiceStore(db).get(PERSON) == Voice("我的调性")


async def test_forget_removes_the_persons_own_voice_only(database: Database) -> None:
    voices = SqlVoiceStore(database)
    await voices.put(PERSON, Voice("我的调性"), "U1")
    await voices.put(CHANNEL, Voice("频道的调性"), "U1")  # set by U1, but the channel's
    assert await voices.forget("slack", "T1", "U1") == 1
    assert await voices.get(PERSON) == Voice()
    assert await voices.get(CHANNEL) == Voice("频道的调性")
