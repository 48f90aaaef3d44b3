"""Brief-grounded ad copy and taglines, built from the authored briefs and generic frames.

The hand-written ads (authored.py) are good copy, but fewer than half of them repeat the
product their brief names, and a small model trained on ~700 of them recalls them instead of
reading the brief. Here every output is assembled from the brief it answers: the product and a
selling point are copied from the brief into frames (`data/phrasebook/frames.yaml`), and brands are
drawn fresh for each brief, so the only way to predict them is to read them. Products and
selling points come from the training categories' authored briefs and lexicons only; held-out
categories stay unseen.

Each result is an `Example` like an authored one (ad: three per brief, one variant each), so the
composer (compose.py) turns them into dialogues exactly as the core sends them, and every output
passes the same structure check and ad-law lint.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache, partial
from importlib.resources import files
from typing import Any

import yaml

from muse.core.adlaw import default_linter
from muse.core.brief import product_and_points
from muse.core.language import detect_language
from muse.core.messages import Lang
from muse.core.skills.ad import AdSkill
from muse.core.skills.registry import get_skill
from muse.core.skills.tagline import TAGLINES, fits
from muse.training.authored import Example
from muse.training.lexicons import load_lexicons
from muse.training.textmetrics import product_mention

BRAND_SHARE = 0.5  # briefs that name a brand
OWN_POINT_SHARE = 0.7  # briefs whose points come from the product's own authored brief
SECOND_POINT_SHARE = 0.35  # briefs with two selling points
AUDIENCE_SHARE = 0.3  # briefs that also say who it is for
TAGLINE_SHARE = 0.3  # of the briefs, how many ask for taglines (the rest for ads)
EN_SHARE = 0.2  # English briefs, as in the composed dialogues
NAMED_TAGLINES = (1, 2)  # taglines per reply that carry the brand or product
BODY_EXTRA = 0.6  # ad bodies with a second sentence (feel or close) after the first


@dataclass(frozen=True)
class _Catalogue:
    """Products and selling points per (category, lang), from the training categories."""

    products: dict[tuple[str, Lang], list[str]]
    own_points: dict[str, list[str]]  # product → the points its authored brief gives
    chars: list[str]  # the Chinese characters of the authored texts, for invented brands
    # The category's lexicon attributes and selling points.
    points: dict[tuple[str, Lang], list[str]]
    audiences: dict[tuple[str, Lang], list[str]]


@cache
def _frames() -> dict[str, Any]:
    text = (files("muse.training") / "data" / "phrasebook" / "frames.yaml").read_text(
        encoding="utf-8"
    )
    return yaml.load(text, Loader=yaml.CSafeLoader)


def generate(
    examples: Sequence[Example], categories: Collection[str], count: int, seed: int
) -> list[Example]:
    """Up to `count` briefs' worth of ad/tagline Examples for `categories`, fixed per seed."""
    catalogue = _catalogue(examples, categories)
    keys = sorted(catalogue.products)
    if not keys:
        return []
    rng = random.Random(seed)
    linter = default_linter()
    made: list[Example] = []
    seen: set[str] = set()
    for _ in range(count * 3):
        if len(seen) >= count:
            break
        lang: Lang = "en" if rng.random() < EN_SHARE else "zh"
        mine = [k for k in keys if k[1] == lang] or keys
        category, lang = rng.choice(mine)
        task = "tagline" if rng.random() < TAGLINE_SHARE else "ad"
        brief, name, brand, product, points = _brief(catalogue, category, lang, rng)
        if not brief or brief in seen or detect_language(brief) != lang:
            continue
        if task == "ad":
            outputs = _distinct(partial(_ad, lang, name, points, rng), AdSkill.n)
        else:
            tagline = _tagline(lang, brand, product, rng)
            outputs = [tagline] if tagline else []
        if not outputs or any(
            get_skill(task).structure_problem(o, lang) or linter.find(o) or linter.find(brief)
            for o in outputs
        ):
            continue
        seen.add(brief)
        made += [Example(task, lang, category, brief, o) for o in outputs]
    return made


def _catalogue(examples: Sequence[Example], categories: Collection[str]) -> _Catalogue:
    products: dict[tuple[str, Lang], set[str]] = defaultdict(set)
    own: dict[str, set[str]] = defaultdict(set)
    points: dict[tuple[str, Lang], set[str]] = defaultdict(set)
    for e in examples:
        if e.category in categories and e.task in ("ad", "tagline"):
            product, found = product_and_points(e.brief, e.lang)
            # A first clause with no product words ("Hi, Kettlebird here. …") names nothing
            # a copy could repeat: it would make a brief whose product no output can mention.
            if product and product_mention(product, e.lang, [product]) == 1.0:
                products[(e.category, e.lang)].add(product)
                own[product].update(found)
    audiences: dict[tuple[str, Lang], list[str]] = {}
    for (category, lang), details in load_lexicons().details.items():
        key = (category, lang)
        if category not in categories or key not in products:
            continue
        for d in details:
            if d.facet in ("attributes", "selling_points"):
                points[key].add(d.phrase)
        audiences[key] = sorted(d.phrase for d in details if d.facet == "audiences")
    chars = sorted({ch for e in examples for ch in e.brief + e.output if _is_han(ch)})
    return _Catalogue(
        {k: sorted(v) for k, v in products.items()},
        {k: sorted(v) for k, v in own.items()},
        chars,
        {k: sorted(v) for k, v in points.items()},
        audiences,
    )


def _brief(
    catalogue: _Catalogue, category: str, lang: Lang, rng: random.Random
) -> tuple[str, str, str, str, list[str]]:
    """(brief, name, brand, product, points) for one drawn product."""
    key = (category, lang)
    product = rng.choice(catalogue.products[key])
    # Mostly the product's own points, so brief and copy agree; sometimes the category's.
    own = catalogue.own_points.get(product, [])
    pool = own if own and rng.random() < OWN_POINT_SHARE else catalogue.points.get(key, own)
    pool = [p for p in pool if p not in product]
    if not pool:
        return "", "", "", "", []
    points = rng.sample(pool, k=min(len(pool), 2 if rng.random() < SECOND_POINT_SHARE else 1))
    brand = _brand(lang, catalogue.chars, rng) if rng.random() < BRAND_SHARE else ""
    audiences = catalogue.audiences.get(key, [])
    extra = [rng.choice(audiences)] if audiences and rng.random() < AUDIENCE_SHARE else []
    extra = [e for e in extra if e not in points]
    if lang == "zh":
        head = f"「{brand}」{product}" if brand and rng.random() < 0.7 else product
        if brand and head == product:
            head = f"{product}「{brand}」"
        brief = "，".join([head, *points, *extra])
        name = f"{brand}{product}"
    else:
        brief = ", ".join([product, *points, *extra]) + (f", brand {brand}" if brand else "")
        product = product if product[1:2].isupper() else product[:1].lower() + product[1:]
        name = f"{brand} {product}" if brand else f"the {product}"
    return brief, name, brand, product, points


def _brand(lang: Lang, chars: list[str], rng: random.Random) -> str:
    """An invented brand: two characters, or an English word or coined word and a tail."""
    frames = _frames()["brands"]
    if lang == "zh":
        return "".join(rng.sample(chars, 2))
    first = rng.choice(frames["en"]) if rng.random() < 0.5 else _word(rng)
    return f"{first} {rng.choice(frames['en_tail'])}"


def _word(rng: random.Random) -> str:
    """A pronounceable made-up word: "Zorvela"."""
    syllables = _frames()["brands"]["syllables"]
    return "".join(rng.choices(syllables, k=rng.randint(2, 3))).capitalize()


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _distinct(make: Callable[[], str], n: int) -> list[str]:
    """n different outputs of `make`, or [] when ten tries do not find them."""
    found: list[str] = []
    for _ in range(n * 10):
        text = make()
        if text not in found:
            found.append(text)
        if len(found) == n:
            return found
    return []


def _fill(frame: str, lang: Lang, **slots: str) -> str:
    text = frame.format(**slots)
    return text[:1].upper() + text[1:] if lang == "en" else text


def _ad(lang: Lang, name: str, points: list[str], rng: random.Random) -> str:
    """Headline line + body line; the product is named in one of them or both."""
    frames = _frames()["ad"][lang]
    hook = rng.choice(frames["hooks"])
    headline = _fill(rng.choice(frames["headlines"]), lang, name=name, hook=hook)
    named_headline = name in headline
    kind = "plain" if named_headline and rng.random() < 0.5 else "named"
    point = rng.choice(points)
    feel = rng.choice(frames["feels"])
    body = [_fill(rng.choice(frames[kind]), lang, name=name, point=point, feel=feel)]
    if rng.random() < BODY_EXTRA:
        body.append(rng.choice(frames["closes"]))
    separator = "" if lang == "zh" else " "
    return f"{headline}\n{separator.join(body)}"


def _tagline(lang: Lang, brand: str, product: str, rng: random.Random) -> str:
    """Five taglines, one or two of them naming the brand or product; '' if none fits."""
    frames = _frames()["tagline"][lang]
    usable = [f for f in frames["named"] if brand or "{brand}" not in f]
    shorts = rng.sample(frames["shorts"], k=TAGLINES)
    wanted = rng.choice(NAMED_TAGLINES)
    named: list[str] = []
    for frame in rng.sample(usable, k=len(usable)):
        line = _fill(frame, lang, brand=brand, product=product, short=rng.choice(shorts))
        if fits(line, lang) and line not in named:
            named.append(line)
        if len(named) == wanted:
            break
    if not named:
        return ""
    lines = named + [s for s in shorts if all(s not in n for n in named)][: TAGLINES - len(named)]
    rng.shuffle(lines)
    return "\n".join(lines)
