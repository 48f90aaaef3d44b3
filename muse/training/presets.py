"""Training presets: how much data, which model shape and how long each stage trains.

`tiny` runs every stage in seconds (tests); `cpu` trains a useful ~7M-parameter model on two
cores in well under an hour; `gpu` a ~30M-parameter model in minutes on one large GPU. CLI
options override single fields (`dataclasses.replace`), so a preset is only a starting point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from muse.core.config import Settings


@dataclass(frozen=True)
class CorpusConfig:
    """What `muse train corpus` gathers and how it splits it."""

    max_docs_per_source: int | None = None  # None: every document of every package source
    sft_dialogues: int = 50_000  # composed dialogues from the training categories
    heldout_dialogues: int = 1_000  # composed dialogues from the held-out categories
    pretrain_dialogues: int = 5_000  # composed dialogues, rendered as text, in pretraining
    # Brief-grounded ad/tagline briefs (phrasebook.py): 200 make ~490 examples, under 5% of the
    # composer's pool beside ~10,350 authored ones (data README, "Brief-grounded copy").
    phrasebook_briefs: int = 200
    copy_drills: int = 30_000  # documents that repeat spans (drills.py), mixed into pretraining
    heldout_share: float = 0.1  # share of categories kept out of training altogether
    val_share: float = 0.01  # share of package documents kept for the pretraining val loss
    poetry: str = "auto"  # chinese-poetry from npm: "auto" (if installed), "on", "off"
    poetry_limit: int = 4_000  # poems read at most (opencc conversion is slow)
    near_duplicate: float = 0.8  # estimated Jaccard similarity above which a document is dropped


@dataclass(frozen=True)
class ModelConfig:
    """A Llama decoder: head size 64 (heads = hidden // 64), tied embeddings."""

    hidden_size: int
    layers: int
    intermediate_size: int
    context: int  # max_position_embeddings: the longest prompt + reply served


@dataclass(frozen=True)
class StageConfig:
    """One run of the training loop (pretraining or SFT)."""

    steps: int
    batch_size: int  # sequences per micro-batch (per process under torchrun)
    grad_accum: int
    seq_len: int
    lr: float
    warmup_steps: int
    min_lr_ratio: float = 0.1  # cosine decays to lr × this
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    eval_every: int = 200
    eval_batches: int = 20
    checkpoint_every: int = 200
    drill_share: float = 0.0  # of each batch's rows, the share drawn from the copy drills


@dataclass(frozen=True)
class LoraConfig:
    """LoRA adapters (Hu et al., 2021) for `--base --lora`: rank, scale and dropout."""

    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05


@dataclass(frozen=True)
class EvalConfig:
    """What `muse train eval` generates and scores."""

    briefs: int = 40  # held-out ad and tagline briefs generated for the copy metrics
    sample_briefs: int = 20  # briefs (all tasks) in the Markdown sample sheet
    max_docs: int = 500  # held-out dialogues and documents scored for perplexity
    max_tokens: int | None = None  # cap on generated tokens (None: each skill's own limit)
    # Drafts per three shown, as serving draws them (best-of-n; MUSE_CANDIDATES' default).
    candidates: int = Settings.model_fields["candidates"].default
    # The engine's copy prior for ad copy and taglines, as the skills ask for it; off measures
    # what the model names on its own (`muse train eval --no-copy-prior`).
    copy_prior: bool = True


@dataclass(frozen=True)
class Preset:
    """Everything `muse train all` needs besides paths."""

    name: str
    vocab_size: int
    corpus: CorpusConfig
    model: ModelConfig
    pretrain: StageConfig
    sft: StageConfig
    evaluation: EvalConfig
    compile: bool  # torch.compile the model (guarded: eager when it fails)
    precision: str = "auto"  # "auto" (bf16 where the hardware has it), "bf16" or "fp32"
    threads: int | None = None  # CPU threads for torch; None: torch's default (all cores)
    lora: LoraConfig = field(default_factory=LoraConfig)
    seed: int = 1234


PRESETS: dict[str, Preset] = {
    "tiny": Preset(
        name="tiny",
        vocab_size=1024,
        corpus=CorpusConfig(
            max_docs_per_source=300,
            sft_dialogues=400,
            heldout_dialogues=40,
            pretrain_dialogues=200,
            phrasebook_briefs=100,
            copy_drills=100,
            heldout_share=0.2,
            val_share=0.05,
            poetry="off",
        ),
        model=ModelConfig(hidden_size=64, layers=2, intermediate_size=128, context=1024),
        pretrain=StageConfig(
            steps=20,
            batch_size=8,
            grad_accum=1,
            seq_len=128,
            lr=3e-3,
            warmup_steps=4,
            eval_every=10,
            eval_batches=2,
            checkpoint_every=10,
            drill_share=0.25,
        ),
        sft=StageConfig(
            steps=20,
            batch_size=4,
            grad_accum=1,
            seq_len=256,
            lr=2e-3,
            warmup_steps=4,
            eval_every=10,
            eval_batches=2,
            checkpoint_every=10,
        ),
        evaluation=EvalConfig(briefs=2, sample_briefs=4, max_docs=20, max_tokens=24),
        compile=False,
        # At this size bf16's casts cost more than its matmuls save, and a second thread only
        # adds synchronisation (and stalls badly on a busy machine).
        precision="fp32",
        threads=1,
    ),
    "cpu": Preset(
        name="cpu",
        vocab_size=8192,
        # Composed dialogues in pretraining stay below the package text (~3M characters).
        corpus=CorpusConfig(),
        # 8192·256 embedding (2.1M) + 6 × (4·256² attention + 3·256·768 MLP) ≈ 7.2M parameters.
        model=ModelConfig(hidden_size=256, layers=6, intermediate_size=768, context=1024),
        pretrain=StageConfig(
            steps=1500,
            batch_size=16,
            grad_accum=1,
            seq_len=256,
            lr=1.5e-3,
            warmup_steps=100,
            # Copy drills for induction heads (drills.py); at this budget they have not yet
            # produced measurable copying (repeat_loss in metrics.json), see data/README.md.
            drill_share=0.4,
        ),
        sft=StageConfig(
            steps=3000,
            batch_size=16,
            grad_accum=1,
            seq_len=384,
            lr=5e-4,
            warmup_steps=50,
        ),
        evaluation=EvalConfig(briefs=40),
        compile=True,
    ),
    "gpu": Preset(
        name="gpu",
        vocab_size=8192,
        corpus=CorpusConfig(pretrain_dialogues=15_000),
        # 8192·512 embedding (4.2M) + 8 × (4·512² + 3·512·1408) ≈ 29.9M parameters, 57 MiB bf16.
        model=ModelConfig(hidden_size=512, layers=8, intermediate_size=1408, context=1024),
        pretrain=StageConfig(
            steps=3000,
            batch_size=64,
            grad_accum=1,
            seq_len=512,
            lr=1e-3,
            warmup_steps=200,
            eval_every=500,
            checkpoint_every=500,
            drill_share=0.25,
        ),
        sft=StageConfig(
            steps=1500,
            batch_size=64,
            grad_accum=1,
            seq_len=512,
            lr=3e-4,
            warmup_steps=100,
            eval_every=500,
            checkpoint_every=500,
        ),
        evaluation=EvalConfig(briefs=100),
        compile=True,
    ),
}


def get_preset(name: str) -> Preset:
    """The preset called `name`; ValueError naming the choices otherwise."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[name]
