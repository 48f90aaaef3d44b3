"""Measures of generated copy: brief coverage, diversity, repetition, structure, ad-law hits.

Words come from jieba (Chinese and English alike); distinct-n is Li et al. (2016), "A
Diversity-Promoting Objective Function for Neural Conversation Models".
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from types import ModuleType

from muse.core.brief import keywords, names_product, product_terms
from muse.core.drift import product_nouns
from muse.core.formats import get_format
from muse.core.messages import Lang
from muse.core.skills.brainstorm import IDEAS
from muse.core.skills.registry import get_skill
from muse.core.skills.script import MAX_SCENES, MIN_SCENES
from muse.core.skills.tagline import TAGLINES, fits

KEYWORDS = 5  # brief keywords checked for coverage


@cache
def _jieba() -> ModuleType:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def words(text: str) -> list[str]:
    """jieba's words of `text`, case folded, whitespace and punctuation left out."""
    return [w for w in _jieba().lcut(text.casefold()) if any(ch.isalnum() for ch in w)]


def brief_keywords(brief: str) -> list[str]:
    """The brief's top TF-IDF keywords, as the core's /analyze finds them."""
    return keywords(brief, KEYWORDS)


def product_mention(brief: str, lang: Lang, outputs: Sequence[str]) -> float | None:
    """Share of the outputs that name the brief's product (None for a brief without terms)."""
    terms = product_terms(brief, lang)
    if not terms or not outputs:
        return None
    return sum(names_product(o, terms) for o in outputs) / len(outputs)


def drift(brief: str, lang: Lang, outputs: Sequence[str]) -> float | None:
    """Share of the outputs that name another category's product (core/drift.py's nouns)."""
    if not outputs:
        return None
    nouns = product_nouns()
    return sum(bool(nouns.foreign(o, brief, lang)) for o in outputs) / len(outputs)


def keyword_coverage(brief: str, outputs: Sequence[str]) -> float | None:
    """Share of the brief's keywords found in the outputs (None for a brief without any)."""
    keywords = brief_keywords(brief)
    if not keywords:
        return None
    text = "\n".join(outputs).casefold()
    return sum(k.casefold() in text for k in keywords) / len(keywords)


def distinct(outputs: Sequence[str], n: int) -> float | None:
    """Distinct word n-grams over all n-grams across the variants of one request."""
    grams = [tuple(ws[i : i + n]) for ws in map(words, outputs) for i in range(len(ws) - n + 1)]
    return len(set(grams)) / len(grams) if grams else None


def repeated_4grams(text: str) -> float | None:
    """Share of the character 4-grams of `text` that occurred earlier in it (degenerate loops)."""
    chars = "".join(text.split())
    grams = [chars[i : i + 4] for i in range(len(chars) - 3)]
    return 1 - len(set(grams)) / len(grams) if grams else None


def structure_report(
    task: str,
    completions: Sequence[str],
    variants: Sequence[str],
    lang: Lang,
    fmt: str | None = None,
) -> dict[str, float | bool]:
    """Whether the reply has the shape its skill (and platform format `fmt`) asks for.

    `followed`: every completion passes the training data's own structure check; plus the count
    the skill promises (3 ads, 5 taglines, 8 ideas, 3–5 scenes) and, for taglines, the share
    within the length limit; with a format, `limits_kept`: the share of variants within every
    hard limit of the platform.
    """
    skill = get_skill(task).with_format(get_format(fmt) if fmt else None)
    report: dict[str, float | bool] = {
        "followed": all(skill.structure_problem(c.strip(), lang) is None for c in completions)
    }
    if fmt:
        kept = [not skill.marks(v, lang) for v in variants]
        report["limits_kept"] = sum(kept) / max(len(kept), 1)
    if task == "ad":
        report["count_ok"] = len(variants) == len(completions)
    elif task == "tagline":
        report["count_ok"] = len(variants) == TAGLINES
        report["within_length"] = sum(fits(v, lang) for v in variants) / max(len(variants), 1)
    elif task == "brainstorm":
        report["count_ok"] = len(variants) == IDEAS
    elif task == "script":
        report["count_ok"] = MIN_SCENES <= len(variants) <= MAX_SCENES
    return report
