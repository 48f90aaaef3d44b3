"""The training loop, one for pretraining and SFT (they differ only in data and settings).

nanoGPT's recipe: AdamW with decoupled weight decay on matrices only, linear warmup then cosine
decay, gradient accumulation and clipping, bf16 autocast where the hardware has it, and
`torch.compile`. Batches are drawn from (seed, step, micro-step, rank), so a resumed run sees
exactly the data an uninterrupted one would. Under torchrun each process draws its own batches
and DDP averages the gradients.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

from muse.training.checkpoint import TrainState, load_checkpoint, save_checkpoint
from muse.training.model import flops_per_token
from muse.training.plots import plot_losses
from muse.training.presets import StageConfig
from muse.training.runtime import Runtime, compiled
from muse.training.shards import IGNORE, Mixture, TokenData


@dataclass(frozen=True)
class Run:
    """One stage's training job: what to train on, how, and where its files go."""

    name: str  # "pretrain" or "sft", for progress bars and the plot title
    config: StageConfig
    out: Path  # checkpoint.pt and loss.png
    seed: int
    compile: bool
    stop_at: int | None = None  # pause after this step; the next call resumes


def lr_at(step: int, config: StageConfig) -> float:
    """Linear warmup to `lr`, then cosine decay to `lr × min_lr_ratio` at the last step."""
    if step < config.warmup_steps:
        return config.lr * (step + 1) / config.warmup_steps
    progress = (step - config.warmup_steps) / max(1, config.steps - config.warmup_steps)
    floor = config.lr * config.min_lr_ratio
    return floor + 0.5 * (config.lr - floor) * (1 + math.cos(math.pi * min(progress, 1.0)))


def make_optimizer(
    model: torch.nn.Module, config: StageConfig, device: torch.device
) -> torch.optim.AdamW:
    """AdamW (β2 = 0.95), weight decay on 2-D weights only; fused kernels (torch ≥ 2.4)."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": config.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    fused = device.type in ("cuda", "cpu")
    return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, 0.95), eps=1e-8, fused=fused)


def loss_of(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the unmasked targets; x, y are (batch, seq_len)."""
    logits = model(input_ids=x).logits  # (batch, seq_len, vocab)
    losses = F.cross_entropy(
        logits.float().flatten(0, 1), y.flatten(), ignore_index=IGNORE, reduction="sum"
    )
    # A window of prompt tokens only has no target: its loss is 0, not 0/0.
    return losses / (y != IGNORE).sum().clamp(min=1)


@torch.no_grad()
def evaluate_loss(
    model: torch.nn.Module, data: TokenData, config: StageConfig, runtime: Runtime
) -> float:
    """Mean loss over the first `eval_batches` sequential windows of `data`."""
    model.eval()
    losses = []
    for x, y in data.sequential(config.batch_size, config.seq_len, config.eval_batches):
        with runtime.autocast():
            losses.append(loss_of(model, x.to(runtime.device), y.to(runtime.device)).item())
    model.train()
    return float(np.mean(losses)) if losses else float("nan")


def train(
    model: torch.nn.Module,
    data: TokenData | Mixture,
    val: TokenData | None,
    run: Run,
    runtime: Runtime,
) -> TrainState:
    """Train `model` in place for `run.config.steps` steps, resuming from `run.out` if it holds
    a checkpoint; returns what was done. Only the main process writes files."""
    config = run.config
    run.out.mkdir(parents=True, exist_ok=True)
    model.to(runtime.device).train()
    optimizer = make_optimizer(model, config, runtime.device)
    state = load_checkpoint(run.out, model, optimizer) or TrainState()
    wrapped: torch.nn.Module = model
    if runtime.world > 1:
        ids = [runtime.device.index] if runtime.device.type == "cuda" else None
        wrapped = DistributedDataParallel(model, device_ids=ids)
    step_loss = compiled(lambda x, y: loss_of(wrapped, x, y), run.compile)
    per_step = config.batch_size * config.seq_len * config.grad_accum * runtime.world
    flops = flops_per_token(model, config.seq_len)
    peak = runtime.peak_flops()
    last = min(config.steps, run.stop_at or config.steps)
    bar = tqdm(
        total=config.steps, initial=state.step, desc=run.name, unit="step", disable=not runtime.main
    )
    clock = time.perf_counter()
    while state.step < last:
        lr = lr_at(state.step, config)
        for group in optimizer.param_groups:
            group["lr"] = lr
        total = 0.0
        for micro in range(config.grad_accum):
            rng = np.random.default_rng([run.seed, state.step, micro, runtime.rank])
            x, y = (
                t.to(runtime.device) for t in data.sample(config.batch_size, config.seq_len, rng)
            )
            # DDP all-reduces gradients only on the last micro-step of an accumulation.
            sync = micro == config.grad_accum - 1 or runtime.world == 1
            context = contextlib.nullcontext() if sync else wrapped.no_sync()  # type: ignore[operator]
            with context:
                with runtime.autocast():
                    loss = step_loss(x, y) / config.grad_accum
                loss.backward()
            total += loss.item()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        state.step += 1
        state.tokens += per_step
        if runtime.device.type == "cuda":
            torch.cuda.synchronize()
        now = time.perf_counter()
        rate = per_step / (now - clock)
        clock = now
        row = {
            "step": state.step,
            "loss": total,
            "lr": lr,
            "grad_norm": float(norm),
            "tokens_per_s": rate,
        }
        if peak:
            row["mfu"] = flops * rate / (peak * runtime.world)
        if val is not None and (state.step % config.eval_every == 0 or state.step == config.steps):
            row["val_loss"] = evaluate_loss(model, val, config, runtime)
            clock = time.perf_counter()  # evaluation time is not training throughput
        state.history.append(row)
        bar.update(1)
        bar.set_postfix({k: f"{v:.3g}" for k, v in row.items() if k != "step"})
        if runtime.main and (state.step % config.checkpoint_every == 0 or state.step == last):
            save_checkpoint(run.out, model, optimizer, state)
            plot_losses(state.history, run.out / "loss.png", run.name)
    bar.close()
    return state
