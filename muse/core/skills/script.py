"""/script: a short-video script, scene by scene (visual, line, duration), in one completion."""

from __future__ import annotations

import re
from typing import ClassVar

from muse.core.command_spec import CommandSpec
from muse.core.llm.client import SamplingParams
from muse.core.messages import Lang, Variant
from muse.core.skills.templated import ANSWER_IN, STOP, TemplatedSkill
from muse.core.skills.text import clean_line, is_chatter, is_intro

# "场景 1", "场景一：咖啡店清晨", "Scene 2 - Morning", "镜头3" after markdown is stripped.
_HEADING = re.compile(
    r"^(?:场景|镜头|分镜|scene|shot)\s*[0-9一二三四五六七八九十]+"
    r"(?:\s*[:：.、\-—–]\s*|\s+|$)(?P<title>.*)$",
    re.IGNORECASE,
)

MIN_SCENES = 3
MAX_SCENES = 5
# The three lines under a scene heading, in order (the system prompt asks for them).
_SCENE_LINES: dict[Lang, tuple[re.Pattern[str], ...]] = {
    "zh": (re.compile(r"画面：\S.*"), re.compile(r"台词：\S.*"), re.compile(r"时长：\d{1,2}秒")),
    "en": (
        re.compile(r"Visual: \S.*"),
        re.compile(r"Line: \S.*"),
        re.compile(r"Duration: \d{1,2} seconds?"),
    ),
}


def _heading(number: int, title: str, lang: Lang) -> str:
    """A scene heading, numbered in order: "场景 2：咖啡店清晨" / "Scene 2: Morning"."""
    if lang == "zh":
        return f"场景 {number}：{title}" if title else f"场景 {number}"
    return f"Scene {number}: {title}" if title else f"Scene {number}"


class ScriptSkill(TemplatedSkill):
    """Video scripts: each scene is a variant, a heading line then 画面/台词/时长 lines."""

    name = "script"
    command = CommandSpec(
        placeholder={"zh": "<创意>", "en": "<premise>"},
        example={
            "zh": "30 秒短视频：上班族带着保温杯度过忙碌的一天",
            "en": "30-second video: an office worker's busy day with a thermos",
        },
        summary={
            "zh": "写一个分镜短视频脚本（画面、台词、时长）",
            "en": "write a short video script, scene by scene (visual, line, duration)",
        },
        menu={"zh": "写短视频分镜脚本", "en": "Write a short video script"},
    )
    n = 1
    lint = False
    system: ClassVar[dict[Lang, str]] = {
        "zh": (
            "你是缪斯，一名短视频编剧。根据用户的创意写一个 3 到 5 个场景的短视频脚本。"
            "每个场景先写“场景 N”，再分三行写“画面：”“台词：”“时长：”（以秒计），"
            f"场景之间空一行。不要解释。{ANSWER_IN['zh']}"
        ),
        "en": (
            "You are Muse, a short-video scriptwriter. Write a script of 3 to 5 scenes for the "
            'user\'s premise. Start each scene with "Scene N", then three lines: "Visual:", '
            '"Line:" and "Duration:" (in seconds), with a blank line between scenes. '
            f"No explanations. {ANSWER_IN['en']}"
        ),
    }
    user: ClassVar[dict[Lang, str]] = {
        "zh": "创意：{argument}\n请写一个短视频脚本。",
        "en": "Premise: {argument}\nWrite a short video script.",
    }
    # Five scenes of three lines each need room; slightly cooler to keep the structure.
    sampling = SamplingParams(
        temperature=0.85, top_p=0.95, max_tokens=768, repetition_penalty=1.1, stop=STOP
    )

    def split(self, completion: str, lang: Lang) -> list[str]:
        """The scenes, each with a renumbered heading; markdown, bullets and chatter stripped.

        Scenes are found by their headings ("场景 N" / "Scene N"); text before the first heading
        (a title, an intro) is dropped. Without any heading, blank-line groups are the scenes.
        """
        lines = [clean_line(raw) for raw in completion.splitlines()]
        if any(_HEADING.match(line) for line in lines):
            groups = self._by_heading(lines)
        else:
            groups = self._by_blank_lines(lines)
        return [
            "\n".join([_heading(i, title, lang), *body])
            for i, (title, body) in enumerate(groups, start=1)
            if body or title
        ]

    @staticmethod
    def _by_heading(lines: list[str]) -> list[tuple[str, list[str]]]:
        """(title, body lines) per heading; lines before the first heading are dropped."""
        groups: list[tuple[str, list[str]]] = []
        for line in lines:
            heading = _HEADING.match(line)
            if heading:
                groups.append((heading.group("title").strip(), []))
            elif groups and line and not is_chatter(line):
                groups[-1][1].append(line)
        return groups

    @staticmethod
    def _by_blank_lines(lines: list[str]) -> list[tuple[str, list[str]]]:
        """(no title, body lines) per group of lines between blank lines, chatter left out."""
        groups: list[tuple[str, list[str]]] = [("", [])]
        for line in lines:
            if not line:
                if groups[-1][1]:
                    groups.append(("", []))
            elif not is_chatter(line) and not is_intro(line):
                groups[-1][1].append(line)
        return [group for group in groups if group[1]]

    def structure_problem(self, completion: str, lang: Lang) -> str | None:
        """3 to 5 scenes, each a heading and exactly the visual, line and duration lines."""
        scenes = self.split(completion, lang)
        if not MIN_SCENES <= len(scenes) <= MAX_SCENES:
            return f"{MIN_SCENES} to {MAX_SCENES} scenes"
        if self.render([Variant(s) for s in scenes], lang) != completion:
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
