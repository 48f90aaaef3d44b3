"""A skill is declared in its own file: its command, aliases and texts reach every surface
that describes commands (parsing, usage, /help, Telegram's menu, Slack's manifest)."""

from __future__ import annotations

import pytest

from muse.bots.slack.manifest import slash_commands
from muse.bots.telegram.texts import menu_entries
from muse.core.commands import Command, help_text, parse, usage
from muse.core.messages import Lang
from muse.core.skills.base import Skill
from muse.core.skills.registry import COMMAND_SKILLS, SKILL_NAMES, get_skill


@pytest.mark.parametrize("skill", COMMAND_SKILLS, ids=lambda s: s.name)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_skills_command_reaches_help_usage_and_both_platforms(skill: Skill, lang: Lang) -> None:
    spec = skill.command
    assert spec is not None and spec.takes_argument
    assert parse(f"/{skill.name} 桂花乌龙茶") == Command(skill.name, "桂花乌龙茶")
    assert f"/{skill.name}" in help_text(lang) and spec.summary[lang] in help_text(lang)
    assert spec.example[lang] in usage(skill.name, lang)
    assert menu_entries(lang)[skill.name] == spec.menu[lang]
    assert f"- command: /{skill.name}\n" in slash_commands()


@pytest.mark.parametrize(
    ("alias", "name"), [("slogan", "tagline"), ("ideas", "brainstorm"), ("SLOGAN", "tagline")]
)
def test_aliases_parse_as_their_skill(alias: str, name: str) -> None:
    assert alias.lower() in get_skill(name).aliases
    assert parse(f"/{alias} 社区咖啡馆") == Command(name, "社区咖啡馆")
    assert parse(f"/{alias}").missing_argument


def test_every_alias_is_unique_and_never_shadows_a_command() -> None:
    aliases = [a for skill in COMMAND_SKILLS for a in skill.aliases]
    assert len(aliases) == len(set(aliases))
    assert not set(aliases) & set(SKILL_NAMES)
    assert all(parse(f"/{a} x").name != "unknown" for a in aliases)


def test_chat_has_no_command_and_is_not_in_the_menus() -> None:
    assert get_skill("chat").command is None
    assert "chat" not in menu_entries("zh") and parse("/chat hi").name == "unknown"
