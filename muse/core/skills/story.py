"""/story: a story or game-plot outline — title and logline, main characters, labelled beats —
in one completion; the head, the cast and each beat are parts."""

from __future__ import annotations

from typing import ClassVar

from muse.core.command_spec import CommandSpec
from muse.core.counting import within
from muse.core.llm.client import SamplingParams
from muse.core.messages import Lang
from muse.core.skills.templated import ANSWER_IN, STOP, PartsSkill
from muse.core.skills.text import labelled, paragraphs, strip_label, unquote

MIN_CHARACTERS, MAX_CHARACTERS = 2, 4
MIN_BEATS, MAX_BEATS = 4, 6
MIN_BEAT_CHARS, MAX_BEAT_CHARS = 40, 300
MAX_TITLE_CHARS, MAX_TITLE_WORDS = 20, 8
MAX_NAME_CHARS = 24  # "沈苇" or "Captain Mara Quill"
# The beats in story order (Freytag's pyramid, as Chinese writing classes name its parts);
# an outline takes them in this order and may skip the optional ones.
BEATS: dict[Lang, tuple[str, ...]] = {
    "zh": ("开端", "发展", "转折", "高潮", "结局", "尾声"),
    "en": ("Setup", "Rising action", "Turning point", "Climax", "Resolution", "Epilogue"),
}
REQUIRED_BEATS = (0, 3, 4)  # setup, climax, resolution
LOGLINE: dict[Lang, str] = {"zh": "一句话梗概", "en": "Logline"}
CAST: dict[Lang, str] = {"zh": "主要人物", "en": "Characters"}
_BEAT_NAMES: dict[str, int] = {
    **{name.casefold(): i for names in BEATS.values() for i, name in enumerate(names)},
    "起因": 0,
    "inciting incident": 1,
    "twist": 2,
    "ending": 4,
    "结尾": 4,
}
_LOGLINE_NAMES = {"一句话梗概", "梗概", "故事梗概", "logline", "premise"}
# labelled() tables, built once: beat names → their index as text, logline names → themselves.
_BEAT_LABELS = {name: str(i) for name, i in _BEAT_NAMES.items()}
_LOGLINE_LABELS = {name: name for name in _LOGLINE_NAMES}
_CAST_NAMES = {"主要人物", "人物", "角色", "主要角色", "characters", "main characters", "cast"}


def _colon(label: str, lang: Lang) -> str:
    return f"{label}：" if lang == "zh" else f"{label}: "


class StorySkill(PartsSkill):
    """Story outlines: a head part (title + logline), a cast part, then one part per beat."""

    name = "story"
    command = CommandSpec(
        placeholder={"zh": "<故事设定>", "en": "<premise>"},
        example={
            "zh": "像素风解谜游戏：灯塔看守人发现每晚的雾会吃掉岛上的一样东西",
            "en": "A cosy mystery game: a night-shift baker finds notes baked into the bread",
        },
        summary={
            "zh": "写故事或游戏剧情大纲（梗概、人物、开端到结局）",
            "en": "outline a story or game plot (logline, characters, beats)",
        },
        menu={"zh": "写故事或剧情大纲", "en": "Outline a story or game plot"},
    )
    system: ClassVar[dict[Lang, str]] = {
        "zh": (
            "你是缪斯，一名编剧。根据用户给的设定写一份故事大纲：第一行是标题，第二行以"
            "“一句话梗概：”开头；空一行后写“主要人物：”，下面两到四行“名字：一句话介绍”；"
            "然后按“开端：”“发展：”“转折：”“高潮：”“结局：”逐段写情节，每段一行，段与段之间空一行。"
            f"人物都要在情节里出场。不要解释。{ANSWER_IN['zh']}"
        ),
        "en": (
            "You are Muse, a story writer. Outline a story for the user's premise: the title on "
            'the first line, then "Logline: " and one sentence; after a blank line, '
            '"Characters:" and two to four lines "Name: one-line description"; then the beats '
            '"Setup:", "Rising action:", "Turning point:", "Climax:" and "Resolution:", one line '
            "each, with a blank line between them. Every character acts in the beats. "
            f"No explanations. {ANSWER_IN['en']}"
        ),
    }
    user: ClassVar[dict[Lang, str]] = {
        "zh": "故事设定：{argument}\n请写一份故事大纲。",
        "en": "Premise: {argument}\nOutline the story.",
    }
    # Five beats of two or three sentences and a cast run to about 600 tokens.
    sampling = SamplingParams(
        temperature=0.85, top_p=0.95, max_tokens=900, repetition_penalty=1.05, stop=STOP
    )

    def split(self, completion: str, lang: Lang) -> list[str]:
        """The head (title, logline), the cast, then each beat, labels normalised.

        A line labelled as a beat starts a beat; lines under the cast heading until the first
        beat are characters; the first other line is the title; unlabelled lines after a beat
        continue it.
        """
        title, logline = "", ""
        cast: list[str] | None = None
        beats: list[tuple[int, str]] = []
        for line in paragraphs(completion):
            head = line.rstrip("：:").strip()
            beat = labelled(line, _BEAT_LABELS)
            named = labelled(line, _LOGLINE_LABELS)
            if beat and beat[1]:
                beats.append((int(beat[0]), beat[1]))
            elif named and named[1]:
                logline = named[1]
            elif head.casefold() in _CAST_NAMES and not beats:
                cast = []
            elif beats:
                beats[-1] = (beats[-1][0], beats[-1][1] + line)
            elif cast is not None:
                cast.append(self._character(line, lang))
            elif not title:
                title = unquote(strip_label(line).strip("《》"))
        parts: list[str] = []
        head_lines = [t for t in (title, logline and _colon(LOGLINE[lang], lang) + logline) if t]
        if head_lines:
            parts.append("\n".join(head_lines))
        if cast:
            parts.append("\n".join([_colon(CAST[lang], lang).strip(), *cast]))
        parts.extend(_colon(BEATS[lang][i], lang) + text for i, text in beats)
        return parts

    @staticmethod
    def _character(line: str, lang: Lang) -> str:
        """A cast line as "名字：介绍" / "Name: description" (from "名字 - 介绍" too)."""
        for sep in ("：", ":", " - ", " — ", "——"):
            name, found, about = line.partition(sep)
            if found and name.strip() and about.strip():
                return _colon(name.strip(), lang) + about.strip()
        return line

    def structure_problem(self, completion: str, lang: Lang) -> str | None:
        """Title and logline, 2–4 named characters who appear in the beats, 4–6 beats in order."""
        parts = self.kept_parts(completion, lang)
        if parts is None:
            return "title and logline, the cast, then one-line beats, separated by blank lines"
        head = parts[0].split("\n") if parts else []
        logline = _colon(LOGLINE[lang], lang)
        if len(head) != 2 or not head[1].startswith(logline) or head[0].startswith(logline):
            return f"a title line, then {logline.strip()!r}"
        if not within(head[0], lang, MAX_TITLE_CHARS, MAX_TITLE_WORDS):
            return f"a title of at most {MAX_TITLE_CHARS} characters / {MAX_TITLE_WORDS} words"
        cast_heading = _colon(CAST[lang], lang).strip()
        if len(parts) < 2 or not parts[1].startswith(cast_heading + "\n"):
            return f"the cast under {cast_heading!r}"
        characters = parts[1].split("\n")[1:]
        if not MIN_CHARACTERS <= len(characters) <= MAX_CHARACTERS:
            return f"{MIN_CHARACTERS} to {MAX_CHARACTERS} characters"
        beats = parts[2:]
        order = [BEATS[lang].index(b.partition(_colon("", lang).strip())[0]) for b in beats]
        if not MIN_BEATS <= len(beats) <= MAX_BEATS:
            return f"{MIN_BEATS} to {MAX_BEATS} beats"
        if order != sorted(set(order)) or any(i not in order for i in REQUIRED_BEATS):
            labels = "/".join(BEATS[lang])
            return f"beats in the order {labels}, with the setup, climax and resolution"
        plot = "\n".join(beats)
        for character in characters:
            name = character.partition(_colon("", lang).strip())[0]
            if not name or len(name) > MAX_NAME_CHARS:
                return f"a named character: {character!r}"
            if name not in plot and name.split()[0] not in plot:
                return f"{name!r} does not appear in the beats"
        for beat in beats:
            text = beat.partition(_colon("", lang).strip())[2].strip()
            if not MIN_BEAT_CHARS <= len(text) <= MAX_BEAT_CHARS:
                return f"beats of {MIN_BEAT_CHARS} to {MAX_BEAT_CHARS} characters: {beat!r}"
        return None
