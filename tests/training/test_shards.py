"""Packed shards: documents joined by a separator; SFT targets masked outside the replies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from muse.training.chatml import IM_END
from muse.training.jsonl import write_jsonl
from muse.training.shards import IGNORE, Mixture, TokenData, pack_corpus, separator_id
from tests.training.small_corpus import REPLIES, SENTENCES, write_small_corpus


def test_pretraining_documents_are_packed_with_separators(tmp_path: Path) -> None:
    tokenizer = write_small_corpus(tmp_path / "corpus")
    meta = pack_corpus(tmp_path / "corpus", tokenizer, tmp_path / "tokens")
    ids = np.fromfile(tmp_path / "tokens" / "pretrain-000.bin", dtype=np.uint16)
    assert meta["splits"]["pretrain"]["tokens"] == len(ids)
    assert (ids == separator_id(tokenizer)).sum() == len(SENTENCES) * 50
    first = tokenizer.decode(ids[: list(ids).index(separator_id(tokenizer))])
    assert first == SENTENCES[0]


def test_sft_mask_covers_the_replies_and_their_end_of_turn_only(tmp_path: Path) -> None:
    tokenizer = write_small_corpus(tmp_path / "corpus")
    pack_corpus(tmp_path / "corpus", tokenizer, tmp_path / "tokens")
    ids = np.fromfile(tmp_path / "tokens" / "sft-train-000.bin", dtype=np.uint16)
    mask = np.fromfile(tmp_path / "tokens" / "sft-train-000.mask", dtype=np.uint8)
    assert tokenizer.decode(ids[mask == 1]) == "".join(r + IM_END for r in REPLIES)


def test_windows_set_masked_targets_to_ignore(tmp_path: Path) -> None:
    tokenizer = write_small_corpus(tmp_path / "corpus")
    pack_corpus(tmp_path / "corpus", tokenizer, tmp_path / "tokens")
    data = TokenData(tmp_path / "tokens", "sft-train")
    x, y = data.sample(4, 16, np.random.default_rng(0))
    assert x.shape == y.shape == (4, 16)
    kept = y[y != IGNORE]
    assert len(kept) < y.numel()
    replies = tokenizer("".join(r + IM_END for r in REPLIES), add_special_tokens=False)["input_ids"]
    assert set(kept.tolist()) <= set(replies)


def test_a_mixture_draws_its_share_of_rows_from_the_drills(tmp_path: Path) -> None:
    tokenizer = write_small_corpus(tmp_path / "corpus")
    drill = "甲乙丙丁戊\n甲乙丙丁戊\n丙丁戊"
    write_jsonl(tmp_path / "corpus" / "drills.jsonl", [{"source": "drills", "text": drill}] * 40)
    meta = pack_corpus(tmp_path / "corpus", tokenizer, tmp_path / "tokens")
    assert meta["splits"]["drills"]["by_source"] == {"drills": meta["splits"]["drills"]["tokens"]}
    tokens = tmp_path / "tokens"
    mixed = Mixture(TokenData(tokens, "pretrain"), TokenData(tokens, "drills"), 0.25)
    x, y = mixed.sample(8, 12, np.random.default_rng(1))
    assert x.shape == y.shape == (8, 12)
    # A window may start or end inside a character's bytes: U+FFFD.
    drilled = [set(tokenizer.decode(row)) <= set("甲乙丙丁戊\n\ufffd<|endoftext|>") for row in x]
    assert drilled == [False] * 6 + [True] * 2
    with pytest.raises(ValueError, match="drill share"):
        Mixture(TokenData(tokens, "pretrain"), TokenData(tokens, "drills"), 1.0)
