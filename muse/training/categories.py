"""The category index (`muse/training/data/categories.yaml`): every category and its sector.

Authored records name a category from this index; evaluation holds out a fixed-seed sample of
it (corpus.py), and statistics are reported per sector (datastats.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

KINDS = ("products", "services", "places", "apps", "causes", "b2b", "events", "shops")


@dataclass(frozen=True)
class Sector:
    """A parent sector: its Chinese name, the file prefix of its data, its kind, its categories."""

    name: str
    slug: str
    kind: str
    categories: tuple[str, ...]


class CategoryIndexError(ValueError):
    """The index is malformed; the message says where."""


@cache
def load_index() -> tuple[Sector, ...]:
    """The packaged index, validated (loaded once)."""
    text = (files("muse.training") / "data" / "categories.yaml").read_text(encoding="utf-8")
    return parse_index(yaml.load(text, Loader=yaml.CSafeLoader))


def parse_index(data: Any) -> tuple[Sector, ...]:
    """Sectors from the index's YAML data; CategoryIndexError when it is malformed."""
    if not isinstance(data, list):
        raise CategoryIndexError("the index is a list of sectors")
    sectors: list[Sector] = []
    seen: dict[str, str] = {}
    for item in data:
        if not isinstance(item, dict) or set(item) != {"sector", "slug", "kind", "categories"}:
            raise CategoryIndexError(f"a sector has sector, slug, kind and categories: {item!r}")
        name, kind, cats = str(item["sector"]), str(item["kind"]), item["categories"]
        if kind not in KINDS:
            raise CategoryIndexError(f"{name}: kind {kind!r} is not one of {', '.join(KINDS)}")
        if not isinstance(cats, list) or not cats:
            raise CategoryIndexError(f"{name}: categories must be a non-empty list")
        for category in map(str, cats):
            if category in seen:
                raise CategoryIndexError(f"{category} is listed under {seen[category]} and {name}")
            seen[category] = name
        sectors.append(Sector(name, str(item["slug"]), kind, tuple(map(str, cats))))
    return tuple(sectors)


@cache
def sector_of() -> dict[str, str]:
    """Category → its sector's name, for every indexed category."""
    return {c: s.name for s in load_index() for c in s.categories}
