"""Brand voice values (core/voice.py): parsing /voice, scopes in order, the prompt section."""

from __future__ import annotations

import pytest

from muse.core.messages import Incoming, Kind
from muse.core.tokens import estimate_tokens
from muse.core.voice import (
    MAX_WORDS,
    PROMPT_TOKENS,
    Level,
    Voice,
    VoiceChange,
    VoiceInputError,
    apply,
    describe,
    parse_change,
    prompt_section,
    scopes,
    target,
)


def msg(kind: Kind) -> Incoming:
    return Incoming("slack", "T1", "C1", "U1", "", kind)


def test_each_form_of_the_argument() -> None:
    assert parse_change("") == VoiceChange("show")
    assert parse_change("workspace") == VoiceChange("show", workspace=True)
    assert parse_change("clear") == VoiceChange("clear")
    assert parse_change("全局 清除") == VoiceChange("clear", workspace=True)
    assert parse_change("must 青禾，社区食堂、青禾") == VoiceChange("must", ("青禾", "社区食堂"))
    assert parse_change("ban 亲们, yyds") == VoiceChange("ban", ("亲们", "yyds"))
    assert parse_change("ban") == VoiceChange("ban", ())  # an empty list clears the words
    # A description that merely starts like a keyword stays a description.
    assert parse_change("必须提到环保，语气克制") == VoiceChange(
        "description", "必须提到环保，语气克制"
    )
    assert parse_change("clear and calm, for runners").field == "description"
    assert parse_change("workspace Plain-spoken, for parents") == VoiceChange(
        "description", "Plain-spoken, for parents", workspace=True
    )


def test_limits_are_refused_with_the_sentence_to_show() -> None:
    with pytest.raises(VoiceInputError) as too_long:
        parse_change("长" * 501)
    assert too_long.value.key == "voice_too_long" and too_long.value.values["length"] == 501
    with pytest.raises(VoiceInputError) as too_many:
        parse_change("ban " + ",".join(f"词{i}" for i in range(MAX_WORDS + 1)))
    assert too_many.value.key == "voice_too_many_words"
    with pytest.raises(VoiceInputError) as long_word:
        parse_change("must " + "x" * 31)
    assert long_word.value.key == "voice_word_too_long"


def test_channel_wins_over_workspace_and_a_private_chat_is_the_persons() -> None:
    levels = {kind: [s.level for s in scopes(msg(kind))] for kind in Kind}
    assert levels[Kind.MENTION] == levels[Kind.COMMAND] == [Level.CHANNEL, Level.WORKSPACE]
    assert levels[Kind.DIRECT] == [Level.PERSON, Level.WORKSPACE]
    assert levels[Kind.ACTION] == [Level.CHANNEL, Level.PERSON, Level.WORKSPACE]
    assert target(msg(Kind.DIRECT), workspace=False).scope_id == "U1"
    assert target(msg(Kind.COMMAND), workspace=False).scope_id == "C1"
    assert target(msg(Kind.COMMAND), workspace=True).level is Level.WORKSPACE


def test_changes_keep_the_other_fields_and_clear_empties() -> None:
    voice = apply(Voice(), VoiceChange("description", "温和"))
    voice = apply(voice, VoiceChange("ban", ("亲们",)))
    assert voice == Voice("温和", (), ("亲们",))
    assert apply(voice, VoiceChange("clear")).empty


def test_the_prompt_section_is_bounded_and_keeps_the_word_lists() -> None:
    voice = Voice("这是一段很长的品牌描述。" * 80, ("青禾",), ("亲们",))
    section = prompt_section(voice, "zh")
    assert estimate_tokens(section) <= PROMPT_TOKENS
    assert section.startswith("品牌调性") and "青禾" in section and "亲们" in section
    assert prompt_section(Voice(), "en") == ""
    english = prompt_section(Voice("Warm, plain-spoken", ("Brickwell",)), "en")
    assert english.splitlines() == [
        "Brand voice: Warm, plain-spoken",
        "Every ad and tagline uses at least one of: Brickwell",
    ]


def test_describe_says_where_the_voice_comes_from_or_how_to_set_one() -> None:
    shown = describe(Voice("温和", ("青禾",)), Level.WORKSPACE, "zh")
    assert "整个工作区" in shown and "温和" in shown and "青禾" in shown
    assert "/voice must" in describe(None, None, "en")
