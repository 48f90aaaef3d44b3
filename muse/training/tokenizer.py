"""`muse train tokenizer`: a byte-level BPE over the whole training mix, with ChatML's tokens.

Byte-level (GPT-2's scheme): the 256 bytes are the base alphabet, so every string encodes —
any character, emoji or unseen script falls back to its UTF-8 bytes — and llama.cpp's converter
handles it as a GPT-2-style BPE. No normalizer and no prefix space: the text is already NFC
(textclean.py) and Chinese has no spaces to mark word starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import AutoTokenizer, PreTrainedTokenizerFast

from muse.training.chatml import CHAT_TEMPLATE, END_OF_TEXT, IM_END, IM_START, SPECIAL_TOKENS
from muse.training.jsonl import read_jsonl
from muse.training.textclean import han_count

REPORT = "report.json"


def training_texts(corpus: Path) -> Iterator[str]:
    """The whole mix: pretraining documents and every distinct SFT message.

    Messages are taken once each, so the fixed system prompts repeated in every dialogue do not
    spend the vocabulary on themselves.
    """
    for record in read_jsonl(corpus / "pretrain.jsonl"):
        yield record["text"]
    seen: set[str] = set()
    for record in read_jsonl(corpus / "sft-train.jsonl"):
        for message in record["messages"]:
            if message["content"] not in seen:
                seen.add(message["content"])
                yield message["content"]


def train_tokenizer(texts: Iterable[str], vocab_size: int, context: int) -> PreTrainedTokenizerFast:
    """A BPE of `vocab_size` tokens (specials included) learned from `texts`."""
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=True,
    )
    bpe.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token=END_OF_TEXT,
        eos_token=IM_END,
        pad_token=END_OF_TEXT,
        additional_special_tokens=[IM_START],
        chat_template=CHAT_TEMPLATE,
        clean_up_tokenization_spaces=False,
        model_max_length=context,
    )


def save_tokenizer(tokenizer: PreTrainedTokenizerFast, out: Path) -> None:
    """Tokenizer files with the chat template inside tokenizer_config.json, where every
    runtime (transformers, vLLM, llama.cpp's converter) looks for it."""
    tokenizer.save_pretrained(out, save_jinja_files=False)


def chars_per_token(tokenizer: Any, texts: Iterable[str]) -> dict[str, float]:
    """Characters per token on `texts`: all of them, and Han characters on Chinese documents."""
    chars = tokens = han = han_tokens = 0
    for text in texts:
        n = len(tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])
        chars += len(text)
        tokens += n
        if han_count(text) > len(text) / 2:
            han += han_count(text)
            han_tokens += n
    return {
        "chars_per_token": round(chars / max(tokens, 1), 3),
        "chinese_chars_per_token": round(han / max(han_tokens, 1), 3),
    }


def build_tokenizer(corpus: Path, out: Path, vocab_size: int, context: int) -> dict[str, Any]:
    """Train, save and report; the report (also `out/report.json`) has chars per token on the
    held-out pretraining documents, which the tokenizer never saw."""
    tokenizer = train_tokenizer(training_texts(corpus), vocab_size, context)
    save_tokenizer(tokenizer, out)
    reloaded = AutoTokenizer.from_pretrained(out, local_files_only=True)
    report = {"vocab_size": len(reloaded)} | chars_per_token(
        reloaded, (r["text"] for r in read_jsonl(corpus / "pretrain-val.jsonl"))
    )
    (out / REPORT).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report
