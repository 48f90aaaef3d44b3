"""On a CUDA device: bf16 autocast, torch.compile and MFU logging in the real loop."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from muse.training.loop import Run, train
from muse.training.model import new_model
from muse.training.presets import get_preset
from muse.training.runtime import start
from muse.training.shards import TokenData, pack_corpus
from tests.training.small_corpus import CONFIG, write_small_corpus


@pytest.mark.gpu
def test_compiled_bf16_training_on_the_gpu_logs_mfu(tmp_path: Path) -> None:
    tokenizer = write_small_corpus(tmp_path / "corpus")
    pack_corpus(tmp_path / "corpus", tokenizer, tmp_path / "tokens")
    runtime = start("auto")
    assert runtime.device.type == "cuda" and runtime.bf16
    model = new_model(get_preset("gpu").model, tokenizer, seed=0)
    data = TokenData(tmp_path / "tokens", "pretrain")
    state = train(model, data, None, Run("gpu", CONFIG, tmp_path / "run", 0, True), runtime)
    losses = [row["loss"] for row in state.history]
    assert all(math.isfinite(loss) for loss in losses) and losses[-1] < losses[0]
    assert "mfu" in state.history[-1] or runtime.peak_flops() is None
