"""The training loop: the loss falls on a fixed corpus, and a resumed run equals a straight one."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import torch

from muse.training.checkpoint import load_checkpoint
from muse.training.loop import Run, lr_at, make_optimizer, train
from muse.training.model import new_model
from muse.training.presets import get_preset
from muse.training.runtime import start
from muse.training.shards import TokenData, pack_corpus
from tests.training.small_corpus import CONFIG, write_small_corpus


def setup(tmp_path: Path) -> tuple[torch.nn.Module, TokenData, TokenData]:
    tokenizer = write_small_corpus(tmp_path / "corpus")
    pack_corpus(tmp_path / "corpus", tokenizer, tmp_path / "tokens")
    model = new_model(get_preset("tiny").model, tokenizer, seed=0)
    return (
        model,
        TokenData(tmp_path / "tokens", "pretrain"),
        TokenData(tmp_path / "tokens", "pretrain-val"),
    )


def test_loss_falls_on_a_fixed_small_corpus(tmp_path: Path) -> None:
    model, data, val = setup(tmp_path)
    state = train(
        model, data, val, Run("test", CONFIG, tmp_path / "run", 0, False), start("fp32", 1)
    )
    losses = [row["loss"] for row in state.history]
    assert state.step == CONFIG.steps and len(losses) == CONFIG.steps
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5 - 2.0
    vals = [row["val_loss"] for row in state.history if "val_loss" in row]
    assert len(vals) == 2 and vals[-1] < vals[0]
    assert (tmp_path / "run" / "loss.png").stat().st_size > 0


def test_resume_gives_the_same_state_as_an_uninterrupted_run(tmp_path: Path) -> None:
    config = replace(CONFIG, steps=6, checkpoint_every=100)
    runtime = start("fp32", 1)
    straight, data, _ = setup(tmp_path)
    train(straight, data, None, Run("straight", config, tmp_path / "a", 7, False), runtime)

    first, _, _ = setup(tmp_path)
    paused = train(
        first, data, None, Run("paused", config, tmp_path / "b", 7, False, stop_at=3), runtime
    )
    assert paused.step == 3
    resumed_model, _, _ = setup(tmp_path)  # a fresh process would build the model anew
    resumed = train(
        resumed_model, data, None, Run("resumed", config, tmp_path / "b", 7, False), runtime
    )

    assert resumed.step == 6
    for (name, a), (_, b) in zip(
        straight.state_dict().items(), resumed_model.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    opt_a, opt_b = (make_optimizer(m, config, runtime.device) for m in (straight, resumed_model))
    state_a = load_checkpoint(tmp_path / "a", straight, opt_a)
    state_b = load_checkpoint(tmp_path / "b", resumed_model, opt_b)
    assert state_a is not None and state_b is not None
    assert [r["loss"] for r in state_a.history] == [r["loss"] for r in state_b.history]
    for sa, sb in zip(opt_a.state.values(), opt_b.state.values(), strict=True):
        assert torch.equal(sa["exp_avg"], sb["exp_avg"])


def test_learning_rate_warms_up_then_decays_to_its_floor() -> None:
    config = replace(CONFIG, steps=100, warmup_steps=10, lr=1.0, min_lr_ratio=0.1)
    rates = [lr_at(step, config) for step in range(100)]
    assert rates[0] == 0.1 and rates[9] == 1.0
    assert all(a >= b for a, b in itertools.pairwise(rates[9:]))
    assert abs(lr_at(100, config) - 0.1) < 1e-9
