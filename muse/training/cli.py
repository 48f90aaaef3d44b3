"""`muse train …`: the training stages as commands, and `all` to run them in order.

Settings for training are these options and the presets (presets.py), never Muse's service
settings. Every command accepts `--preset`; options given explicitly override its fields.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from muse.training.presets import PRESETS, Preset, get_preset

app = typer.Typer(
    help="Train Muse's dialogue model: corpus → tokenizer → pretrain → SFT → eval → export.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# The presets' names as a choice, so typer lists them and refuses others.
PresetName = StrEnum("PresetName", list(PRESETS))  # type: ignore[misc]
PresetOption = Annotated[PresetName, typer.Option("--preset", help="Model size and data amounts.")]
PrecisionOption = Annotated[
    str | None,
    typer.Option(
        help="auto (bf16 where the hardware has it), bf16 or fp32; default: the preset's."
    ),
]
CompileOption = Annotated[
    bool | None,
    typer.Option("--compile/--no-compile", help="torch.compile (default: the preset's)."),
]
StopOption = Annotated[
    int | None, typer.Option(help="Pause after this step; the same command resumes later.")
]
StepsOption = Annotated[int | None, typer.Option(help="Training steps (default: the preset's).")]


@contextmanager
def _clear_errors() -> Iterator[None]:
    """Missing packages, bad data and bad options end the command with their message."""
    from muse.training.authored import AuthoredDataError
    from muse.training.sources import SourceMissing

    try:
        yield
    except (SourceMissing, AuthoredDataError, ValueError, FileNotFoundError) as exc:
        typer.echo(f"muse train: {exc}", err=True)
        raise typer.Exit(2) from exc


def _preset(name: str, **stage_overrides: Any) -> Preset:
    """The preset with explicit overrides: pretrain_steps, sft_steps, compile."""
    preset = get_preset(name)
    if stage_overrides.get("pretrain_steps"):
        preset = replace(
            preset, pretrain=replace(preset.pretrain, steps=stage_overrides["pretrain_steps"])
        )
    if stage_overrides.get("sft_steps"):
        preset = replace(preset, sft=replace(preset.sft, steps=stage_overrides["sft_steps"]))
    if stage_overrides.get("compile") is not None:
        preset = replace(preset, compile=stage_overrides["compile"])
    return preset


def _runtime(preset: Preset, precision: str | None) -> Any:
    from muse.training.runtime import start

    return start(precision or preset.precision, preset.threads)


def _show(result: Any) -> None:
    """Print a stage's summary as JSON, once: under torchrun only the first process prints."""
    if os.environ.get("RANK", "0") == "0":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))


@app.command()
def corpus(
    out: Annotated[Path, typer.Option(help="Directory for the corpus files and manifest.json.")],
    preset: PresetOption = PresetName.cpu,
    extra: Annotated[
        list[Path] | None,
        typer.Option(
            help="Your own text: JSONL of {'messages': [...]} or {'text': ...}, or plain text. "
            "Repeatable."
        ),
    ] = None,
    poetry: Annotated[
        str | None, typer.Option(help="npm chinese-poetry: auto (if installed), on or off.")
    ] = None,
) -> None:
    """Gather, clean, deduplicate and split the training text (held-out categories apart)."""
    from muse.training.corpus import build_corpus

    chosen = get_preset(preset)
    config = replace(chosen.corpus, poetry=poetry) if poetry else chosen.corpus
    with _clear_errors():
        manifest = build_corpus(out, config, chosen.seed, list(extra or []))
    _show({k: manifest[k] for k in ("pretrain", "sft_train", "sft_heldout", "notes")})


@app.command()
def tokenizer(
    corpus: Annotated[Path, typer.Option(help="A directory written by `muse train corpus`.")],
    out: Annotated[Path, typer.Option(help="Directory for the tokenizer files.")],
    preset: PresetOption = PresetName.cpu,
    vocab_size: Annotated[int | None, typer.Option(help="Tokens (default: the preset's).")] = None,
) -> None:
    """Train the byte-level BPE with ChatML tokens and chat template; report chars/token."""
    from muse.training.tokenizer import build_tokenizer

    chosen = get_preset(preset)
    with _clear_errors():
        _show(build_tokenizer(corpus, out, vocab_size or chosen.vocab_size, chosen.model.context))


@app.command()
def pretrain(
    corpus: Annotated[Path, typer.Option(help="A directory written by `muse train corpus`.")],
    tokenizer: Annotated[Path, typer.Option(help="A directory written by `muse train tokenizer`.")],
    out: Annotated[Path, typer.Option(help="Directory for checkpoint.pt, loss.png and model/.")],
    preset: PresetOption = PresetName.cpu,
    steps: StepsOption = None,
    precision: PrecisionOption = None,
    compile: CompileOption = None,
    stop_at: StopOption = None,
) -> None:
    """Pretrain a new model of the preset's shape (resumes from OUT's checkpoint)."""
    from muse.training import stages

    chosen = _preset(preset, pretrain_steps=steps, compile=compile)
    with _clear_errors():
        _show(stages.pretrain(corpus, tokenizer, out, chosen, _runtime(chosen, precision), stop_at))


@app.command()
def sft(
    corpus: Annotated[Path, typer.Option(help="A directory written by `muse train corpus`.")],
    base: Annotated[
        Path,
        typer.Option(
            help="The model to fine-tune: pretrain's OUT/model, or any local Hugging Face "
            "causal LM directory."
        ),
    ],
    out: Annotated[Path, typer.Option(help="Directory for checkpoint.pt, loss.png and model/.")],
    preset: PresetOption = PresetName.cpu,
    lora: Annotated[
        bool, typer.Option(help="Train LoRA adapters (peft), merged into model/ at the end.")
    ] = False,
    steps: StepsOption = None,
    precision: PrecisionOption = None,
    compile: CompileOption = None,
    stop_at: StopOption = None,
) -> None:
    """Supervised fine-tuning on the composed dialogues, loss on the replies only."""
    from muse.training import stages

    chosen = _preset(preset, sft_steps=steps, compile=compile)
    with _clear_errors():
        runtime = _runtime(chosen, precision)
        _show(
            stages.sft(corpus, base, out, chosen, runtime, chosen.lora if lora else None, stop_at)
        )


@app.command("eval")
def evaluate(
    model: Annotated[Path, typer.Argument(help="A Hugging Face model directory to evaluate.")],
    corpus: Annotated[Path, typer.Option(help="A directory written by `muse train corpus`.")],
    preset: PresetOption = PresetName.cpu,
    copy_prior: Annotated[
        bool,
        typer.Option(
            "--copy-prior/--no-copy-prior",
            help="Generate with the engine's copy prior, as serving does (off: what the model "
            "names on its own).",
        ),
    ] = True,
    out: Annotated[
        Path | None,
        typer.Option(help="Write metrics.json and samples.md here instead of into MODEL."),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="A model to compare with (e.g. the base of a DPO run): evaluated on the same "
            "briefs into OUT/baseline, and comparison.md written beside metrics.json."
        ),
    ] = None,
) -> None:
    """Metrics on held-out categories; writes metrics.json and samples.md into MODEL."""
    from muse.training.compare import COMPARISON, compare, render
    from muse.training.evaluate import evaluate as run_eval

    chosen = get_preset(preset)
    config = replace(chosen.evaluation, copy_prior=copy_prior)
    with _clear_errors():
        metrics = run_eval(model, corpus, config, chosen.seed, out)
        if baseline is None:
            _show(metrics)
            return
        where = out or model
        base_metrics = run_eval(baseline, corpus, config, chosen.seed, where / "baseline")
        report = render(compare(metrics, base_metrics), str(model), str(baseline))
        (where / COMPARISON).write_text(report, encoding="utf-8")
        typer.echo(report)


@app.command("preferences")
def preferences(
    out: Annotated[Path, typer.Option(help="Directory for preferences.jsonl and summary.json.")],
    platform: Annotated[
        str | None, typer.Option(help="The team's platform: slack, telegram or terminal.")
    ] = None,
    workspace: Annotated[
        str | None, typer.Option(help="The team's workspace id (Slack team id, Telegram bot id).")
    ] = None,
    all_workspaces: Annotated[
        bool, typer.Option(help="Every team's feedback at once (an operator's export).")
    ] = False,
    database: Annotated[
        str | None, typer.Option(help="SQLAlchemy URL of Muse's database (MUSE_DATABASE_URL).")
    ] = None,
) -> None:
    """Preference pairs (chosen/rejected for the same prompt) from 👍/👎 and regenerations."""
    from muse.core.config import Settings
    from muse.training.preferences import derive

    if all_workspaces == bool(platform and workspace):
        typer.echo(
            "muse train preferences: name one team with --platform and --workspace, or pass "
            "--all-workspaces (a team's feedback trains only that team's model).",
            err=True,
        )
        raise typer.Exit(2)
    url = database or Settings().database_url
    summary = derive(url, out, platform, workspace)
    typer.echo(f"replies read: {summary.replies}")
    for kind, count in summary.by_kind.items():
        typer.echo(f"{kind}: {count}")
    typer.echo(f"{summary.pairs} pairs in {out / 'preferences.jsonl'}")


@app.command("dpo")
def dpo(
    base: Annotated[Path, typer.Option(help="The model to improve (a Hugging Face directory).")],
    preferences: Annotated[
        Path, typer.Option(help="A directory written by `muse train preferences`.")
    ],
    out: Annotated[Path, typer.Option(help="Export directory for the tuned model.")],
    steps: Annotated[int, typer.Option(help="Optimizer steps.")] = 200,
    beta: Annotated[float, typer.Option(help="DPO's β: how close to stay to the base.")] = 0.1,
    learning_rate: Annotated[float, typer.Option(help="Peak learning rate.")] = 5e-6,
    batch_size: Annotated[int, typer.Option(help="Pairs per step.")] = 4,
) -> None:
    """Direct Preference Optimization on a team's preference pairs (TRL's DPOTrainer)."""
    from muse.training.dpo import DpoConfig
    from muse.training.dpo import dpo as run_dpo

    config = DpoConfig(steps, beta, learning_rate, batch_size)
    with _clear_errors():
        _show(run_dpo(base, preferences, out, config))
    typer.echo(f"Model ready in {out}. Compare: muse train eval {out} --corpus C, and {base}")


@app.command("all")
def run_all(
    out: Annotated[
        Path, typer.Option(help="Export directory (e.g. models/default); stages work in OUT/work.")
    ],
    preset: PresetOption = PresetName.cpu,
    extra: Annotated[
        list[Path] | None, typer.Option(help="Your own text files for the corpus. Repeatable.")
    ] = None,
    base: Annotated[
        Path | None,
        typer.Option(help="Fine-tune this local Hugging Face model instead of pretraining one."),
    ] = None,
    lora: Annotated[bool, typer.Option(help="With --base: train LoRA adapters (peft).")] = False,
    pretrain_steps: Annotated[
        int | None, typer.Option(help="Override the preset's pretraining steps.")
    ] = None,
    sft_steps: Annotated[int | None, typer.Option(help="Override the preset's SFT steps.")] = None,
    precision: PrecisionOption = None,
    compile: CompileOption = None,
    stop_at: StopOption = None,
) -> None:
    """Every stage in order into OUT, resuming where a previous run stopped."""
    from muse.training.pipeline import Options
    from muse.training.pipeline import run_all as pipeline

    chosen = _preset(preset, pretrain_steps=pretrain_steps, sft_steps=sft_steps, compile=compile)
    options = Options(chosen, tuple(extra or ()), base, lora)
    say: Callable[[str], None] = lambda line: typer.echo(line, err=True)  # noqa: E731
    with _clear_errors():
        summaries = pipeline(out, options, _runtime(chosen, precision), stop_at, say)
    if "export" in summaries and os.environ.get("RANK", "0") == "0":
        typer.echo(f"Model ready in {out}. Try it: MUSE_MODEL_PATH={out} muse chat")
