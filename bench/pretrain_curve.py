"""Held-out bits per character against pretraining tokens: the recipe study of issue 16.

One pretraining run of the preset's shape (or a wider/deeper one: --hidden, --layers) on a
corpus from `muse train corpus`, paused at each token budget in --points. At each pause the
model is saved (OUT/model-<N>M) and scored as `muse train eval` scores likelihood: bits per
character on the held-out categories' replies and on held-out package text, and the copy gain
(loss on random token runs minus loss on their repeat; > 0 once the model copies from its
context, Olsson et al., 2022).

The cosine schedule spans the whole run (its last point), so an earlier point is measured at a
higher learning rate than a run that ended there would finish at: early points overstate the
loss such a shorter run would reach, and the curve is conservative. The run resumes from
OUT/run's checkpoint and keeps the points already in the JSON, so it may span sessions.

Prints a table, writes OUT/curve.json and OUT/curve.png.

    .venv/bin/python bench/pretrain_curve.py --corpus RUN/corpus --tokenizer RUN/tokenizer \\
        --out RUN/curve [--points 2.5,5,10,20,40] [--hidden 256 --layers 6]
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # the backend must be chosen first

from muse.training.evaluate import likelihood
from muse.training.loop import Run, train
from muse.training.model import new_model, parameter_count
from muse.training.presets import get_preset
from muse.training.runtime import start
from muse.training.shards import TokenData
from muse.training.stages import load_tokenizer, packed, pretraining_data, save_model


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--tokenizer", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--preset", default="cpu")
    parser.add_argument(
        "--points", default="2.5,5,10,20,40", help="token budgets in millions, comma-separated"
    )
    parser.add_argument("--hidden", type=int, help="hidden size (default: the preset's)")
    parser.add_argument("--layers", type=int, help="decoder layers (default: the preset's)")
    parser.add_argument(
        "--threads",
        type=int,
        help="CPU threads for torch (default: the preset's); 1 keeps a busy machine from "
        "stalling the run on thread synchronisation",
    )
    parser.add_argument(
        "--max-docs", type=int, default=500, help="held-out dialogues and documents scored"
    )
    return parser.parse_args()


def main() -> None:
    args = arguments()
    preset = get_preset(args.preset)
    hidden = args.hidden or preset.model.hidden_size
    shape = replace(
        preset.model,
        hidden_size=hidden,
        layers=args.layers or preset.model.layers,
        intermediate_size=3 * hidden if args.hidden else preset.model.intermediate_size,
    )
    per_step = preset.pretrain.batch_size * preset.pretrain.seq_len * preset.pretrain.grad_accum
    budgets = sorted(round(float(p) * 1e6) for p in args.points.split(","))
    stage = replace(preset.pretrain, steps=math.ceil(budgets[-1] / per_step), eval_every=500)
    runtime = start(preset.precision, args.threads or preset.threads)
    tokenizer = load_tokenizer(args.tokenizer)
    shards = packed(args.corpus, tokenizer, runtime)
    model = new_model(shape, tokenizer, preset.seed)
    data, val = pretraining_data(shards, preset), TokenData(shards, "pretrain-val")
    args.out.mkdir(parents=True, exist_ok=True)
    results = args.out / "curve.json"
    rows: list[dict[str, Any]] = (
        json.loads(results.read_text(encoding="utf-8"))["rows"] if results.exists() else []
    )
    done = {r["tokens"] for r in rows}
    facts = {
        "preset": preset.name,
        "hidden_size": shape.hidden_size,
        "layers": shape.layers,
        "parameters": parameter_count(model),
        "steps": stage.steps,
        "tokens_per_step": per_step,
        "device": runtime.describe(),
    }
    for budget in budgets:
        step = math.ceil(budget / per_step)
        if step * per_step in done:
            continue
        run = Run("pretrain", stage, args.out / "run", preset.seed, preset.compile, stop_at=step)
        state = train(model, data, val, run, runtime)
        model_dir = args.out / f"model-{budget / 1e6:g}M"
        save_model(model, tokenizer, model_dir)
        scores = likelihood(model_dir, args.corpus, args.max_docs)
        recent = [r["tokens_per_s"] for r in state.history[-50:]]
        rows.append(
            {
                "tokens": state.tokens,
                "step": state.step,
                "train_loss": state.history[-1]["loss"],
                "val_loss": next(
                    (r["val_loss"] for r in reversed(state.history) if "val_loss" in r), None
                ),
                "heldout_replies_bpc": scores["heldout_replies"]["bits_per_char"],
                "heldout_text_bpc": scores["heldout_text"]["bits_per_char"],
                "copy_gain": scores["repeat_loss"]["copy_gain"],
                "tokens_per_s": sum(recent) / len(recent),
            }
        )
        results.write_text(json.dumps({"facts": facts, "rows": rows}, indent=2), encoding="utf-8")
        plot(rows, args.out / "curve.png", facts)
    print(table(rows, facts))


def table(rows: list[dict[str, Any]], facts: dict[str, Any]) -> str:
    """Markdown: one row per token budget."""
    head = (
        f"{facts['preset']} shape, {facts['hidden_size']}×{facts['layers']}, "
        f"{facts['parameters']:,} parameters, {facts['device']}\n\n"
        "| tokens | step | train loss | val loss | held-out replies bits/char "
        "| held-out text bits/char | copy gain (nats) | tokens/s |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    lines = [
        f"| {r['tokens'] / 1e6:.2f}M | {r['step']} | {r['train_loss']:.3f} | "
        f"{r['val_loss'] if r['val_loss'] is None else format(r['val_loss'], '.3f')} | "
        f"{r['heldout_replies_bpc']:.3f} | {r['heldout_text_bpc']:.3f} | "
        f"{r['copy_gain']:.2f} | {r['tokens_per_s']:,.0f} |"
        for r in sorted(rows, key=lambda r: r["tokens"])
    ]
    return "\n".join([head, *lines])


def plot(rows: list[dict[str, Any]], path: Path, facts: dict[str, Any]) -> None:
    """Bits/char on both held-out sets against tokens seen (log scale)."""
    ordered = sorted(rows, key=lambda r: r["tokens"])
    tokens = [r["tokens"] / 1e6 for r in ordered]
    figure, axes = plt.subplots(figsize=(7, 4), dpi=100)
    axes.plot(tokens, [r["heldout_replies_bpc"] for r in ordered], "o-", label="held-out replies")
    axes.plot(tokens, [r["heldout_text_bpc"] for r in ordered], "s-", label="held-out text")
    axes.set_xscale("log")
    axes.set(
        xlabel="pretraining tokens (millions)",
        ylabel="bits per character",
        title=f"{facts['hidden_size']}×{facts['layers']}, {facts['parameters'] / 1e6:.1f}M params",
    )
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


if __name__ == "__main__":
    main()
