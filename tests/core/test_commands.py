"""Command parsing, usage lines and the help text."""

from __future__ import annotations

import pytest

from muse.core.commands import (
    ARGUMENT_COMMANDS,
    COMMAND_NAMES,
    Command,
    help_text,
    parse,
    read,
    usage,
)
from muse.core.messages import Incoming, Kind


@pytest.mark.parametrize("name", ARGUMENT_COMMANDS)
def test_every_argument_command_takes_its_argument(name: str) -> None:
    assert parse(f"/{name} 新款秋季风衣") == Command(name, "新款秋季风衣")


@pytest.mark.parametrize("name", ["reset", "forget", "help"])
def test_commands_without_argument(name: str) -> None:
    command = parse(f"/{name}")
    assert command == Command(name, "")
    assert not command.missing_argument


def test_start_is_help() -> None:
    assert parse("/start").name == "help"


def test_telegram_bot_suffix_is_stripped() -> None:
    assert parse("/ad@SomeBot 轻薄风衣") == Command("ad", "轻薄风衣")
    assert parse("/help@Muse_bot") == Command("help", "")


def test_full_width_slash_and_letters() -> None:
    assert parse("／tagline 社区咖啡馆") == Command("tagline", "社区咖啡馆")
    assert parse("／ａｄ 测试") == Command("ad", "测试")


def test_case_separators_and_no_space() -> None:
    assert parse("/AD 风衣") == Command("ad", "风衣")
    assert parse("/ad新款风衣") == Command("ad", "新款风衣")
    assert parse("/ad：新款风衣") == Command("ad", "新款风衣")
    assert parse("  /brainstorm\u3000中秋活动  ") == Command("brainstorm", "中秋活动")


def test_newlines_in_the_argument_are_kept() -> None:
    command = parse("/script\n第一幕：清晨\n第二幕：地铁\n")
    assert command == Command("script", "第一幕：清晨\n第二幕：地铁")


@pytest.mark.parametrize("text", ["/ad", "/ad   ", "/ad@SomeBot", "/analyze\n"])
def test_missing_argument(text: str) -> None:
    assert parse(text).missing_argument


def test_plain_text_is_chat() -> None:
    assert parse("  帮我想想中秋节的活动  ") == Command("chat", "帮我想想中秋节的活动")
    assert not parse("hello").missing_argument


@pytest.mark.parametrize("text", ["/usr/bin 是个路径", "/ad-hoc 会议", "/ 你好", "//注释", "/123"])
def test_slash_that_is_not_a_command_is_chat(text: str) -> None:
    assert parse(text) == Command("chat", text)


def test_unknown_command() -> None:
    assert parse("/xyz 随便") == Command("unknown", "/xyz")
    assert parse("/Poem@SomeBot hi") == Command("unknown", "/poem")


def test_usage_has_an_example_in_each_language() -> None:
    assert usage("ad", "zh") == "用法：/ad <产品或品牌简介>，例如：/ad 新款秋季风衣，主打轻薄防风"
    english = usage("ad", "en")
    assert english.startswith("Usage: /ad <product or brand brief>, e.g. /ad ")
    for name in ARGUMENT_COMMANDS:
        assert "例如：/" + name in usage(name, "zh")
        assert "e.g. /" + name in usage(name, "en")
    assert usage("reset", "zh") == "用法：/reset"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_lists_every_command_once(lang: str) -> None:
    text = help_text(lang)  # type: ignore[arg-type]
    lines = text.splitlines()
    for name in COMMAND_NAMES:
        assert sum(line.startswith(f"/{name} ") for line in lines) == 1
    assert "/reset" in lines[-1] and "/forget" in lines[-1]


def test_help_is_in_the_users_language() -> None:
    assert "按钮" in help_text("zh") and "buttons" in help_text("en")
    assert "Commands" not in help_text("zh")


@pytest.mark.parametrize(
    ("text", "personal"),
    [
        ("/help", True),
        ("/reset", True),
        ("/forget", True),
        ("/nope", True),
        ("/ad", True),  # a usage line
        ("/ad 新款风衣", False),
        ("/analyze 轻薄防风", False),
        ("随便聊聊", False),
    ],
)
def test_personal_replies_are_about_the_asker_or_muse(text: str, personal: bool) -> None:
    assert parse(text).personal is personal


def incoming(text: str, command: str | None) -> Incoming:
    return Incoming("slack", "T1", "C1", "U1", text, Kind.COMMAND, command=command)


def test_a_command_the_platform_named_is_taken_as_is_and_its_text_is_the_argument() -> None:
    assert read(incoming("/reset 的包装", "ad")) == Command("ad", "/reset 的包装")
    assert read(incoming("：社区咖啡馆", "SLOGAN")) == Command("tagline", "社区咖啡馆")
    assert read(incoming("", "brainstorm")).missing_argument
    assert read(incoming("x", "poem")) == Command("unknown", "/poem")
    assert read(incoming("/ad 风衣", None)) == Command("ad", "风衣")
