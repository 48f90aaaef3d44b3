"""The core's product-noun table is the training lexicons' nouns (muse/training/nountable.py)."""

from __future__ import annotations

from muse.core.drift import NOUNS_FILE
from muse.training.lexicons import load_lexicons
from muse.training.nountable import noun_table, render


def test_the_shipped_table_matches_the_lexicons() -> None:
    assert NOUNS_FILE.read_text(encoding="utf-8") == render(), (
        "muse/core/data/product_nouns.json is out of date: run python -m muse.training.nountable"
    )


def test_every_category_with_nouns_is_in_the_table() -> None:
    table = noun_table()
    for (category, lang), nouns in load_lexicons().nouns.items():
        assert table[category][lang] == list(dict.fromkeys(nouns))
