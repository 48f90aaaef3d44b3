"""`muse train all`: corpus → tokenizer → pretrain → SFT → eval → export, resumable.

The exported model goes to OUT itself (so `--out models/default` is what Muse loads) and the
stages work in OUT/work/. Each finished stage leaves a marker (work/stages/NAME.json with its
summary); a rerun skips marked stages and resumes an interrupted training stage from its
checkpoint. With `--base`, a local model replaces the tokenizer and pretraining stages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from muse.training import stages
from muse.training.corpus import build_corpus
from muse.training.evaluate import evaluate
from muse.training.export import export
from muse.training.presets import Preset
from muse.training.runtime import Runtime
from muse.training.tokenizer import build_tokenizer

STAGES = ("corpus", "tokenizer", "pretrain", "sft", "eval", "export")


@dataclass(frozen=True)
class Layout:
    """Where each stage of a run writes."""

    out: Path

    @property
    def work(self) -> Path:
        return self.out / "work"

    @property
    def corpus(self) -> Path:
        return self.work / "corpus"

    @property
    def tokenizer(self) -> Path:
        return self.work / "tokenizer"

    @property
    def pretrain(self) -> Path:
        return self.work / "pretrain"

    @property
    def sft(self) -> Path:
        return self.work / "sft"

    def marker(self, stage: str) -> Path:
        return self.work / "stages" / f"{stage}.json"


@dataclass(frozen=True)
class Options:
    """The choices that make a run what it is; a rerun must repeat them."""

    preset: Preset
    extra: tuple[Path, ...] = ()
    base: Path | None = None
    lora: bool = False


def run_all(
    out: Path,
    options: Options,
    runtime: Runtime,
    stop_at: int | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the missing stages into `out`; returns every stage's summary."""
    layout = Layout(out)
    _check_same_run(layout, options, runtime)
    summaries: dict[str, Any] = {}
    for stage in STAGES:
        marker = layout.marker(stage)
        if marker.exists():
            say(f"✓ {stage}: done earlier ({marker})")
            summaries[stage] = json.loads(marker.read_text(encoding="utf-8"))
            continue
        say(f"→ {stage}")
        summary = _run_stage(stage, layout, options, runtime, stop_at)
        if isinstance(summary, dict) and summary.get("complete") is False:
            say(
                f"⏸ {stage} paused at step {summary['steps']} of {summary['of_steps']}; "
                "run the same command again to resume."
            )
            return summaries
        summaries[stage] = summary if summary is not None else {"skipped": "--base given"}
        stages.on_main(runtime, lambda s=stage: _mark(layout.marker(s), summaries[s]))
    return summaries


def _run_stage(
    stage: str, layout: Layout, options: Options, runtime: Runtime, stop_at: int | None
) -> dict[str, Any] | None:
    """Do one stage; None for the stages a `--base` model replaces (and in helper processes
    for stages only the main process runs)."""
    preset = options.preset
    sft_model = layout.sft / stages.MODEL_DIR
    if options.base and stage in ("tokenizer", "pretrain"):
        return None
    if stage == "corpus":
        extra = list(options.extra)
        return stages.on_main(
            runtime, lambda: build_corpus(layout.corpus, preset.corpus, preset.seed, extra)
        )
    if stage == "tokenizer":
        vocab, context = preset.vocab_size, preset.model.context
        return stages.on_main(
            runtime, lambda: build_tokenizer(layout.corpus, layout.tokenizer, vocab, context)
        )
    if stage == "pretrain":
        return stages.pretrain(
            layout.corpus, layout.tokenizer, layout.pretrain, preset, runtime, stop_at
        )
    if stage == "sft":
        init = options.base or layout.pretrain / stages.MODEL_DIR
        lora = preset.lora if options.lora else None
        return stages.sft(layout.corpus, init, layout.sft, preset, runtime, lora, stop_at)
    if stage == "eval":
        return stages.on_main(
            runtime,
            lambda: evaluate(sft_model, layout.corpus, preset.evaluation, preset.seed),
        )
    if stage == "export":
        facts = _facts(layout, options) | {"exported_on": runtime.describe()}
        return stages.on_main(runtime, lambda: export(sft_model, layout.out, facts))
    raise ValueError(f"unknown stage {stage!r}; the stages are {', '.join(STAGES)}")


def _mark(path: Path, summary: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), "utf-8")
    tmp.replace(path)


def _check_same_run(layout: Layout, options: Options, runtime: Runtime) -> None:
    """Record the run's options on the first call; refuse to continue with different ones."""
    record = {
        "preset": asdict(options.preset),
        "extra": [str(p) for p in options.extra],
        "base": str(options.base) if options.base else None,
        "lora": options.lora,
    }
    path = layout.work / "run.json"
    if path.exists():
        earlier = json.loads(path.read_text(encoding="utf-8"))
        if earlier != json.loads(json.dumps(record)):
            raise ValueError(
                f"{layout.out} holds a run started with other options ({path}); "
                "repeat them to resume, or choose another --out."
            )
        return
    stages.on_main(runtime, lambda: _mark(path, record))


def _facts(layout: Layout, options: Options) -> dict[str, Any]:
    """What the model card reports: preset, corpus manifest, stage summaries, tokenizer."""

    def read(path: Path) -> dict[str, Any] | None:
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    trained = {
        name: summary
        for name in ("pretrain", "sft")
        if (summary := read(getattr(layout, name) / stages.SUMMARY))
    }
    return {
        "preset": options.preset.name,
        "drill_share": options.preset.pretrain.drill_share,
        "base": str(options.base) if options.base else None,
        "manifest": read(layout.corpus / "manifest.json") or {},
        "stages": trained,
        "tokenizer": read(layout.tokenizer / "report.json"),
    }
