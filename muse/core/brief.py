"""What a brief is about: its brand and product, and whether a piece of copy names them.

Ad copy and taglines that never name the product are the first thing a copywriter throws away,
so the core redraws them (generation.py) and `muse train eval` counts them. The product is the
brief's first clause with the brand taken out; its words are jieba's TF-IDF keywords of that
clause (as `/analyze` finds them), or its longer words in English.
"""

from __future__ import annotations

import re

from muse.core.analysis import tfidf_keywords
from muse.core.llm.client import MAX_COPY_PHRASES
from muse.core.messages import Lang

KEYWORDS = 5  # TF-IDF keywords of the product clause that count as naming the product
ZH_BRAND = re.compile(r"「(.+?)」")
EN_BRAND = re.compile(r",?\s*\bbrand\s+([A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)")
_CLAUSE = re.compile(r"[，,；;。]")
_EN_CONNECTOR = re.compile(r"\s(?:for|with|that|sold|in|from|by|on|to)\s")
_EN_WORD = re.compile(r"[a-z][a-z'-]*")
_MAX_POINT = {"zh": 12, "en": 6}  # characters / words: longer clauses are not selling points
# Words of three letters or more that never name a product (shorter ones are skipped anyway).
_EN_STOPWORDS = frozenset({"the", "and", "for", "with", "new", "our", "your", "you", "from"})


def keywords(text: str, count: int = KEYWORDS) -> list[str]:
    """The top `count` TF-IDF keywords of `text`, as `/analyze` ranks them."""
    return [word for word, _ in tfidf_keywords(text)[:count]]


def product_and_points(brief: str, lang: Lang) -> tuple[str, tuple[str, ...]]:
    """The product a brief names (its first clause, brand removed) and its other short clauses.

    In English the product ends where a connector starts ("coat for commuters"): the rest of
    that clause is a point.
    """
    text = (ZH_BRAND if lang == "zh" else EN_BRAND).sub("", brief)
    clauses = [c.strip() for c in _CLAUSE.split(text) if c.strip()]
    if not clauses:
        return "", ()
    product, rest = clauses[0], clauses[1:]
    if lang == "en" and (found := _EN_CONNECTOR.search(product)):
        product, rest = product[: found.start()], [product[found.start() :].strip(), *rest]
    if lang == "zh":
        points = [c for c in rest if len(c) <= _MAX_POINT["zh"]]
    else:
        points = [c for c in rest if len(c.split()) <= _MAX_POINT["en"]]
    return product, tuple(p for p in points if p not in product)


def product_terms(brief: str, lang: Lang) -> list[str]:
    """Words that name the brief's product: its brand and the keywords of its product clause.

    "「松间」沐浴露，木质香调" → ["松间", "沐浴露"]. Loads jieba on first use (about a second):
    call it off the event loop.
    """
    brands = [*ZH_BRAND.findall(brief), *EN_BRAND.findall(brief)]
    product, _ = product_and_points(brief, lang)
    if lang == "zh":
        found = keywords(product) or [product]
    else:
        found = [w for w in _EN_WORD.findall(product.casefold()) if len(w) >= 3]
        found = [w for w in found if w not in _EN_STOPWORDS]
    return list(dict.fromkeys(t for t in [*brands, *found] if t))


def spellings(terms: list[str], lang: Lang) -> tuple[str, ...]:
    """How copy may spell the product's terms, for the engine's copy prior: Chinese as the brief
    has them; English also capitalised, and after a space (byte-level tokens carry it).

    Not the whole product clause: copied whole it made headlines run long and broke the ad's
    shape in 10 more of every 100 replies on held-out briefs. At most MAX_COPY_PHRASES, the
    first terms' (the brand's) first: a long brief must not make the request invalid.
    """
    if lang == "zh":
        return tuple(terms[:MAX_COPY_PHRASES])
    cases = (case for t in terms for case in (t, t[:1].upper() + t[1:]))
    found = dict.fromkeys(f"{space}{case}" for case in cases for space in ("", " "))
    return tuple(found)[:MAX_COPY_PHRASES]


def names_product(text: str, terms: list[str]) -> bool:
    """Whether `text` names any of `terms` (case-insensitive); True when there are none."""
    folded = text.casefold()
    return not terms or any(t.casefold() in folded for t in terms)


def warm_up() -> None:
    """Load jieba's dictionary and IDF table now (about a second), not in someone's first turn."""
    keywords("缪斯")
