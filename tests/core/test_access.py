"""The operator's allowlists (core/access.py), alone and through the assistant."""

from __future__ import annotations

from pathlib import Path

from muse.core.access import CHAT_NOT_ALLOWED, USER_NOT_ALLOWED, refusal
from muse.core.config import Settings
from muse.core.messages import Action, Error, Incoming, Kind
from muse.core.service import MuseCore
from tests.fake_model import FakeModel


def settings(tmp_path: Path, **lists: str) -> Settings:
    return Settings(
        MUSE_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}",
        MUSE_MODEL_PATH=tmp_path / "none",
        **lists,
    )


def slack(channel: str = "C1", team: str = "T1", kind: Kind = Kind.MENTION) -> Incoming:
    return Incoming("slack", team, channel, "U1", "hi", kind)


def telegram(chat: str, user: str = "7", kind: Kind = Kind.COMMAND) -> Incoming:
    return Incoming("telegram", "bot", chat, user, "hi", kind)


def test_unset_lists_let_everyone_in(tmp_path: Path) -> None:
    open_ = settings(tmp_path)
    assert refusal(slack(), open_) is None and refusal(telegram("-100"), open_) is None


def test_slack_workspaces_and_channels(tmp_path: Path) -> None:
    s = settings(tmp_path, MUSE_SLACK_TEAMS="T1, T2", MUSE_SLACK_CHANNELS="C1")
    assert refusal(slack(), s) is None
    assert refusal(slack(team="T9"), s) == CHAT_NOT_ALLOWED
    assert refusal(slack("C2"), s) == CHAT_NOT_ALLOWED
    assert refusal(slack("D5", kind=Kind.DIRECT), s) is None  # a private chat is no channel
    press = Incoming("slack", "T1", "D5", "U1", "", Kind.ACTION, action=Action.LIKE)
    assert refusal(press, s) is None
    assert refusal(slack("D5", team="T9", kind=Kind.DIRECT), s) == CHAT_NOT_ALLOWED
    admin = settings(tmp_path, MUSE_SLACK_TEAMS="T1", MUSE_ADMINS="slack:U1")
    assert refusal(slack(team="T9"), admin) is None


def test_telegram_groups_and_people(tmp_path: Path) -> None:
    s = settings(tmp_path, MUSE_TELEGRAM_CHATS="-100", MUSE_TELEGRAM_USERS="7,8")
    assert refusal(telegram("-100"), s) is None
    assert refusal(telegram("-200"), s) == CHAT_NOT_ALLOWED
    assert refusal(telegram("7", kind=Kind.DIRECT), s) is None
    assert refusal(telegram("9", user="9", kind=Kind.DIRECT), s) == USER_NOT_ALLOWED
    assert refusal(telegram("-100", user="9"), s) == USER_NOT_ALLOWED


async def test_a_refused_message_gets_one_sentence_and_reaches_nothing(tmp_path: Path) -> None:
    model = FakeModel()
    async with MuseCore(settings(tmp_path, MUSE_SLACK_TEAMS="T1"), model=model) as core:
        msg = Incoming("slack", "T9", "C1", "U1", "/ad 新款风衣", Kind.MENTION, event_id="e1")
        events = [e async for e in core.assistant.handle(msg)]
        again = [e async for e in core.assistant.handle(msg)]  # a redelivery: still deduplicated
        english = Incoming("slack", "T9", "C1", "U1", "/ad a raincoat", Kind.MENTION)
        (said,) = [e async for e in core.assistant.handle(english)]
    (event,) = events
    assert isinstance(event, Error) and event.code == CHAT_NOT_ALLOWED and "管理员" in event.message
    assert again == [] and model.requests == []
    assert isinstance(said, Error) and said.message.startswith("Sorry, Muse isn't enabled here")
