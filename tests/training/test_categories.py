"""The category index: well formed, and the authored data stays inside it."""

from __future__ import annotations

import pytest

from muse.training.categories import CategoryIndexError, load_index, parse_index, sector_of


def test_the_index_lists_hundreds_of_categories_under_sectors() -> None:
    sectors = load_index()
    assert len({s.slug for s in sectors}) == len(sectors)
    assert len(sector_of()) >= 400
    assert sector_of()["咖啡"] == "饮品"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"sector": "x"}, "list of sectors"),
        ([{"sector": "x", "slug": "x", "kind": "things", "categories": ["a"]}], "kind"),
        ([{"sector": "x", "slug": "x", "kind": "shops", "categories": []}], "non-empty"),
        (
            [
                {"sector": "x", "slug": "x", "kind": "shops", "categories": ["a"]},
                {"sector": "y", "slug": "y", "kind": "shops", "categories": ["a"]},
            ],
            "listed under x and y",
        ),
    ],
)
def test_a_malformed_index_says_why(data: object, reason: str) -> None:
    with pytest.raises(CategoryIndexError, match=reason):
        parse_index(data)
