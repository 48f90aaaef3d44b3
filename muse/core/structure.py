"""Does a completion follow the structure its skill asks for, and survive post-processing as is?

The checks call the core's own `split` and `render`, so a completion that passes is kept by
serving exactly as written. Serving redraws ad copy and tagline sets that fail them
(generation.py); training keeps only data that passes, so it never teaches a shape the core would
rewrite; `muse train eval` reports the share that passes.
"""

from __future__ import annotations

import re

from muse.core.messages import Lang, Variant
from muse.core.sentences import split_sentences
from muse.core.skills.ad import MAX_BODY_SENTENCES
from muse.core.skills.brainstorm import IDEAS
from muse.core.skills.registry import get_skill
from muse.core.skills.tagline import TAGLINES, fits

MIN_SCENES = 3
MAX_SCENES = 5
# The three lines under a scene heading, in order (ScriptSkill's system prompt).
_SCENE_LINES: dict[Lang, tuple[re.Pattern[str], ...]] = {
    "zh": (re.compile(r"画面：\S.*"), re.compile(r"台词：\S.*"), re.compile(r"时长：\d{1,2}秒")),
    "en": (
        re.compile(r"Visual: \S.*"),
        re.compile(r"Line: \S.*"),
        re.compile(r"Duration: \d{1,2} seconds?"),
    ),
}


def structure_problem(task: str, text: str, lang: Lang) -> str | None:
    """What is wrong with `text` as a `task` completion in `lang`; None when it is right."""
    return _CHECKS[task](text, lang)


def _ad(text: str, lang: Lang) -> str | None:
    lines = text.split("\n")
    if len(lines) != 2 or not all(line.strip() for line in lines):
        return "a headline line and one body line"
    if not 1 <= len(split_sentences(lines[1])) <= MAX_BODY_SENTENCES:
        return f"the body has 1 to {MAX_BODY_SENTENCES} sentences"
    if get_skill("ad").split(text, lang) != [text]:
        return "the ad skill's split changes it"
    return None


def _tagline(text: str, lang: Lang) -> str | None:
    lines = text.split("\n")
    if len(lines) != TAGLINES:
        return f"{TAGLINES} lines"
    if get_skill("tagline").split(text, lang) != lines:
        return "the tagline skill's split changes it"
    too_long = [line for line in lines if not fits(line, lang)]
    if too_long:
        return f"over the length limit: {too_long}"
    return None


def _brainstorm(text: str, lang: Lang) -> str | None:
    lines = text.split("\n")
    if len(lines) != IDEAS or any(
        not line.startswith(f"{i}. ") for i, line in enumerate(lines, start=1)
    ):
        return f"{IDEAS} lines numbered 1. to {IDEAS}."
    skill = get_skill("brainstorm")
    ideas = skill.split(text, lang)
    if skill.render([Variant(i) for i in ideas], lang) != text:
        return "the brainstorm skill's split and render change it"
    several = [idea for idea in ideas if len(split_sentences(idea)) != 1]
    if several:
        return f"ideas of more than one sentence: {several}"
    return None


def _script(text: str, lang: Lang) -> str | None:
    skill = get_skill("script")
    scenes = skill.split(text, lang)
    if not MIN_SCENES <= len(scenes) <= MAX_SCENES:
        return f"{MIN_SCENES} to {MAX_SCENES} scenes"
    if skill.render([Variant(s) for s in scenes], lang) != text:
        return "the script skill's split and render change it"
    for scene in scenes:
        lines = scene.split("\n")[1:]
        patterns = _SCENE_LINES[lang]
        if len(lines) != len(patterns) or not all(
            p.fullmatch(line) for p, line in zip(patterns, lines, strict=True)
        ):
            labels = "画面/台词/时长" if lang == "zh" else "Visual/Line/Duration"
            return f"each scene has exactly three lines, {labels}: {scene!r}"
    return None


def _chat(text: str, lang: Lang) -> str | None:
    if get_skill("chat").split(text, lang) != [text]:
        return "must be non-empty text without surrounding blanks"
    return None


_CHECKS = {
    "ad": _ad,
    "tagline": _tagline,
    "brainstorm": _brainstorm,
    "script": _script,
    "chat": _chat,
}
