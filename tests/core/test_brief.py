"""What a brief is about: product, selling points, the words that name the product."""

from __future__ import annotations

import subprocess
import sys

import pytest

from muse.core.brief import names_product, product_and_points, product_terms, spellings
from muse.core.llm.client import MAX_COPY_PHRASES


@pytest.mark.parametrize(
    ("brief", "lang", "product", "points"),
    [
        ("「松间」沐浴露，木质香调", "zh", "沐浴露", ("木质香调",)),
        ("古镇民宿「听雨」，临河小院", "zh", "古镇民宿", ("临河小院",)),
        (
            "Wool-blend winter coat for city commuters, brand North Lane",
            "en",
            "Wool-blend winter coat",
            ("for city commuters",),
        ),
        (
            "Budget airline, new weekend routes to coastal cities and islands",
            "en",
            "Budget airline",
            (),  # seven words: too long to repeat as a selling point
        ),
    ],
)
def test_product_and_points_split_a_brief(
    brief: str, lang: str, product: str, points: tuple[str, ...]
) -> None:
    assert product_and_points(brief, lang) == (product, points)  # type: ignore[arg-type]


def test_product_terms_are_the_brand_and_the_product_words() -> None:
    assert product_terms("「松间」沐浴露，木质香调", "zh") == ["松间", "沐浴露"]
    english = "Electric toothbrush with a two-minute timer, brand Quiet Peak"
    assert product_terms(english, "en") == ["Quiet Peak", "electric", "toothbrush"]
    assert product_terms("，", "zh") == []


def test_names_product_matches_any_term_ignoring_case() -> None:
    terms = ["Quiet Peak", "toothbrush"]
    assert names_product("A TOOTHBRUSH that times you", terms)
    assert names_product("quiet peak, every morning", terms)
    assert not names_product("Smile more", terms)
    assert names_product("anything at all", [])  # a brief without a product constrains nothing


def test_spellings_for_the_copy_prior() -> None:
    assert spellings(["松间", "沐浴露"], "zh") == ("松间", "沐浴露")
    assert spellings(["toothbrush"], "en") == (
        "toothbrush",
        " toothbrush",
        "Toothbrush",
        " Toothbrush",
    )


def test_warm_up_loads_the_dictionary_which_importing_does_not() -> None:
    # The product check needs jieba's words and IDF table, never its part-of-speech tagger.
    code = (
        "import sys; import muse.core.brief as b; before = 'jieba' in sys.modules; "
        "b.warm_up(); import jieba; "
        "print(before, jieba.dt.initialized, 'jieba.posseg' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["False", "True", "False"], result.stderr


def test_spellings_of_a_long_brief_stay_within_the_servers_limit() -> None:
    brief = (
        "Handmade leather wallet stitched waxed thread brass rivets vegetable tanned hide "
        "slim pocket travel cards coins notes gift box"
    )
    terms = product_terms(brief, "en")
    found = spellings(terms, "en")
    assert len(terms) * 4 > MAX_COPY_PHRASES and len(found) == MAX_COPY_PHRASES
    assert found[:4] == spellings(terms[:1], "en")  # the first terms keep their spellings
    assert len(spellings([f"词{i}" for i in range(40)], "zh")) == MAX_COPY_PHRASES
