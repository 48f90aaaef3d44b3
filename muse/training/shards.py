"""Packed token shards: the corpus tokenized once into flat numpy memmaps, sampled in windows.

Pretraining documents are concatenated with a separator token between them (GPT-2's packing);
SFT dialogues likewise, with a parallel uint8 mask that is 1 on the tokens the loss is computed
on. Training draws random windows of seq_len + 1 tokens: inputs are the first seq_len, targets
the last seq_len (next-token prediction), masked targets set to -100, which cross-entropy skips.
Each shard holds at most SHARD_TOKENS tokens; `meta.json` records counts per split and source.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from muse.training.chatml import END_OF_TEXT, encode_dialogues
from muse.training.jsonl import read_jsonl

SHARD_TOKENS = 1 << 24  # 32 MiB of uint16 per shard
IGNORE = -100  # cross-entropy's ignore_index
META = "meta.json"
_BATCH = 512  # documents tokenized per call (the Rust tokenizer parallelises a batch)


def separator_id(tokenizer: Any) -> int:
    """The token between packed documents: <|endoftext|> when the vocabulary has it, else eos."""
    return tokenizer.get_vocab().get(END_OF_TEXT, tokenizer.eos_token_id)


class ShardWriter:
    """Appends token ids (and optionally a loss mask) into numbered shard files."""

    def __init__(self, out: Path, split: str, dtype: np.dtype, masked: bool) -> None:
        self._out, self._split, self._dtype, self._masked = out, split, dtype, masked
        self._ids: list[np.ndarray] = []
        self._mask: list[np.ndarray] = []
        self._pending = 0
        self.shards: list[str] = []
        self.tokens = 0

    def add(self, ids: list[int], mask: list[bool] | None = None) -> None:
        """Append one document's ids (and mask)."""
        self._ids.append(np.asarray(ids, dtype=self._dtype))
        if self._masked:
            self._mask.append(np.asarray(mask, dtype=np.uint8))
        self._pending += len(ids)
        self.tokens += len(ids)
        if self._pending >= SHARD_TOKENS:
            self._flush()

    def close(self) -> None:
        """Write what is left."""
        if self._pending or not self.shards:
            self._flush()

    def _flush(self) -> None:
        name = f"{self._split}-{len(self.shards):03d}"
        _write_atomic(
            self._out / f"{name}.bin", np.concatenate(self._ids or [np.zeros(0, self._dtype)])
        )
        if self._masked:
            _write_atomic(
                self._out / f"{name}.mask", np.concatenate(self._mask or [np.zeros(0, np.uint8)])
            )
        self.shards.append(name)
        self._ids, self._mask, self._pending = [], [], 0


def batched(items: list[Any], size: int) -> Iterator[list[Any]]:
    """`items` in consecutive lists of `size` (the last may be shorter)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_atomic(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp")
    array.tofile(tmp)
    tmp.replace(path)


def token_dtype(vocab_size: int) -> np.dtype:
    """uint16 for vocabularies up to 65,536 (ours), uint32 for larger ones (a --base model's)."""
    return np.dtype(np.uint16 if vocab_size <= 1 << 16 else np.uint32)


def pack_corpus(corpus: Path, tokenizer: Any, out: Path) -> dict[str, Any]:
    """Tokenize the corpus's splits into `out`; returns (and writes) the meta."""
    out.mkdir(parents=True, exist_ok=True)
    dtype = token_dtype(len(tokenizer))
    sep = separator_id(tokenizer)
    meta: dict[str, Any] = {"dtype": dtype.name, "vocab_size": len(tokenizer), "splits": {}}
    plain = [("pretrain", "pretrain.jsonl"), ("pretrain-val", "pretrain-val.jsonl")]
    if (corpus / "drills.jsonl").exists():  # corpora written before the drills lack it
        plain.append(("drills", "drills.jsonl"))
    for split, source in plain:
        writer = ShardWriter(out, split, dtype, masked=False)
        per_source: Counter[str] = Counter()
        records = list(read_jsonl(corpus / source))
        for chunk in tqdm(list(batched(records, _BATCH)), desc=f"tokenize {split}", leave=False):
            encoded = tokenizer(
                [r["text"] for r in chunk], add_special_tokens=False, verbose=False
            )["input_ids"]
            for record, ids in zip(chunk, encoded, strict=True):
                writer.add([*ids, sep])
                per_source[record["source"]] += len(ids) + 1
        writer.close()
        meta["splits"][split] = {"shards": writer.shards, "tokens": writer.tokens} | {
            "by_source": dict(per_source)
        }
    for split, source in (("sft-train", "sft-train.jsonl"), ("sft-heldout", "sft-heldout.jsonl")):
        writer = ShardWriter(out, split, dtype, masked=True)
        trained = 0
        records = list(read_jsonl(corpus / source))
        for chunk in tqdm(list(batched(records, _BATCH)), desc=f"tokenize {split}", leave=False):
            for enc in encode_dialogues(
                tokenizer, [(r["messages"], r["only_last"]) for r in chunk]
            ):
                writer.add([*enc.ids, sep], [*enc.trained, False])
                trained += sum(enc.trained)
        writer.close()
        meta["splits"][split] = {
            "shards": writer.shards,
            "tokens": writer.tokens,
            "trained_tokens": trained,
            "dialogues": len(records),
        }
    (out / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return meta


class TokenData:
    """The shards of one split as memmaps; random or sequential windows as (x, y) tensors."""

    def __init__(self, directory: Path, split: str) -> None:
        meta = json.loads((directory / META).read_text(encoding="utf-8"))
        info = meta["splits"][split]
        dtype = np.dtype(meta["dtype"])
        self._ids = [
            np.memmap(directory / f"{s}.bin", dtype=dtype, mode="r") for s in info["shards"]
        ]
        masked = (directory / f"{info['shards'][0]}.mask").exists()
        self._mask = (
            [np.memmap(directory / f"{s}.mask", dtype=np.uint8, mode="r") for s in info["shards"]]
            if masked
            else None
        )
        self.tokens = sum(len(a) for a in self._ids)

    def sample(
        self, batch: int, seq_len: int, rng: np.random.Generator
    ) -> tuple[torch.Tensor, ...]:
        """`batch` random windows: x (batch, seq_len) ids, y (batch, seq_len) targets."""
        usable = [max(len(a) - seq_len - 1, 0) for a in self._ids]
        if not any(usable):
            raise ValueError(f"the split has {self.tokens} tokens, fewer than seq_len + 1")
        shards = rng.choice(len(usable), size=batch, p=np.asarray(usable) / sum(usable))
        starts = [int(rng.integers(0, usable[s] + 1)) for s in shards]
        return self._windows(list(zip(shards.tolist(), starts, strict=True)), seq_len)

    def sequential(
        self, batch: int, seq_len: int, limit: int | None = None
    ) -> Iterator[tuple[torch.Tensor, ...]]:
        """Non-overlapping windows in order, `batch` at a time, at most `limit` batches."""
        spots = [
            (s, start)
            for s, a in enumerate(self._ids)
            for start in range(0, len(a) - seq_len, seq_len)
        ]
        for i, chunk in enumerate(batched(spots, batch)):
            if limit is not None and i >= limit:
                return
            yield self._windows(list(chunk), seq_len)

    def _windows(self, spots: Iterable[tuple[int, int]], seq_len: int) -> tuple[torch.Tensor, ...]:
        rows, targets = [], []
        for shard, start in spots:
            window = torch.from_numpy(
                self._ids[shard][start : start + seq_len + 1].astype(np.int64)
            )
            y = window[1:].clone()
            if self._mask is not None:
                keep = torch.from_numpy(
                    self._mask[shard][start + 1 : start + seq_len + 1].astype(bool)
                )
                y[~keep] = IGNORE
            rows.append(window[:-1])
            targets.append(y)
        return torch.stack(rows), torch.stack(targets)


class Mixture:
    """Random windows from two splits: `share` of each batch's rows from `extra`, in place.

    Pretraining draws its copy drills this way, so their dose is set per stage and not by how
    many drill documents the corpus holds.
    """

    def __init__(self, main: TokenData, extra: TokenData, share: float) -> None:
        if not 0 <= share < 1:
            raise ValueError(f"the drill share must be in [0, 1), not {share}")
        self._main, self._extra, self._share = main, extra, share
        self.tokens = main.tokens + extra.tokens

    def sample(
        self, batch: int, seq_len: int, rng: np.random.Generator
    ) -> tuple[torch.Tensor, ...]:
        """`batch` windows: round(batch × share) from `extra`, the rest from `main`."""
        extra = round(batch * self._share)
        if not extra:
            return self._main.sample(batch, seq_len, rng)
        x, y = self._main.sample(batch - extra, seq_len, rng)
        ex, ey = self._extra.sample(extra, seq_len, rng)
        return torch.cat([x, ex]), torch.cat([y, ey])
