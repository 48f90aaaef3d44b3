"""Skills by name: the one place that lists them."""

from __future__ import annotations

from muse.core.skills.ad import AdSkill
from muse.core.skills.base import Skill
from muse.core.skills.brainstorm import BrainstormSkill
from muse.core.skills.chat import ChatSkill
from muse.core.skills.design import DesignSkill
from muse.core.skills.lyrics import LyricsSkill
from muse.core.skills.press import PressSkill
from muse.core.skills.script import ScriptSkill
from muse.core.skills.story import StorySkill
from muse.core.skills.tagline import TaglineSkill

# Skills hold no state, so one instance of each serves every request.
_SKILLS: dict[str, Skill] = {
    skill.name: skill
    for skill in (
        AdSkill(),
        TaglineSkill(),
        BrainstormSkill(),
        ScriptSkill(),
        PressSkill(),
        LyricsSkill(),
        StorySkill(),
        DesignSkill(),
        ChatSkill(),
    )
}
SKILL_NAMES: tuple[str, ...] = tuple(_SKILLS)
# The skills a slash command runs, in the order help and the command menus list them.
COMMAND_SKILLS: tuple[Skill, ...] = tuple(s for s in _SKILLS.values() if s.command is not None)


def get_skill(name: str) -> Skill:
    """The skill called `name` ("ad", "tagline", "press", "chat"…); KeyError otherwise."""
    return _SKILLS[name]
