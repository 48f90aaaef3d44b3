"""Skills by name: the one place that lists them."""

from __future__ import annotations

from muse.core.skills.ad import AdSkill
from muse.core.skills.base import Skill
from muse.core.skills.brainstorm import BrainstormSkill
from muse.core.skills.chat import ChatSkill
from muse.core.skills.script import ScriptSkill
from muse.core.skills.tagline import TaglineSkill

# Skills hold no state, so one instance of each serves every request.
_SKILLS: dict[str, Skill] = {
    skill.name: skill
    for skill in (AdSkill(), TaglineSkill(), BrainstormSkill(), ScriptSkill(), ChatSkill())
}
SKILL_NAMES: tuple[str, ...] = tuple(_SKILLS)


def get_skill(name: str) -> Skill:
    """The skill called `name` ("ad", "tagline", "brainstorm", "script", "chat"); KeyError else."""
    return _SKILLS[name]
