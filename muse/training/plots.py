"""Loss curves as PNG: training loss per step, validation loss where it was measured."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # the backend must be chosen first


def plot_losses(history: list[dict[str, float]], path: Path, title: str) -> None:
    """Write the loss curve of `history` (rows with step, loss and maybe val_loss) to `path`."""
    figure, axes = plt.subplots(figsize=(7, 4), dpi=100)
    axes.plot([r["step"] for r in history], [r["loss"] for r in history], label="train", lw=1)
    val = [r for r in history if "val_loss" in r]
    if val:
        axes.plot([r["step"] for r in val], [r["val_loss"] for r in val], "o-", label="validation")
    axes.set(xlabel="step", ylabel="loss (nats/token)", title=title)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    tmp = path.with_name(path.stem + ".tmp.png")
    figure.savefig(tmp)
    plt.close(figure)
    tmp.replace(path)
