"""Drift: copy for one product that names another category's product ("火锅底料" copy selling
"共享电单车"), the failure a copywriter notices first after a missing product name.

The nouns per category come from the training lexicons through `product_nouns.json` (written
by `python -m muse.training.nountable`). A noun counts as drift when the text names it, the
brief does not, and it is neither part of nor contains a noun of a category the brief names
("咖啡" in copy for a "咖啡机" is the brief's own product). Nouns too short to be told from
other words do not count: one Chinese character ("包" in "一包", "山"), or an English word under
four letters that is not an acronym ("run", "pay", "cut"; "SPF" and "BBQ" count).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

from muse.core.messages import Lang

NOUNS_FILE = files("muse.core") / "data" / "product_nouns.json"


class ProductNouns:
    """Every category's product nouns per language, matched all at once by one pattern."""

    def __init__(self, table: Mapping[str, Mapping[str, list[str]]]) -> None:
        self._categories: dict[tuple[Lang, str], set[str]] = {}  # (lang, noun) → categories
        self._nouns: dict[tuple[Lang, str], set[str]] = {}  # (lang, category) → its nouns
        for category, by_lang in table.items():
            for lang, nouns in by_lang.items():
                key: Lang = "en" if lang == "en" else "zh"
                for noun in filter(_distinctive, nouns):
                    folded = noun.casefold()
                    self._categories.setdefault((key, folded), set()).add(category)
                    self._nouns.setdefault((key, category), set()).add(folded)
        self._patterns = {lang: self._pattern(lang) for lang in ("zh", "en")}

    def _pattern(self, lang: Lang) -> re.Pattern[str]:
        nouns = sorted((n for (l_, n) in self._categories if l_ == lang), key=len, reverse=True)
        body = "|".join(map(re.escape, nouns)) or "(?!)"
        # English nouns as whole words; Chinese ones anywhere (no spaces between words).
        return re.compile(rf"(?<![a-z])(?:{body})(?![a-z])" if lang == "en" else body)

    def named(self, text: str, lang: Lang) -> set[str]:
        """The nouns `text` names (case-folded), longest match first."""
        return set(self._patterns[lang].findall(text.casefold()))

    def categories_of(self, text: str, lang: Lang) -> set[str]:
        """The categories whose nouns `text` names."""
        return {c for noun in self.named(text, lang) for c in self._categories[(lang, noun)]}

    def foreign(self, text: str, brief: str, lang: Lang) -> tuple[str, ...]:
        """The nouns of other categories that `text` names and its `brief` does not, sorted."""
        folded_brief = brief.casefold()
        own = {n for c in self.categories_of(brief, lang) for n in self._nouns[(lang, c)]}
        return tuple(
            sorted(
                noun
                for noun in self.named(text, lang)
                if noun not in folded_brief
                and not any(noun in mine or mine in noun for mine in own)
            )
        )


def _distinctive(noun: str) -> bool:
    """Long enough to mean the product wherever it appears."""
    if noun.isascii():
        return len(noun) >= 4 or noun.isupper()
    return len(noun) >= 2


@cache
def product_nouns() -> ProductNouns:
    """The packaged table (read once)."""
    return ProductNouns(json.loads(NOUNS_FILE.read_text(encoding="utf-8")))
