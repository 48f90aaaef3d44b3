"""Delivery end to end: the 4,096 split, HTML escaping, the plain-text fallback, 429 retries."""

from __future__ import annotations

import pytest

from muse.bots.telegram.adapter import TelegramAdapter
from muse.bots.textsplit import utf16_length
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.bots.telegram.updates import XIAOHONG, buttons, finished, say, texts
from tests.fake_model import FakeModel

ME = XIAOHONG["id"]
PARAGRAPH = "".join(f"第{i}个创意：秋天的第一杯咖啡，配一首老歌😀。" for i in range(120))
LONG = "\n\n".join([PARAGRAPH] * 4)  # 4 × about 2,900 UTF-16 units (😀 counts 2)
TRICKY = 'Try <b>this</b> & "that": 5 > 3, <script>alert(1)</script> &amp; </i>'


def never_refused(api: FakeBotApi) -> bool:
    return all(c.status == 200 for c in api.calls if c.method in ("sendMessage", "editMessageText"))


async def test_a_long_reply_is_split_at_boundaries_and_nothing_is_lost(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel
) -> None:
    model.reply, model.piece = (lambda request, index: LONG), 200
    await say(api, ME, XIAOHONG, "多想一些创意")
    await api.wait_for(lambda: finished(api, ME))
    shown = texts(api, ME)
    assert len(shown) == 4 and "".join(shown) == LONG  # a paragraph fits a message, two do not
    assert all(utf16_length(t) <= 4096 for t in shown)
    assert all(t.endswith(("。", "\n")) for t in shown[:-1])
    assert [bool(buttons(m)) for m in api.bot_messages(ME)] == [False, False, False, True]
    assert never_refused(api)


async def test_model_text_is_escaped_and_shows_exactly_as_written(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel
) -> None:
    model.reply = lambda request, index: TRICKY
    await say(api, ME, XIAOHONG, "write something with <tags> & stuff")
    await api.wait_for(lambda: finished(api, ME))
    assert texts(api, ME) == [TRICKY]
    assert never_refused(api)


async def test_markup_telegram_still_rejects_is_resent_as_plain_text(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel
) -> None:
    model.reply = lambda request, index: TRICKY
    for _ in range(10):
        api.reject_markup_next()  # every HTML message and edit of this reply
    await say(api, ME, XIAOHONG, "write something")
    await api.wait_for(lambda: finished(api, ME))
    assert texts(api, ME) == [TRICKY]
    refused = [c for c in api.calls if c.status == 400]
    plain = [c for c in api.calls if c.method == "sendMessage" and "parse_mode" not in c.params]
    assert refused and plain and plain[0].status == 200


# PTB's own RetryAfter.__init__ reads its deprecated int-valued `retry_after` attribute.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_is_retried_after_retry_after(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel
) -> None:
    api.fail_next("sendMessage", retry_after=1)
    await say(api, ME, XIAOHONG, "/brainstorm 中秋节会员拉新")
    await api.wait_for(lambda: finished(api, ME))
    statuses = [c.status for c in api.calls_to("sendMessage", ok_only=False)]
    assert statuses == [429, 200]
    assert len(texts(api, ME)) == 1
