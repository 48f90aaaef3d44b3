"""`muse train pretrain` and `muse train sft`: load the data and model, train, save an HF dir.

Each stage writes into its own directory: `checkpoint.pt` (resume), `loss.png`, `summary.json`
and `model/`, a Hugging Face directory the next stage (or `eval`, `export`) starts from. Token
shards are packed once per tokenizer inside the corpus directory and reused.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import torch.distributed as dist
from transformers import AutoTokenizer, PreTrainedTokenizerBase

from muse.training.chatml import CHAT_TEMPLATE
from muse.training.loop import Run, train
from muse.training.model import load_base, merged, new_model, parameter_count
from muse.training.presets import LoraConfig, Preset
from muse.training.runtime import Runtime
from muse.training.shards import META, Mixture, TokenData, pack_corpus

SUMMARY = "summary.json"
MODEL_DIR = "model"
MAX_SHARD = "15MB"  # safetensors shard size: under the 15 MB a repository file may weigh
T = TypeVar("T")


def on_main(runtime: Runtime, work: Callable[[], T]) -> T | None:
    """Run `work` in the main process only; under torchrun the others wait for it."""
    result = work() if runtime.main else None
    if runtime.world > 1:
        dist.barrier()
    return result


def load_tokenizer(path: Path) -> PreTrainedTokenizerBase:
    """A local tokenizer; one without a chat template gets ChatML, the format Muse serves."""
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    if tokenizer.chat_template is None:
        tokenizer.chat_template = CHAT_TEMPLATE
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def tokens_dir(corpus: Path, tokenizer: PreTrainedTokenizerBase) -> Path:
    """Where the corpus packed with `tokenizer` lives: one folder per distinct vocabulary."""
    vocab = json.dumps(sorted(tokenizer.get_vocab().items()), ensure_ascii=False)
    key = hashlib.sha1((vocab + (tokenizer.chat_template or "")).encode()).hexdigest()[:12]
    return corpus / f"tokens-{key}"


def packed(corpus: Path, tokenizer: PreTrainedTokenizerBase, runtime: Runtime) -> Path:
    """The token shards of `corpus` for `tokenizer`, packing them first if needed."""
    out = tokens_dir(corpus, tokenizer)
    # Every process takes part in the barrier, whether or not the shards already exist.
    on_main(runtime, lambda: (out / META).exists() or pack_corpus(corpus, tokenizer, out))
    return out


def save_model(model: Any, tokenizer: PreTrainedTokenizerBase, out: Path) -> None:
    """An HF directory: config, safetensors shards of at most 15 MB, tokenizer with template."""
    model.save_pretrained(out, safe_serialization=True, max_shard_size=MAX_SHARD)
    tokenizer.save_pretrained(out, save_jinja_files=False)


def pretrain(
    corpus: Path,
    tokenizer_dir: Path,
    out: Path,
    preset: Preset,
    runtime: Runtime,
    stop_at: int | None = None,
) -> dict[str, Any]:
    """Pretrain a new model of the preset's shape on the pretraining split."""
    tokenizer = load_tokenizer(tokenizer_dir)
    shards = packed(corpus, tokenizer, runtime)
    model = new_model(preset.model, tokenizer, preset.seed)
    run = Run("pretrain", preset.pretrain, out, preset.seed, preset.compile, stop_at)
    state = train(
        model, pretraining_data(shards, preset), TokenData(shards, "pretrain-val"), run, runtime
    )
    return _finish(model, tokenizer, out, run, state.step, state.tokens, state.history, runtime)


def pretraining_data(shards: Path, preset: Preset) -> TokenData | Mixture:
    """The pretraining split, with the copy drills mixed in at the stage's share."""
    text = TokenData(shards, "pretrain")
    share = preset.pretrain.drill_share
    if not share:
        return text
    splits = json.loads((shards / META).read_text(encoding="utf-8"))["splits"]
    if "drills" not in splits:
        raise ValueError(
            "this corpus has no copy drills (drills.jsonl): rebuild it with `muse train corpus`"
        )
    return Mixture(text, TokenData(shards, "drills"), share)


def sft(
    corpus: Path,
    init: Path,
    out: Path,
    preset: Preset,
    runtime: Runtime,
    lora: LoraConfig | None = None,
    stop_at: int | None = None,
) -> dict[str, Any]:
    """Fine-tune the HF model in `init` on the SFT dialogues (loss on replies only)."""
    tokenizer = load_tokenizer(init)
    shards = packed(corpus, tokenizer, runtime)
    model = load_base(init, lora)
    # LoRA trains eagerly: compiling peft's wrapped layers is untested on the torch versions we run.
    run = Run("sft", preset.sft, out, preset.seed + 1, preset.compile and lora is None, stop_at)
    state = train(
        model, TokenData(shards, "sft-train"), TokenData(shards, "sft-heldout"), run, runtime
    )
    summary = _finish(
        merged(model), tokenizer, out, run, state.step, state.tokens, state.history, runtime
    )
    return summary | {"base": str(init), "lora": lora.__dict__ if lora else None}


def _finish(
    model: Any,
    tokenizer: PreTrainedTokenizerBase,
    out: Path,
    run: Run,
    step: int,
    tokens: int,
    history: list[dict[str, float]],
    runtime: Runtime,
) -> dict[str, Any]:
    """Save the HF directory and summary once the run reached its last step."""
    vals = [r["val_loss"] for r in history if "val_loss" in r]
    summary = {
        "stage": run.name,
        "steps": step,
        "of_steps": run.config.steps,
        "complete": step >= run.config.steps,
        "tokens": tokens,
        "parameters": parameter_count(model),
        "final_loss": history[-1]["loss"] if history else None,
        "val_loss": vals[-1] if vals else None,
        "tokens_per_s": statistics.median(r["tokens_per_s"] for r in history[1:])
        if len(history) > 1
        else None,
        # Time spent in training steps (each row's tokens over its rate; evaluation excluded).
        "train_s": round(sum(tokens / max(step, 1) / r["tokens_per_s"] for r in history), 1),
        "device": runtime.describe(),
        "config": run.config.__dict__,
    }
    mfu = [r["mfu"] for r in history if "mfu" in r]
    if mfu:
        summary["mfu"] = statistics.median(mfu)
    if runtime.main and summary["complete"]:
        save_model(model, tokenizer, out / MODEL_DIR)
        (out / SUMMARY).write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary
