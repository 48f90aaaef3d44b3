"""`muse train dpo`: Direct Preference Optimization (Rafailov et al., 2023) on the pairs
`muse train preferences` derived from a team's feedback.

TRL's `DPOTrainer` does the work (the sigmoid loss on β-scaled log-probability ratios against a
frozen copy of the base model, the reference); Muse only loads the pairs, the base model and its
chat template, and exports the result like every other stage (`export.export`: safetensors
shards ≤ 15 MB, generation config, model card).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from muse.training.jsonl import read_jsonl

WORK = "work"  # TRL's output_dir inside OUT: its logs and the trained HF directory
SUMMARY = "dpo-summary.json"


@dataclass(frozen=True, slots=True)
class DpoConfig:
    """The run's knobs; defaults follow the DPO paper's β and a small, safe learning rate."""

    steps: int = 200
    beta: float = 0.1  # strength of the pull back towards the reference model
    learning_rate: float = 5e-6
    batch_size: int = 4
    max_length: int = 1024  # prompt + reply tokens; longer pairs are truncated by TRL
    seed: int = 0


def load_pairs(preferences: Path) -> list[dict[str, Any]]:
    """The pairs of `preferences` (a directory written by `muse train preferences`, or its
    preferences.jsonl), in the conversational form DPOTrainer reads."""
    path = preferences / "preferences.jsonl" if preferences.is_dir() else preferences
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `muse train preferences --out DIR` first")
    pairs = [
        {"prompt": p["prompt"], "chosen": p["chosen"], "rejected": p["rejected"]}
        for p in read_jsonl(path)
    ]
    if not pairs:
        raise ValueError(f"{path} has no preference pairs yet: collect 👍 on replies first")
    return pairs


def dpo(base: Path, preferences: Path, out: Path, config: DpoConfig) -> dict[str, Any]:
    """Fine-tune `base` on the pairs and export it to `out`; returns the summary (also written
    to OUT/dpo-summary.json), with the reward margin at the first and last logged step."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        from datasets import Dataset
        from trl import DPOConfig, DPOTrainer
    except ImportError as exc:
        raise ValueError(
            "muse train dpo needs TRL: pip install 'muse[dpo]' (trl, datasets)"
        ) from exc

    from muse.training.export import export
    from muse.training.stages import save_model

    pairs = load_pairs(preferences)
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(base, local_files_only=True, dtype=torch.float32)
    args = DPOConfig(
        output_dir=str(out / WORK),
        max_steps=config.steps,
        per_device_train_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        beta=config.beta,
        max_length=config.max_length,
        seed=config.seed,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        use_cpu=not torch.cuda.is_available(),
    )
    trainer = DPOTrainer(
        model=model, args=args, train_dataset=Dataset.from_list(pairs), processing_class=tokenizer
    )
    trainer.train()
    margins = [r["rewards/margins"] for r in trainer.state.log_history if "rewards/margins" in r]
    trained = out / WORK / "model"
    save_model(trainer.model, tokenizer, trained)
    summary = {
        "stage": "dpo",
        "base": str(base),
        "pairs": len(pairs),
        "steps": trainer.state.global_step,
        "first_margin": margins[0] if margins else None,
        "last_margin": margins[-1] if margins else None,
        "config": asdict(config),
    }
    export(trained, out, {"base": str(base), "stages": {"dpo": summary}})
    (out / SUMMARY).write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary
