"""`--base` fine-tunes any local causal LM directory, with LoRA adapters merged at the end."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM

from muse.training import stages
from muse.training.presets import get_preset
from muse.training.runtime import start
from tests.training.small_corpus import write_small_corpus


def test_lora_fine_tunes_a_local_base_model_and_exports_merged_weights(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    write_small_corpus(tmp_path / "corpus")
    preset = get_preset("tiny")
    preset = replace(preset, sft=replace(preset.sft, steps=3, seq_len=64, eval_every=3))
    summary = stages.sft(
        tmp_path / "corpus", tiny_model_dir, tmp_path / "sft", preset, start("fp32", 1), preset.lora
    )
    assert summary["complete"] and summary["lora"]["rank"] == preset.lora.rank
    tuned = AutoModelForCausalLM.from_pretrained(
        tmp_path / "sft" / stages.MODEL_DIR, local_files_only=True
    )
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, local_files_only=True)
    assert not any("lora" in name for name in tuned.state_dict())
    changed = [
        name
        for name, weight in base.state_dict().items()
        if not torch.equal(weight, tuned.state_dict()[name])
    ]
    # The adapters sit on the linear layers; the embeddings and norms stay as they were.
    assert changed and all("proj" in name for name in changed)
