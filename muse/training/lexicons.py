"""Per-category lexicons in `muse/training/data/lexicons/*.yaml`: details a brief can carry.

A file maps category → language → facet → entries, plus optional `_contexts` (task → language →
phrases after a brief), `_framings` (task → language → words before a brief, "客户需求：") and
`_openers` (language → greetings a chat message may start with):

    服装:
      zh:
        attributes: [主打轻薄 ~ 轻薄 轻盈, 防风面料 ~ 防风 挡风]
        selling_points: [...]
        audiences: [适合通勤上班族 ~ 通勤 上班]
        occasions: [...]
        tones: [...]
    _contexts:
      ad:
        zh: [用于社交媒体投放]

An entry is "phrase ~ cue cue …": the phrase is what the composer appends to a brief, the cues
are the words whose presence in a completion shows the completion already reflects it (without
"~" the phrase is its own cue). Contexts (where the copy runs), framings (who is asking) and
openers (a greeting) are neutral: any completion suits them, so they have no cues.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

FACETS = ("attributes", "selling_points", "audiences", "occasions", "tones")
# Words that name what a category sells ("跑鞋", "running shoes"): never appended to a brief,
# they tell when copy for one category talks about another's product (drift).
NOUNS = "nouns"
CONTEXTS_KEY = "_contexts"
OPENERS_KEY = "_openers"
FRAMINGS_KEY = "_framings"


@dataclass(frozen=True)
class Detail:
    """One thing a brief can say, and the words that show a completion reflects it."""

    facet: str  # one of FACETS, or "context"
    phrase: str
    cues: tuple[str, ...]

    def reflected_in(self, text: str) -> bool:
        """True when `text` contains any cue (English cues as whole words, ignoring case)."""
        return any(_cue_pattern(cue).search(text) for cue in self.cues)


@dataclass(frozen=True)
class Lexicons:
    """Details per (category, lang) and neutral contexts per (task, lang)."""

    details: dict[tuple[str, str], tuple[Detail, ...]]
    contexts: dict[tuple[str, str], tuple[Detail, ...]]
    openers: dict[str, tuple[str, ...]]  # lang → greetings put before a chat message
    framings: dict[tuple[str, str], tuple[str, ...]]  # (task, lang) → what precedes a brief
    nouns: dict[tuple[str, str], tuple[str, ...]]  # (category, lang) → its product nouns

    def categories(self) -> list[str]:
        """The categories with a lexicon, sorted."""
        return sorted({category for category, _ in self.details})

    def matching(self, category: str, lang: str, text: str) -> tuple[Detail, ...]:
        """The category's details that `text` reflects."""
        return tuple(d for d in self.details.get((category, lang), ()) if d.reflected_in(text))


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and the entry."""


@cache
def load_lexicons() -> Lexicons:
    """All packaged lexicon files, merged and validated (loaded once)."""
    details: dict[tuple[str, str], list[Detail]] = {}
    contexts: dict[tuple[str, str], list[Detail]] = {}
    openers: dict[str, list[str]] = {}
    framings: dict[tuple[str, str], list[str]] = {}
    nouns: dict[tuple[str, str], list[str]] = {}
    folder = files("muse.training") / "data" / "lexicons"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            data = yaml.load(entry.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            _merge(data or {}, details, contexts, openers, framings, nouns)
        except (yaml.YAMLError, ValueError) as exc:
            raise LexiconError(f"{entry.name}: {exc}") from None
    return Lexicons(
        {k: tuple(v) for k, v in details.items()},
        {k: tuple(v) for k, v in contexts.items()},
        {k: tuple(v) for k, v in openers.items()},
        {k: tuple(v) for k, v in framings.items()},
        {k: tuple(v) for k, v in nouns.items()},
    )


def _merge(
    data: Any,
    details: dict[tuple[str, str], list[Detail]],
    contexts: dict[tuple[str, str], list[Detail]],
    openers: dict[str, list[str]],
    framings: dict[tuple[str, str], list[str]],
    nouns: dict[tuple[str, str], list[str]],
) -> None:
    """Add one file's categories, contexts, openers and framings to the running tables."""
    for category, by_key in _mapping(data, "the file").items():
        if category == FRAMINGS_KEY:
            for task, by_lang in _mapping(by_key, FRAMINGS_KEY).items():
                for lang, entries in _mapping(by_lang, f"{FRAMINGS_KEY}.{task}").items():
                    where = f"{FRAMINGS_KEY}.{task}.{lang}"
                    framings.setdefault((task, _lang(lang, where)), []).extend(
                        _strings(entries, where)
                    )
            continue
        if category == OPENERS_KEY:
            for lang, entries in _mapping(by_key, OPENERS_KEY).items():
                openers.setdefault(_lang(lang, OPENERS_KEY), []).extend(
                    _strings(entries, f"{OPENERS_KEY}.{lang}")
                )
            continue
        if category == CONTEXTS_KEY:
            # Under _contexts the second level is the task and the third the language.
            for task, by_lang in _mapping(by_key, CONTEXTS_KEY).items():
                for lang, entries in _mapping(by_lang, f"{CONTEXTS_KEY}.{task}").items():
                    where = f"{CONTEXTS_KEY}.{task}.{lang}"
                    contexts.setdefault((task, _lang(lang, where)), []).extend(
                        Detail("context", phrase.strip(), ()) for phrase in _strings(entries, where)
                    )
            continue
        for lang, facets in _mapping(by_key, category).items():
            where = f"{category}.{_lang(lang, category)}"
            for facet, entries in _mapping(facets, where).items():
                if facet == NOUNS:
                    nouns.setdefault((category, lang), []).extend(
                        n.strip() for n in _strings(entries, f"{where}.{facet}")
                    )
                    continue
                if facet not in FACETS:
                    raise ValueError(
                        f"{where}: facet {facet!r} is not {NOUNS} or one of {', '.join(FACETS)}"
                    )
                details.setdefault((category, lang), []).extend(
                    parse_entry(facet, e) for e in _strings(entries, f"{where}.{facet}")
                )


def parse_entry(facet: str, entry: str) -> Detail:
    """ "phrase ~ cue cue" (or a bare phrase, its own cue) as a Detail."""
    phrase, _, cues = entry.partition("~")
    phrase = phrase.strip()
    words = tuple(cues.split()) or (phrase,)
    if not phrase:
        raise ValueError(f"entry {entry!r} has no phrase")
    return Detail(facet, phrase, words)


def _lang(lang: Any, where: str) -> str:
    if lang not in ("zh", "en"):
        raise ValueError(f"{where}: language {lang!r} is not zh or en")
    return str(lang)


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected a mapping")
    return value


def _strings(value: Any, where: str) -> Iterable[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: expected a list of non-empty strings")
    return value


@cache
def _cue_pattern(cue: str) -> re.Pattern[str]:
    """Substring for Chinese cues; whole words, any case, for cues in ASCII letters."""
    if cue.isascii():
        return re.compile(rf"(?<![A-Za-z]){re.escape(cue)}(?![A-Za-z])", re.IGNORECASE)
    return re.compile(re.escape(cue))
