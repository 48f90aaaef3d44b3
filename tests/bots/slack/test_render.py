"""Slack rendering: escaping, mention safety, lossless splitting into sections and messages."""

from __future__ import annotations

import html

import pytest

from muse.bots.slack.render import (
    FALLBACK_CHARS,
    MAX_BLOCKS,
    SECTION_CHARS,
    action_buttons,
    asked_by,
    done_messages,
    draft_message,
    escape,
    fallback_text,
    mention,
    paginate,
    section,
    text_sections,
)
from muse.core.messages import Action, Done, Variant


def unescape(mrkdwn: str) -> str:
    """What a person reads: entities decoded, word joiners invisible."""
    return html.unescape(mrkdwn).replace("\u2060", "")


def test_markup_characters_are_escaped() -> None:
    assert escape("A&B <b> 5>3") == "A&amp;B &lt;b&gt; 5&gt;3"


@pytest.mark.parametrize(
    "dangerous",
    ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S0123|@designers>", "<@U0OTHER>"],
)
def test_model_text_cannot_notify_anyone(dangerous: str) -> None:
    shown = escape(f"大家看 {dangerous} 这条")
    assert "<" not in shown and ">" not in shown
    assert unescape(shown) == f"大家看 {dangerous} 这条"


@pytest.mark.parametrize("word", ["@channel", "@here", "@everyone", "@Channel"])
def test_bare_mass_mention_words_are_defused(word: str) -> None:
    shown = escape(f"提醒 {word} 明天开会")
    assert word not in shown and unescape(shown) == f"提醒 {word} 明天开会"


def test_only_mentions_the_person_wrote_stay_live() -> None:
    shown = escape("问问 <@UCAROL> 和 <@UMALLORY>", allowed_users=frozenset({"UCAROL"}))
    assert "<@UCAROL>" in shown and "<@UMALLORY>" not in shown and "&lt;@UMALLORY&gt;" in shown


def test_mention_refuses_anything_but_a_user_id() -> None:
    assert mention("U123ABC") == "<@U123ABC>"
    with pytest.raises(ValueError):
        mention("!channel")


def test_long_text_splits_into_sections_without_losing_a_character() -> None:
    text = ("秋风起，风衣上新。" * 400 + "A&B<C>\n\n") * 4  # ~15,000 chars, with markup characters
    blocks = text_sections(text)
    assert len(blocks) > 4
    assert all(0 < len(b["text"]["text"]) <= SECTION_CHARS for b in blocks)
    assert unescape("".join(b["text"]["text"] for b in blocks)) == text


def test_escaping_counts_toward_the_section_limit() -> None:
    blocks = text_sections("&" * 3000)  # 15,000 escaped characters
    assert all(len(b["text"]["text"]) <= SECTION_CHARS for b in blocks)
    assert unescape("".join(b["text"]["text"] for b in blocks)) == "&" * 3000


def test_more_than_fifty_blocks_continue_in_another_message() -> None:
    body = [section(str(i)) for i in range(120)]
    buttons = action_buttons(7, tuple(Action), "zh")
    pages = paginate(body, head=[section("head")], tail=[buttons])
    assert [len(p) for p in pages] == [50, 50, 22]
    assert pages[0][0] == section("head") and pages[-1][-1] == buttons
    assert [b for p in pages for b in p][1:-1] == body


def test_the_tail_gets_its_own_message_when_the_last_is_full() -> None:
    pages = paginate([section(str(i)) for i in range(MAX_BLOCKS)], tail=[section("t")])
    assert [len(p) for p in pages] == [50, 1]


def test_variants_become_labelled_sections_with_buttons() -> None:
    done = Done(
        "text",
        "ad",
        variants=(
            Variant("轻薄一整季"),
            Variant("最好的风衣", ("最",), "⚠️ 含广告法风险用语：最（发布前请修改）"),
        ),
        notices=("（提示）",),
        message_id=42,
        language="zh",
    )
    (message,) = done_messages(done, head=[asked_by("UALICE", "/ad 风衣", "zh")])
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["context", "section", "section", "context", "actions"]
    assert message.blocks[1]["text"]["text"] == "*1.* 轻薄一整季"
    assert message.blocks[2]["text"]["text"].startswith("*2.* 最好的风衣\n⚠️")
    # A 👍 beside each variant carries its number; the row holds the whole reply's buttons.
    likes = [message.blocks[i]["accessory"] for i in (1, 2)]
    assert [(b["action_id"], b["value"]) for b in likes] == [
        ("muse_like", "42:zh:1"),
        ("muse_like", "42:zh:2"),
    ]
    values = {e["value"] for e in message.blocks[-1]["elements"]}
    assert values == {"42:zh"}
    labels = [e["text"]["text"] for e in message.blocks[-1]["elements"]]
    assert labels == ["🔄 重新生成", "✂️ 短一点", "📝 长一点", "🎭 换个语气", "👎"]


def test_unstored_replies_have_no_buttons() -> None:
    (message,) = done_messages(Done("帮助", "help", language="zh"))
    assert [b["type"] for b in message.blocks] == ["section"]


def test_buttons_speak_the_reply_language() -> None:
    labels = [e["text"]["text"] for e in action_buttons(1, tuple(Action), "en")["elements"]]
    assert labels == ["🔄 Regenerate", "✂️ Shorter", "📝 Longer", "🎭 Other tone", "👍", "👎"]


def test_fallback_text_never_ends_inside_an_entity_or_mention() -> None:
    for text in ("a" * (FALLBACK_CHARS - 2) + "&&&&", "a" * (FALLBACK_CHARS - 3) + "<@UCAROL>"):
        blocks = [section(escape(text, frozenset({"UCAROL"})))]
        fallback = fallback_text(blocks)
        assert fallback.endswith("…") and not fallback.rstrip("…").endswith(("&", "&am", "<@U"))


def test_a_very_long_draft_shows_its_first_message_and_says_more_is_coming() -> None:
    draft = draft_message("字" * (SECTION_CHARS * 60))
    assert len(draft.blocks) == MAX_BLOCKS and draft.blocks[-1]["type"] == "context"


def test_a_reply_shows_only_its_skills_buttons() -> None:
    actions = (Action.LONGER, Action.LIKE)
    done = Done("x", "ad", (Variant("x"),), message_id=5, language="en", actions=actions)
    (message,) = done_messages(done)
    ids = [e["action_id"] for e in message.blocks[-1]["elements"]]
    assert ids == ["muse_longer", "muse_like"]
    (bare,) = done_messages(Done("x", "ad", (Variant("x"),), message_id=5, actions=()))
    assert [b["type"] for b in bare.blocks] == ["section"]
