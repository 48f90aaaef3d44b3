"""Rendering replies as Telegram HTML: escaping, the 4,096 split, notices, drafts, keyboard."""

from __future__ import annotations

from muse.bots.telegram.callbackdata import decode
from muse.bots.telegram.render import (
    LIMIT,
    done_pieces,
    escape,
    interrupted,
    keyboard,
    plain_text,
    preview,
    reply_markup,
    toast,
)
from muse.bots.textsplit import utf16_length
from muse.core.messages import Action, Done, Variant
from tests.bots.telegram.html_check import parse_html

TRICKY = 'A <b>bold</b> & "quoted" claim, 5 > 3 < 4, &amp; already, </i> stray, 😀'


def test_model_text_is_escaped_and_shows_exactly_as_written() -> None:
    (piece,) = done_pieces(Done(TRICKY, "chat"))
    assert "<b>" not in piece
    assert parse_html(piece) == TRICKY
    assert plain_text(piece) == TRICKY


def test_long_replies_split_at_boundaries_within_the_utf16_limit_and_lose_nothing() -> None:
    # Emoji count two UTF-16 units: a paragraph of 500 sentences overflows 4,096 units well before
    # characters. Sentences end with 。 so cuts fall on paragraphs, then sentences.
    paragraph = "".join(f"第{i}句，好看又实用😀。" for i in range(500))
    text = "\n\n".join([paragraph] * 4)
    pieces = done_pieces(Done(text, "chat"))
    visible = [parse_html(p) for p in pieces]
    assert len(pieces) > 1
    assert all(utf16_length(v) <= LIMIT for v in visible)
    assert "".join(visible) == text
    assert all(v.endswith(("。", "\n\n")) for v in visible[:-1])


def test_notices_are_small_print_at_the_end() -> None:
    (piece,) = done_pieces(Done("正文", "chat", notices=("（较早的内容已省略。）",)))
    assert piece == "正文\n\n<i>（较早的内容已省略。）</i>"


def test_a_notice_that_does_not_fit_gets_its_own_message() -> None:
    full = "字" * LIMIT
    pieces = done_pieces(Done(full, "chat", notices=("note",)))
    assert [parse_html(p) for p in pieces] == [full, "note"]


def test_a_draft_fits_one_message_and_says_it_is_being_written() -> None:
    draft = preview("长" * 5000, "zh")
    assert utf16_length(parse_html(draft)) <= LIMIT
    assert draft.endswith("<i>✍️ 正在写…</i>")
    assert preview("", "en") == "<i>✍️ Writing…</i>"
    # The final text never equals a draft, so the final edit (with the keyboard) always happens.
    assert done_pieces(Done("长", "chat"))[0] != preview("长", "zh")


def test_an_interrupted_draft_keeps_its_text_and_says_so() -> None:
    assert plain_text(interrupted("a < b", "en")).startswith("a < b\n\n(This reply was interrupted")


def test_keyboard_has_every_button_with_callback_data_for_the_reply() -> None:
    markup = keyboard(42, tuple(Action), "zh")
    rows = markup.inline_keyboard
    labels = [[b.text for b in row] for row in rows]
    assert labels == [["🔄 重新生成", "✂️ 短一点", "📝 长一点"], ["🎭 换个语气", "👍", "👎"]]
    presses = [decode(b.callback_data) for row in rows for b in row]  # type: ignore[arg-type]
    assert [p.action for p in presses if p] == [
        Action.REGENERATE,
        Action.SHORTER,
        Action.LONGER,
        Action.TONE,
        Action.LIKE,
        Action.DISLIKE,
    ]
    assert {p.target_message_id for p in presses if p} == {42}
    assert keyboard(42, tuple(Action), "en").inline_keyboard[0][0].text == "🔄 Regenerate"


def test_only_stored_replies_with_variants_get_buttons() -> None:
    markup = reply_markup(Done("x", "ad", (Variant("x"),), message_id=3, language="en"))
    assert markup is not None and markup.inline_keyboard[0][0].text == "🔄 Regenerate"
    assert reply_markup(Done("x", "ad", (Variant("x"),), message_id=None)) is None
    assert reply_markup(Done("help", "help")) is None


def test_toasts_fit_answer_callback_query() -> None:
    assert toast("谢谢") == "谢谢"
    assert len(toast("长" * 500)) == 200


def test_escape_leaves_quotes_readable() -> None:
    assert escape('"a" & <b>') == '"a" &amp; &lt;b&gt;'


def test_no_piece_is_only_whitespace() -> None:
    full = "字" * LIMIT
    pieces = done_pieces(Done(full + "\n\n\n\n" + "尾", "chat"))
    assert [parse_html(p).strip() for p in pieces] == [full, "尾"]


def test_a_reply_shows_only_its_skills_buttons_three_to_a_row() -> None:
    actions = (Action.REGENERATE, Action.TONE, Action.LIKE, Action.DISLIKE)
    done = Done("x", "ad", (Variant("x"),), message_id=3, language="zh", actions=actions)
    markup = reply_markup(done)
    assert markup is not None
    labels = [[b.text for b in row] for row in markup.inline_keyboard]
    assert labels == [["🔄 重新生成", "🎭 换个语气", "👍"], ["👎"]]
    assert reply_markup(Done("x", "ad", (Variant("x"),), message_id=3, actions=())) is None
