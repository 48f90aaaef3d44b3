"""Training throughput per preset: tokens/s of the real loop, eager vs torch.compile, with MFU
on a GPU.

Each preset's model shape trains for a few dozen steps on random tokens (throughput does not
depend on the text) through `muse.training.loop.train`, so sampling, autocast, clipping and
the optimizer are all counted. The median tokens/s after the warm-up steps is reported (the
first steps include compilation). On CPU the gpu preset's shape runs with a small batch so the
table finishes in minutes. Prints a table and writes JSON (default bench/results/train.json).

    .venv/bin/python bench/train.py [--presets tiny,cpu,gpu] [--steps 12] [--out ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from muse.training.loop import Run, train
from muse.training.model import new_model, parameter_count
from muse.training.presets import get_preset
from muse.training.runtime import start
from muse.training.shards import META, ShardWriter, TokenData

WARMUP = 3  # steps left out of the median: compilation and allocator warm-up


def random_tokens(directory: Path, vocab_size: int, tokens: int) -> None:
    """A one-split token directory of uniformly random ids."""
    writer = ShardWriter(directory, "bench", np.dtype(np.uint16), masked=False)
    writer.add(np.random.default_rng(0).integers(3, vocab_size, tokens).tolist())
    writer.close()
    meta = {
        "dtype": "uint16",
        "vocab_size": vocab_size,
        "splits": {"bench": {"shards": writer.shards}},
    }
    (directory / META).write_text(json.dumps(meta), encoding="utf-8")


def measure(preset_name: str, compiled: bool, steps: int, work: Path) -> dict[str, object]:
    """Train `steps` steps of the preset's pretraining shape; throughput and MFU."""
    preset = get_preset(preset_name)
    runtime = start(preset.precision, preset.threads)
    stage = replace(preset.pretrain, steps=steps, eval_every=10**9, checkpoint_every=10**9)
    if runtime.device.type == "cpu" and preset_name == "gpu":
        stage = replace(stage, batch_size=4)
    model = new_model(preset.model, _Vocab(preset.vocab_size), preset.seed)
    data_dir = work / f"{preset_name}-{compiled}"
    data_dir.mkdir()
    random_tokens(data_dir, preset.vocab_size, 200_000)
    run = Run("bench", stage, data_dir / "run", preset.seed, compiled)
    began = time.perf_counter()
    state = train(model, TokenData(data_dir, "bench"), None, run, runtime)
    elapsed = time.perf_counter() - began
    rates = [row["tokens_per_s"] for row in state.history[WARMUP:]]
    mfu = [row["mfu"] for row in state.history[WARMUP:] if "mfu" in row]
    return {
        "preset": preset_name,
        "device": torch.cuda.get_device_name() if runtime.device.type == "cuda" else "cpu",
        "precision": "bf16" if runtime.bf16 else "fp32",
        "mode": "compiled" if compiled else "eager",
        "parameters": parameter_count(model),
        "tokens_per_step": stage.batch_size * stage.seq_len * stage.grad_accum,
        "steps": steps,
        "tokens_per_s": round(statistics.median(rates)),
        "mfu": round(statistics.median(mfu), 4) if mfu else None,
        "wall_s": round(elapsed, 1),
    }


class _Vocab:
    """What `new_model` reads from a tokenizer: its size and special ids."""

    bos_token_id, eos_token_id, pad_token_id = 0, 2, 0

    def __init__(self, size: int) -> None:
        self._size = size

    def __len__(self) -> int:
        return self._size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presets", default="tiny,cpu,gpu")
    parser.add_argument("--steps", type=int, default=12, help="steps per measurement")
    parser.add_argument("--out", type=Path, default=Path("bench/results/train.json"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.presets.split(","):
            for compiled in (False, True):
                rows.append(measure(name, compiled, args.steps + WARMUP, Path(tmp)))
                print(json.dumps(rows[-1]), file=sys.stderr)
    print(
        f"{'preset':<6} {'device':<24} {'prec':<5} {'mode':<9} {'params':>11} "
        f"{'tok/step':>9} {'tokens/s':>10} {'MFU':>6}"
    )
    for r in rows:
        mfu = f"{r['mfu']:.1%}" if r["mfu"] is not None else "—"
        print(
            f"{r['preset']:<6} {r['device']:<24} {r['precision']:<5} {r['mode']:<9} "
            f"{r['parameters']:>11,} {r['tokens_per_step']:>9,} {r['tokens_per_s']:>10,} {mfu:>6}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"torch": torch.__version__, "rows": rows}, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
