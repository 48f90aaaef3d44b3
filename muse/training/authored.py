"""The project-written creative examples in `muse/training/data/authored/*.yaml`, validated.

Each file is a YAML list of records, one brief each:

    - task: ad                      # ad | tagline | brainstorm | script | chat
      lang: zh                      # zh (default) | en; must be what the core detects
      category: 服装                 # a category of the index (data/categories.yaml)
      format: xiaohongshu           # ad and tagline only, optional: a platform (core/formats.py)
      brief: 新款秋季风衣，主打轻薄防风  # what the user types after the command (chat: the message)
      outputs: [...]                # ad only: three variants, one per completion (AdSkill.n)
      output: ...                   # every other task: the one completion
      follow_ups:                   # optional, each under the reply before it
        - button: shorter           # a button: shorter | longer | tone; answered by the skill
          output: ...               #   of the reply it is under, so in that skill's structure
        - ask: 换成英文               # free text typed next: answered by the chat skill
          output: ...

An ad record becomes three `Example`s sharing the brief; its follow-ups belong to the first.
The regenerate button resends the request itself, so it needs no follow-up: the composer pairs
records that share a brief. Every text passes the core's ad-law lint, the core detects each
brief's language as declared, and every completion passes the core's post-processing unchanged
(`Skill.structure_problem`), so the model learns exactly what serving keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from muse.core.adlaw import default_linter
from muse.core.formats import get_format
from muse.core.language import detect_language
from muse.core.messages import Action, Lang
from muse.core.skills.ad import AdSkill
from muse.core.skills.base import Skill
from muse.core.skills.registry import get_skill
from muse.training.categories import sector_of

TASKS = ("ad", "tagline", "brainstorm", "script", "press", "lyrics", "story", "design", "chat")
LANGS: tuple[Lang, ...] = ("zh", "en")
# Tasks whose categories need lexicons: the product nouns ground ad copy and taglines, and the
# composer varies their briefs (and brainstorms' and scripts') with the category's details.
# News, lyrics, stories and design briefs are about an event or a project, not a product.
LEXICON_TASKS = ("ad", "tagline", "brainstorm", "script")
# Buttons whose user turn is the skill's follow-up text. Regenerate resends the request itself,
# so the composer builds it from two records with the same brief instead.
BUTTONS = {a.value: a for a in (Action.SHORTER, Action.LONGER, Action.TONE)}
_RECORD_KEYS = {"task", "lang", "format", "category", "brief", "output", "outputs", "follow_ups"}


@dataclass(frozen=True)
class FollowUp:
    """A user turn after the reply and the assistant's answer to it.

    `instruction` is the exact user turn the model sees: a button's text from the skill
    (`Skill.follow_up`) or the free text the user typed.
    """

    instruction: str
    output: str


@dataclass(frozen=True)
class Example:
    """One hand-written brief and the completion the core's skill asks for."""

    task: str  # "ad" | "tagline" | "brainstorm" | "script" | "chat"
    lang: Lang  # "zh" | "en"
    category: str  # canonical Chinese category name, e.g. "服装"
    brief: str  # what the user types after the command; for chat, the whole message
    output: str  # exactly one completion (for ad: one variant)
    follow_ups: tuple[FollowUp, ...] = ()
    format: str | None = None  # the platform format's canonical name ("weibo"), ad and tagline

    @property
    def skill(self) -> Skill:
        """The core's skill that answers this example's request, with its format."""
        return skill_of(self.task, self.format)


def skill_of(task: str, fmt: str | None) -> Skill:
    """The skill of `task` writing for the format named `fmt` (None: no platform)."""
    return get_skill(task).with_format(get_format(fmt) if fmt else None)


class AuthoredDataError(ValueError):
    """A record in the authored data is malformed; the message names the file and line."""


def data_files() -> list[Traversable]:
    """The packaged authored data files, sorted by name."""
    folder = files("muse.training") / "data" / "authored"
    return sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)


def load_examples() -> list[Example]:
    """Every example in the packaged data files, validated, in file order.

    Raises AuthoredDataError naming the file and line of the first invalid record, or of an
    output written twice.
    """
    examples: list[Example] = []
    seen: dict[str, str] = {}  # output → where it was first written
    for entry in data_files():
        examples.extend(parse_file(entry.name, entry.read_text(encoding="utf-8"), seen))
    return examples


def parse_file(
    name: str,
    text: str,
    seen: dict[str, str] | None = None,
    problems: list[str] | None = None,
) -> list[Example]:
    """The examples of one data file's text; `seen` maps outputs already read to their place.

    Raises AuthoredDataError at the first invalid record, or, when `problems` is given, appends
    each one's message there and goes on with the next record.
    """
    seen = {} if seen is None else seen
    examples: list[Example] = []
    for line, record in _records(name, text):
        where = f"{name} line {line}"
        try:
            found = parse_record(record)
            for example in found:
                for out in (example.output, *(f.output for f in example.follow_ups)):
                    if out in seen:
                        raise ValueError(f"output repeats {seen[out]}: {out!r}")
            for example in found:
                for out in (example.output, *(f.output for f in example.follow_ups)):
                    seen[out] = where
        except ValueError as exc:
            if problems is None:
                raise AuthoredDataError(f"{where}: {exc}") from None
            problems.append(f"{where}: {exc}")
            continue
        examples.extend(found)
    return examples


def _records(name: str, text: str) -> list[tuple[int, Any]]:
    """(1-based line, record) for each item of the file's top-level list."""
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise AuthoredDataError(f"{name}: not valid YAML: {exc}") from None
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise AuthoredDataError(f"{name}: expected a list of records at the top level")
    constructor = SafeConstructor()
    return [
        (node.start_mark.line + 1, constructor.construct_object(node, deep=True))
        for node in root.value
    ]


def parse_record(record: Any) -> list[Example]:
    """The examples of one record; ValueError with a readable reason when it is invalid."""
    if not isinstance(record, dict):
        raise ValueError("a record must be a mapping with task, category, brief and output")
    unknown = set(record) - _RECORD_KEYS
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}; allowed: {sorted(_RECORD_KEYS)}")
    task = _text(record, "task")
    if task not in TASKS:
        raise ValueError(f"task {task!r} is not one of {', '.join(TASKS)}")
    lang = record.get("lang", "zh")
    if lang not in LANGS:
        raise ValueError(f"lang {lang!r} is not zh or en")
    fmt = record.get("format")
    if fmt is not None:
        if not get_skill(task).takes_formats:
            raise ValueError(f"a {task} record takes no `format`")
        try:
            fmt = get_format(_clean(fmt, "format")).name
        except KeyError:
            raise ValueError(f"format {fmt!r} is not one of core/formats.py's names") from None
    skill = skill_of(task, fmt)
    category = _text(record, "category")
    if category not in sector_of():
        raise ValueError(f"category {category!r} is not in data/categories.yaml")
    brief = _text(record, "brief")
    if detect_language(brief) != lang:
        raise ValueError(f"the core detects the brief {brief!r} as {detect_language(brief)}")
    outputs = _outputs(record, task)
    follow_ups: list[FollowUp] = []
    for item in record.get("follow_ups") or ():
        # Each follow-up is under the reply before it: find that reply's skill and language.
        steps = follow_up_steps(task, lang, tuple(follow_ups), fmt)
        under = skill_of(steps[-1].skill, steps[-1].format) if steps else skill
        request_lang = detect_language(follow_ups[-1].instruction) if follow_ups else lang
        follow_ups.append(_follow_up(item, under, request_lang))
    for text in (brief, *outputs):
        _check_lint(text)
    for out in outputs:
        problem = skill.structure_problem(out, lang)
        if problem:
            raise ValueError(f"{task} output breaks the structure ({problem}): {out!r}")
    return [
        Example(task, lang, category, brief, out, tuple(follow_ups) if i == 0 else (), fmt)
        for i, out in enumerate(outputs)
    ]


def _outputs(record: dict[str, Any], task: str) -> list[str]:
    """The record's completions: three for ad (`outputs`), one otherwise (`output`)."""
    if task == "ad":
        outputs = record.get("outputs")
        if not isinstance(outputs, list) or len(outputs) != AdSkill.n:
            raise ValueError(f"an ad record needs `outputs`: a list of {AdSkill.n} variants")
        if "output" in record:
            raise ValueError("an ad record takes `outputs`, not `output`")
        return [_clean(o, "outputs") for o in outputs]
    if "outputs" in record:
        raise ValueError(f"a {task} record takes one `output`, not `outputs`")
    return [_text(record, "output")]


def _follow_up(item: Any, skill: Skill, lang: Lang) -> FollowUp:
    """One follow-up under a reply of `skill` whose request was in `lang`.

    A button is answered by that same skill, so its output keeps the skill's structure; free
    text is answered by chat.
    """
    if not isinstance(item, dict) or "output" not in item or len(item) != 2:
        raise ValueError("a follow-up is {button: NAME, output: ...} or {ask: TEXT, output: ...}")
    output = _text(item, "output")
    _check_lint(output)
    if "button" in item:
        button = item["button"]
        if button not in BUTTONS:
            raise ValueError(f"button {button!r} is not one of {', '.join(BUTTONS)}")
        problem = skill.structure_problem(output, lang)
        if problem:
            raise ValueError(f"{button} follow-up breaks the {skill.name} structure ({problem})")
        return FollowUp(skill.follow_up(BUTTONS[button], lang), output)
    if "ask" not in item:
        raise ValueError("a follow-up needs `button` or `ask`")
    instruction = _text(item, "ask")
    if instruction in _button_texts():
        raise ValueError(f"{instruction!r} is what a button sends; write `button:` instead")
    _check_lint(instruction)
    problem = get_skill("chat").structure_problem(output, detect_language(instruction))
    if problem:
        raise ValueError(f"follow-up answer {problem}")
    return FollowUp(instruction, output)


@dataclass(frozen=True)
class Step:
    """How the core answers one follow-up (muse/core/assistant.py `_action` and `_dispatch`)."""

    follow_up: FollowUp
    skill: str  # a button keeps the skill of the reply it is under; typed text is chat
    lang: Lang  # the language the core answers in
    button: bool
    format: str | None = None  # a button under a formatted reply keeps its format


def follow_up_steps(
    task: str, lang: Lang, follow_ups: tuple[FollowUp, ...], fmt: str | None = None
) -> tuple[Step, ...]:
    """The follow-ups of a `task` reply (for format `fmt`) to a request in `lang`, as the core
    would answer them.

    A button answers in the language of the request it is under; typed text in its own.
    """
    steps: list[Step] = []
    skill, request_lang = task, lang
    for follow_up in follow_ups:
        if follow_up.instruction in _button_texts():
            steps.append(Step(follow_up, skill, request_lang, True, fmt))
        else:
            skill, fmt = "chat", None
            steps.append(Step(follow_up, skill, detect_language(follow_up.instruction), False))
        request_lang = detect_language(follow_up.instruction)
    return tuple(steps)


@cache
def _button_texts() -> frozenset[str]:
    """Every text a button sends, for every skill and language."""
    return frozenset(
        get_skill(task).follow_up(action, lang)
        for task in TASKS
        for action in BUTTONS.values()
        for lang in LANGS
    )


def _text(mapping: dict[str, Any], key: str) -> str:
    """A required non-empty string field."""
    if key not in mapping:
        raise ValueError(f"missing `{key}`")
    return _clean(mapping[key], key)


def _clean(value: Any, key: str) -> str:
    """`value` as stripped text; ValueError when it is not a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"`{key}` must be non-empty text")
    return value.strip()


def _check_lint(text: str) -> None:
    """ValueError when the core's ad-law lint flags `text`."""
    hits = default_linter().find(text)
    if hits:
        raise ValueError(f"ad-law lint flags {'、'.join(hits)} in {text!r}")
