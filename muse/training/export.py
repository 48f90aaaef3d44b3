"""Export: the trained model as a self-contained Hugging Face directory that Muse serves.

config.json, safetensors shards (≤ 15 MB each), generation_config.json, the tokenizer with its
chat template, metrics.json + samples.md from evaluation, and a model card (README.md). The
directory is checked by loading it back offline before the export counts as done.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

from muse.training.card import model_card
from muse.training.chatml import END_OF_TEXT, IM_END
from muse.training.evaluate import METRICS, SHEET
from muse.training.stages import MAX_SHARD, save_model

MAX_WEIGHTS = 64 * 2**20  # shipped weights stay under 64 MiB
MAX_SHARD_BYTES = 15 * 10**6


def generation_config(tokenizer: Any) -> GenerationConfig:
    """Sampling defaults for tools that read generation_config.json; generation stops at
    <|im_end|> (end of a turn) as well as the tokenizer's eos."""
    vocab = tokenizer.get_vocab()
    eos = [vocab[t] for t in (IM_END, END_OF_TEXT) if t in vocab] or [tokenizer.eos_token_id]
    return GenerationConfig(
        do_sample=True,
        temperature=0.8,
        top_p=0.95,
        top_k=0,
        repetition_penalty=1.1,
        max_new_tokens=256,
        eos_token_id=eos,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
    )


def export(model_dir: Path, out: Path, facts: dict[str, Any]) -> dict[str, Any]:
    """Write the serving directory `out` from the trained `model_dir`; `facts` feed the card
    (preset, corpus manifest, stage summaries, tokenizer report). Returns what was written."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob("model*.safetensors"), *out.glob("model.safetensors.index.json")]:
        stale.unlink()
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(
        model_dir, local_files_only=True, dtype=torch.float32
    )
    # fp32 when it fits the budget (exact, and fast on any CPU); bf16 otherwise.
    size = sum(p.numel() for p in model.parameters()) * 4
    if size > MAX_WEIGHTS:
        model.to(torch.bfloat16)
    model.generation_config = generation_config(tokenizer)
    save_model(model, tokenizer, out)
    metrics: dict[str, Any] = {}
    for name in (METRICS, SHEET):
        if (model_dir / name).exists():
            shutil.copyfile(model_dir / name, out / name)
    if (out / METRICS).exists():
        metrics = json.loads((out / METRICS).read_text(encoding="utf-8"))
    dtype = str(model.dtype).removeprefix("torch.")
    card = model_card(facts | {"dtype": dtype}, metrics)
    (out / "README.md").write_text(card, encoding="utf-8")
    return verify(out)


def verify(out: Path) -> dict[str, Any]:
    """Load `out` offline as the core does and check the shard and weight limits."""
    shards = sorted(out.glob("model*.safetensors"))
    weights = sum(s.stat().st_size for s in shards)
    too_big = [s.name for s in shards if s.stat().st_size > MAX_SHARD_BYTES]
    if too_big or weights > MAX_WEIGHTS:
        raise ValueError(f"exported weights break the size limits: {too_big or weights}")
    tokenizer = AutoTokenizer.from_pretrained(out, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(out, local_files_only=True, dtype="auto")
    if tokenizer.chat_template is None:
        raise ValueError(f"{out} has no chat template")
    return {
        "path": str(out),
        "shards": [s.name for s in shards],
        "weight_bytes": weights,
        "parameters": sum(p.numel() for p in model.parameters()),
        "dtype": str(model.dtype).removeprefix("torch."),
        "max_shard": MAX_SHARD,
    }
