"""Ad-law lint: find terms in ad copy that Chinese advertising law forbids or makes risky.

The shipped list (data/adlaw_terms.txt) cites its sources; deployments extend it with
`MUSE_ADLAW_EXTRA_TERMS` and `MUSE_ADLAW_TERMS_FILE`. A hit is a prompt to check the copy,
not a legal verdict: context decides, which is why the list also has an allow-list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from muse.core.messages import Lang

if TYPE_CHECKING:
    from muse.core.config import Settings

_ALLOW_SECTION = "[allow]"
_TERMS_SECTION = "[terms]"
# "# comment" or a lone "#"; "#1" is a term, not a comment.
_COMMENT = re.compile(r"#(?:\s|$)")
# Separators in `MUSE_ADLAW_EXTRA_TERMS`: commas (ASCII and full-width) and the enumeration comma.
_EXTRA_SEPARATORS = re.compile(r"[,，、]")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")


def parse_terms(text: str) -> tuple[list[str], list[str]]:
    """Terms and allowed words of a terms file's text (format described in the shipped file)."""
    terms: list[str] = []
    allowed: list[str] = []
    current = terms
    for raw in text.splitlines():
        line = raw.strip()
        if not line or _COMMENT.match(line):
            continue
        if line.lower() == _ALLOW_SECTION:
            current = allowed
        elif line.lower() == _TERMS_SECTION:
            current = terms
        else:
            current.append(line)
    return terms, allowed


def _pattern(term: str) -> str:
    """Regex for one term: flexible spaces and hyphens, no match inside an ASCII word."""
    body = "".join(
        r"[\s\-]+" if separator else re.escape(word).replace("'", "['’]")
        for separator, word in re.findall(r"([\s\-]+)|([^\s\-]+)", term)
    )
    before = r"(?<![A-Za-z0-9])" if _ASCII_ALNUM.match(term[0]) else ""
    after = r"(?![A-Za-z0-9])" if _ASCII_ALNUM.match(term[-1]) else ""
    return before + body + after


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex for any of `words`, longest first; None when there are none."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    if not ordered:
        return None
    return re.compile("|".join(f"(?:{_pattern(w)})" for w in ordered), re.IGNORECASE)


class AdLawLinter:
    """Finds flagged terms in text; allowed words mask the terms they contain."""

    def __init__(self, terms: Iterable[str], allowed: Iterable[str] = ()) -> None:
        self._terms = tuple(dict.fromkeys(t.strip() for t in terms if t.strip()))
        flagged = {t.casefold() for t in self._terms}
        # A term configured on purpose wins over the shipped allow-list.
        self._allowed = frozenset(
            a for a in (a.strip().casefold() for a in allowed) if a and a not in flagged
        )
        # One scan over terms and allowed words together: at each position the longest wins,
        # so "最近" consumes its "最" and "第一次" its "第一" before they can be flagged.
        self._regex = _alternation([*self._terms, *self._allowed])
        self._allowed_regex = _alternation(self._allowed)

    @property
    def terms(self) -> tuple[str, ...]:
        """The flagged terms, in the order they were loaded."""
        return self._terms

    @classmethod
    def load(cls, extra_terms: Iterable[str] = (), terms_file: Path | None = None) -> AdLawLinter:
        """The shipped list plus `extra_terms` and the terms (and [allow] words) of `terms_file`."""
        shipped = (files("muse.core") / "data" / "adlaw_terms.txt").read_text(encoding="utf-8")
        terms, allowed = parse_terms(shipped)
        terms.extend(extra_terms)
        if terms_file is not None:
            more_terms, more_allowed = parse_terms(terms_file.read_text(encoding="utf-8"))
            terms.extend(more_terms)
            allowed.extend(more_allowed)
        return cls(terms, allowed)

    @classmethod
    def from_settings(cls, settings: Settings) -> AdLawLinter:
        """`load` with `MUSE_ADLAW_EXTRA_TERMS` (comma separated) and `MUSE_ADLAW_TERMS_FILE`."""
        extra = _EXTRA_SEPARATORS.split(settings.adlaw_extra_terms)
        return cls.load(extra_terms=extra, terms_file=settings.adlaw_terms_file)

    def extended(self, terms: Iterable[str]) -> AdLawLinter:
        """This linter with `terms` flagged too (a brand voice's banned words)."""
        return AdLawLinter([*self._terms, *terms], self._allowed)

    def find(self, text: str) -> list[str]:
        """Flagged terms as they appear in `text`, each once (ignoring case), in order."""
        if self._regex is None:
            return []
        hits: dict[str, str] = {}
        for match in self._regex.finditer(text):
            found = match.group(0)
            if self._is_allowed(found):
                continue
            hits.setdefault(found.casefold(), found)
        return list(hits.values())

    def _is_allowed(self, found: str) -> bool:
        """True when the matched text is an allowed word rather than a term."""
        return self._allowed_regex is not None and self._allowed_regex.fullmatch(found) is not None


@cache
def default_linter() -> AdLawLinter:
    """The shipped list alone, loaded once."""
    return AdLawLinter.load()


def warning(flags: Sequence[str], lang: Lang) -> str:
    """The visible mark for flagged copy, e.g. "⚠️ 含广告法风险用语：最、第一（发布前请修改）"."""
    if lang == "zh":
        return f"⚠️ 含广告法风险用语：{'、'.join(flags)}（发布前请修改）"
    return f"⚠️ Possible ad-law issue: {', '.join(flags)} (edit before publishing)"
