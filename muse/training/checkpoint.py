"""Checkpoints for resuming: trainable weights, optimizer, step and loss history, written
atomically (a temporary file, then a rename), so a crash leaves the previous one intact."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

CHECKPOINT = "checkpoint.pt"


@dataclass
class TrainState:
    """What a run has done so far."""

    step: int = 0
    tokens: int = 0  # tokens seen by all processes together
    history: list[dict[str, float]] = field(default_factory=list)  # one row per logged step


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The parameters being trained: all of them, or only LoRA's when the base is frozen."""
    return {name: p.detach().clone() for name, p in model.named_parameters() if p.requires_grad}


def save_checkpoint(
    directory: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer, state: TrainState
) -> None:
    """Write `directory/checkpoint.pt` atomically."""
    payload = {
        "model": trainable_state(model),
        "optimizer": optimizer.state_dict(),
        "step": state.step,
        "tokens": state.tokens,
        "history": state.history,
        "torch_rng": torch.get_rng_state(),
    }
    tmp = directory / (CHECKPOINT + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, directory / CHECKPOINT)


def load_checkpoint(
    directory: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer
) -> TrainState | None:
    """Restore `model` and `optimizer` from `directory/checkpoint.pt`; None when there is none."""
    path = directory / CHECKPOINT
    if not path.exists():
        return None
    payload: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=False)
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    if set(payload["model"]) != trainable:
        raise ValueError(
            f"{path} was written for another model (its parameters differ); "
            "start over in a new directory or delete the checkpoint"
        )
    model.load_state_dict(payload["model"], strict=False)
    optimizer.load_state_dict(payload["optimizer"])
    torch.set_rng_state(payload["torch_rng"])
    return TrainState(payload["step"], payload["tokens"], payload["history"])
