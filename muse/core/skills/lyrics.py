"""/lyrics: a song — title, then labelled sections (verse, chorus, bridge) — in one completion;
the title and each section are parts."""

from __future__ import annotations

import re
from typing import ClassVar

from muse.core.command_spec import CommandSpec
from muse.core.counting import within
from muse.core.llm.client import SamplingParams
from muse.core.messages import Lang
from muse.core.skills.templated import ANSWER_IN, STOP, PartsSkill
from muse.core.skills.text import paragraphs, strip_label, unquote

MIN_SECTIONS = 5
MIN_SECTION_LINES, MAX_SECTION_LINES = 2, 8
MAX_LINE_CHARS = 16  # Chinese, as a poster counts (counting.chinese_length)
MAX_LINE_WORDS = 10
MAX_TITLE_CHARS, MAX_TITLE_WORDS = 20, 8
# Section kinds and their labels; verses are numbered ("【主歌 2】", "[Verse 2]").
_LABELS: dict[str, dict[Lang, str]] = {
    "verse": {"zh": "主歌", "en": "Verse"},
    "pre": {"zh": "导歌", "en": "Pre-Chorus"},
    "chorus": {"zh": "副歌", "en": "Chorus"},
    "bridge": {"zh": "桥段", "en": "Bridge"},
    "outro": {"zh": "尾声", "en": "Outro"},
}
_KINDS = {
    "主歌": "verse",
    "verse": "verse",
    "导歌": "pre",
    "预副歌": "pre",
    "pre-chorus": "pre",
    "prechorus": "pre",
    "副歌": "chorus",
    "chorus": "chorus",
    "hook": "chorus",
    "桥段": "bridge",
    "bridge": "bridge",
    "尾声": "outro",
    "outro": "outro",
}
# "【主歌 1】", "[Verse 2]", "副歌：", "(Chorus)", "主歌一" on a line of their own.
_SECTION = re.compile(
    r"^[【\[［(（]?\s*(?P<kind>主歌|导歌|预副歌|副歌|桥段|尾声|verse|pre-?chorus|chorus|hook"
    r"|bridge|outro)\s*(?:[0-9一二三四五]{0,2})\s*[】\]］)）]?\s*[:：]?$",
    re.IGNORECASE,
)


def section_label(kind: str, verse: int, lang: Lang) -> str:
    """The label line of a section: "【主歌 1】" / "[Verse 1]", "【副歌】" / "[Chorus]"."""
    name = _LABELS[kind][lang]
    if kind == "verse":
        name = f"{name} {verse}"
    return f"【{name}】" if lang == "zh" else f"[{name}]"


class LyricsSkill(PartsSkill):
    """Song lyrics: a title part, then one part per labelled section."""

    name = "lyrics"
    command = CommandSpec(
        placeholder={"zh": "<主题>", "en": "<theme>"},
        example={
            "zh": "毕业季，写给宿舍四个人的歌，轻快一点",
            "en": "A song about the last train home after a late shift",
        },
        summary={
            "zh": "写一首歌词（主歌、副歌、桥段）",
            "en": "write song lyrics (verse, chorus, bridge)",
        },
        menu={"zh": "写一首歌词", "en": "Write song lyrics"},
    )
    system: ClassVar[dict[Lang, str]] = {
        "zh": (
            "你是缪斯，一名作词人。根据用户给的主题写一首歌词：第一行是歌名，然后按"
            "【主歌 1】【副歌】【主歌 2】【副歌】【桥段】【副歌】分段，"
            "每段先写段落标签，再写两到八行歌词，段与段之间空一行。"
            f"每次的副歌一字不差地重复，每行不超过 {MAX_LINE_CHARS} 个字。"
            f"不要解释。{ANSWER_IN['zh']}"
        ),
        "en": (
            "You are Muse, a lyricist. Write a song on the user's theme: the title on the first "
            "line, then the sections [Verse 1] [Chorus] [Verse 2] [Chorus] [Bridge] [Chorus], "
            "each a label line and two to eight lines of lyrics, with a blank line between "
            f"sections. The chorus repeats word for word; lines of {MAX_LINE_WORDS} words or "
            f"fewer. No explanations. {ANSWER_IN['en']}"
        ),
    }
    user: ClassVar[dict[Lang, str]] = {
        "zh": "主题：{argument}\n请写一首歌词。",
        "en": "Theme: {argument}\nWrite song lyrics.",
    }
    # Six sections of four short lines are about 400 tokens. No repetition penalty: the chorus
    # is meant to repeat word for word, and a penalty would push the second one off its words.
    sampling = SamplingParams(
        temperature=0.9, top_p=0.95, max_tokens=640, repetition_penalty=1.0, stop=STOP
    )

    def split(self, completion: str, lang: Lang) -> list[str]:
        """The title, then each section with its label normalised and verses renumbered.

        Lines before the first label are the title (the first of them, 《》 and "歌名："
        stripped); a label with no lines under it is dropped.
        """
        title = ""
        sections: list[tuple[str, list[str]]] = []
        for line in paragraphs(completion):
            match = _SECTION.match(line)
            if match:
                sections.append((_KINDS[match.group("kind").lower().replace(" ", "")], []))
            elif sections:
                sections[-1][1].append(line)
            elif not title:
                title = unquote(strip_label(line.removeprefix("歌名：")).strip("《》"))
        parts = [title] if title else []
        verse = 0
        for kind, lines in sections:
            if not lines:
                continue
            verse += kind == "verse"
            parts.append("\n".join([section_label(kind, verse, lang), *lines]))
        return parts

    def structure_problem(self, completion: str, lang: Lang) -> str | None:
        """A title, ≥ 5 labelled sections of 2–8 short lines, and a chorus that repeats."""
        parts = self.kept_parts(completion, lang)
        if parts is None:
            return "a title, then labelled sections separated by blank lines"
        if not parts or _SECTION.match(parts[0].split("\n")[0]):
            return "a title on the first line"
        if not within(parts[0], lang, MAX_TITLE_CHARS, MAX_TITLE_WORDS):
            return f"a title of at most {MAX_TITLE_CHARS} characters / {MAX_TITLE_WORDS} words"
        sections = parts[1:]
        if len(sections) < MIN_SECTIONS:
            return f"at least {MIN_SECTIONS} labelled sections"
        chorus_label = section_label("chorus", 0, lang)
        choruses = [s for s in sections if s.startswith(chorus_label + "\n")]
        if len(choruses) < 2 or any(c != choruses[0] for c in choruses):
            return "the chorus appears at least twice, word for word"
        for section in sections:
            lines = section.split("\n")[1:]
            if not MIN_SECTION_LINES <= len(lines) <= MAX_SECTION_LINES:
                return f"{MIN_SECTION_LINES} to {MAX_SECTION_LINES} lines a section: {section!r}"
            long = [
                line for line in lines if not within(line, lang, MAX_LINE_CHARS, MAX_LINE_WORDS)
            ]
            if long:
                return (
                    f"lines of at most {MAX_LINE_CHARS} characters / {MAX_LINE_WORDS} words: {long}"
                )
        return None
