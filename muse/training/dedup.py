"""Exact and near-duplicate removal: a content key, then MinHash with LSH banding.

Near-duplicates are found as in Broder (1997) and "Deduplicating Training Data Makes Language
Models Better" (Lee et al., 2022): each document's set of character 5-grams is summarised by
64 min-hashes; documents sharing all 8 hashes of any of 8 bands are candidates (likely when
Jaccard similarity ≥ ~0.77), and a candidate whose estimated similarity is ≥ `threshold`
is dropped in favour of the first document seen.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator

import numpy as np
from tqdm import tqdm

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 8  # × 8 rows = PERMUTATIONS
_ROWS = PERMUTATIONS // BANDS


def content_key(text: str) -> bytes:
    """A digest of the letters, digits and ideographs of `text`, case folded: exact duplicates
    differing only in spacing or punctuation share it."""
    letters = "".join(ch for ch in text.casefold() if ch.isalnum())
    return hashlib.blake2b(letters.encode(), digest_size=16).digest()


class MinHasher:
    """Min-hash signatures with multiply-shift hashing (Dietzfelbinger et al., 1997)."""

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        # Odd 64-bit multipliers; uint64 products wrap modulo 2^64, the high 32 bits are the hash.
        self._a = rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)

    def signature(self, text: str) -> np.ndarray:
        """(PERMUTATIONS,) uint64 min-hashes of the character 5-grams of `text`."""
        grams = {text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}
        h = np.fromiter((zlib.crc32(g.encode()) for g in grams), np.uint64, len(grams))
        # (grams, 1) × (PERMUTATIONS,) → (grams, PERMUTATIONS); min over the grams.
        return ((h[:, None] * self._a + self._b) >> np.uint64(32)).min(axis=0)


def deduplicate(
    texts: Iterable[str], threshold: float = 0.8, seed: int = 0, desc: str = "dedup"
) -> Iterator[tuple[int, str | None]]:
    """(index, None) for each kept text, (index, "exact" | "near") for each dropped one."""
    for index, verdict, _ in matches(texts, threshold, seed, desc):
        yield index, verdict


def matches(
    texts: Iterable[str], threshold: float = 0.8, seed: int = 0, desc: str = "dedup"
) -> Iterator[tuple[int, str | None, int | None]]:
    """(index, verdict, index of the earlier text it duplicates) for each text, in order.

    The verdict is None for a kept text (and the earlier index None), "exact" or "near" for a
    duplicate of an earlier kept text.
    """
    hasher = MinHasher(seed)
    keys: dict[bytes, int] = {}
    buckets: list[dict[bytes, list[int]]] = [{} for _ in range(BANDS)]
    kept: list[np.ndarray] = []
    kept_index: list[int] = []  # position in `kept` → index in `texts`
    for index, text in enumerate(tqdm(texts, desc=desc, unit="doc", leave=False)):
        key = content_key(text)
        if key in keys:
            yield index, "exact", keys[key]
            continue
        keys[key] = index
        sig = hasher.signature(text)
        bands = [sig[b * _ROWS : (b + 1) * _ROWS].tobytes() for b in range(BANDS)]
        candidates = sorted({c for b, band in enumerate(bands) for c in buckets[b].get(band, ())})
        match = next((c for c in candidates if np.mean(kept[c] == sig) >= threshold), None)
        if match is not None:
            yield index, "near", kept_index[match]
            continue
        for b, band in enumerate(bands):
            buckets[b].setdefault(band, []).append(len(kept))
        kept.append(sig)
        kept_index.append(index)
        yield index, None, None
