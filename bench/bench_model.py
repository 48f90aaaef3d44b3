"""A random Llama chat checkpoint for benchmarks, built offline in seconds (tests/tiny_model.py's
pattern, larger): a byte-level BPE with ChatML, trained on generated Chinese/English text.

Sizes: "small" (width 256, 6 layers, ~4k vocab) for CPU runs; "large" (width 1024, 16 layers,
GQA 16/4 heads, ~8k vocab, ~230M parameters) for GPU runs, where a tiny model would measure only
kernel-launch overhead.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' model builder
from tests.tiny_model import build_random_chat_model

SIZES = {
    "small": {"width": 256, "layers": 6, "heads": 4, "kv_heads": 2, "vocab": 4096},
    "large": {"width": 1024, "layers": 16, "heads": 16, "kv_heads": 4, "vocab": 8192},
}


_WORDS = (
    "autumn",
    "coffee",
    "jacket",
    "launch",
    "light",
    "warm",
    "city",
    "travel",
    "tea",
    "run",
    "new",
    "style",
    "daily",
    "go",
)


def corpus(lines: int, seed: int = 0) -> list[str]:
    """Lines of random common CJK characters and English words: enough variety for a BPE of
    several thousand merges (the tests' phrase list saturates near 500)."""
    rng = random.Random(seed)
    out = []
    for _ in range(lines):
        zh = "".join(chr(rng.randint(0x4E00, 0x4E00 + 1500)) for _ in range(rng.randint(4, 16)))
        en = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 8)))
        out.append(f"{zh}，{en}。")
    return out


def build_bench_model(path: Path, size: str = "small") -> Path:
    """Write the random checkpoint + tokenizer of `size` to `path`; return `path`."""
    dims = SIZES[size]
    return build_random_chat_model(
        path,
        width=dims["width"],
        layers=dims["layers"],
        heads=dims["heads"],
        kv_heads=dims["kv_heads"],
        # SwiGLU's usual 8/3 width, rounded down to a multiple of 64.
        intermediate=dims["width"] * 8 // 3 // 64 * 64,
        vocab=dims["vocab"],
        corpus=corpus(6000),
    )
