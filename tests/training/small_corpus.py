"""A small fixed corpus directory, in the files `muse train corpus` writes, and its tokenizer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from muse.training.jsonl import write_jsonl
from muse.training.presets import StageConfig
from muse.training.tokenizer import train_tokenizer

SENTENCES = [
    "秋天的风衣，轻薄又防风。",
    "一杯冷萃咖啡，唤醒整个早晨。",
    "Light coats for windy autumn days.",
    "周末去山里走走，带上保温杯。",
]
# A short run of the loop on this corpus: enough steps for the loss to fall clearly.
CONFIG = StageConfig(
    steps=40,
    batch_size=8,
    grad_accum=2,
    seq_len=32,
    lr=3e-3,
    warmup_steps=4,
    eval_every=20,
    eval_batches=1,
    checkpoint_every=20,
)
REPLIES = ["冷萃，醒神", "风起时，有它在", "Hot tea, all day"]


def dialogue(reply: str) -> dict[str, Any]:
    messages = [
        {"role": "system", "content": "你是缪斯。"},
        {"role": "user", "content": "请写一条广告语。"},
        {"role": "assistant", "content": reply},
    ]
    return {
        "source": "test",
        "category": "测试",
        "task": "tagline",
        "lang": "zh",
        "messages": messages,
        "only_last": True,
    }


def write_small_corpus(out: Path) -> Any:
    """Write the corpus files into `out`; return a tokenizer trained on them."""
    out.mkdir(parents=True, exist_ok=True)
    docs = [{"source": "test", "text": s} for s in SENTENCES * 50]
    write_jsonl(out / "pretrain.jsonl", docs)
    write_jsonl(out / "pretrain-val.jsonl", docs[:20])
    write_jsonl(out / "sft-train.jsonl", [dialogue(r) for r in REPLIES])
    write_jsonl(out / "sft-heldout.jsonl", [dialogue(r) for r in REPLIES[:1]])
    return train_tokenizer(SENTENCES + REPLIES, vocab_size=320, context=256)
