"""`muse train eval`: how a model does on the categories it never trained on.

Writes `metrics.json` and `samples.md` into the model directory:
- perplexity and bits per character on held-out SFT replies and on held-out package text;
- loss on random runs of held-out text's tokens and on their repeats: can the model copy from
  its context;
- for ad copy and taglines generated from held-out briefs as users get them (generate.py):
  product mention (and the same for the model's first draw, before the core redrew copy that
  missed the product), brief keyword coverage, distinct-1/2 across a reply's variants,
  repeated 4-grams, ad-law hits left after the lint, structure;
- structure of every task's replies in the sample sheet;
- memorisation: the longest verbatim overlap of each output with the training text, beside the
  same figure for the hand-written reference outputs (which were never trained on).
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from muse.training.authored import TASKS
from muse.training.chatml import encode_dialogues
from muse.training.generate import Reply, generate_replies
from muse.training.jsonl import read_jsonl
from muse.training.overlap import TrainingText
from muse.training.perplexity import plain, repeat_loss, score
from muse.training.presets import EvalConfig
from muse.training.sheet import write_sheet
from muse.training.textmetrics import (
    distinct,
    drift,
    keyword_coverage,
    product_mention,
    repeated_4grams,
    structure_report,
)

METRICS = "metrics.json"
SHEET = "samples.md"


def evaluate(
    model_dir: Path, corpus: Path, config: EvalConfig, seed: int, out: Path | None = None
) -> dict[str, Any]:
    """Evaluate the HF model in `model_dir` on `corpus`'s held-out split; write the files into
    `out` (default: `model_dir`)."""
    metrics: dict[str, Any] = {
        "model": str(model_dir),
        "heldout_categories": _heldout(corpus),
        "copy_prior": config.copy_prior,
    }
    metrics |= likelihood(model_dir, corpus, config.max_docs)
    briefs = _distinct_briefs(read_jsonl(corpus / "heldout-briefs.jsonl"))
    scored = _round_robin(briefs, ("ad", "tagline"), config.briefs)
    sheet = _round_robin(briefs, TASKS, config.sample_briefs)
    chosen = list({_key(b): b for b in [*scored, *sheet]}.values())
    replies = {
        _key(r.brief): r
        for r in generate_replies(
            model_dir, chosen, seed, config.max_tokens, config.candidates, config.copy_prior
        )
    }
    metrics["copy"] = _copy_metrics([replies[_key(b)] for b in scored])
    metrics["structure"] = _structure_by_task(replies.values())
    metrics["formats"] = _structure_by_format(replies.values())
    metrics["memorisation"] = _memorisation(corpus, replies.values())
    sample = [replies[_key(b)] for b in sheet]
    out = out or model_dir
    out.mkdir(parents=True, exist_ok=True)
    (out / METRICS).write_text(json.dumps(metrics, ensure_ascii=False, indent=2), "utf-8")
    write_sheet(out / SHEET, sample, metrics)
    return metrics


def _heldout(corpus: Path) -> list[str]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    return manifest["authored"]["heldout_categories"]


def likelihood(model_dir: Path, corpus: Path, max_docs: int) -> dict[str, Any]:
    """Perplexity and bits/char on held-out replies and package text; repeat loss."""
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(
        model_dir, local_files_only=True, dtype=torch.float32
    )
    model.to("cuda" if torch.cuda.is_available() else "cpu")
    dialogues = list(read_jsonl(corpus / "sft-heldout.jsonl"))[:max_docs]
    encoded = encode_dialogues(tokenizer, [(d["messages"], d["only_last"]) for d in dialogues])
    texts = [r["text"] for r in read_jsonl(corpus / "pretrain-val.jsonl")][:max_docs]
    return {
        "heldout_replies": score(model, tokenizer, encoded, "score held-out replies"),
        "heldout_text": score(model, tokenizer, plain(tokenizer, texts), "score held-out text"),
        "repeat_loss": repeat_loss(model, tokenizer, texts, seed=0),
    }


def _key(brief: dict[str, Any]) -> tuple[str, str, str]:
    """What tells requests apart: the task, the platform format and the brief."""
    return brief["task"], brief.get("format") or "", brief["brief"]


def _distinct_briefs(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per request: an ad brief has three authored variants."""
    return list({_key(r): r for r in reversed(list(records))}.values())[::-1]


def _round_robin(
    briefs: list[dict[str, Any]], tasks: Iterable[str], count: int
) -> list[dict[str, Any]]:
    """Up to `count` briefs taking the tasks in turn, so each is represented."""
    queues = {t: [b for b in briefs if b["task"] == t] for t in tasks}
    chosen: list[dict[str, Any]] = []
    while len(chosen) < count and any(queues.values()):
        for queue in queues.values():
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    return chosen


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(statistics.fmean(kept), 4) if kept else None


def _copy_metrics(replies: list[Reply]) -> dict[str, Any]:
    """Coverage, diversity, repetition, ad-law hits and structure of ad copy and taglines."""
    by_task: dict[str, dict[str, Any]] = {}
    for task in ("ad", "tagline"):
        mine = [r for r in replies if r.brief["task"] == task]
        if not mine:
            continue
        structures = [
            structure_report(
                task, r.completions, r.variants, r.brief["lang"], r.brief.get("format")
            )
            for r in mine
        ]
        by_task[task] = {
            "briefs": len(mine),
            # Each ad variant is an output; a tagline reply (five lines) is one (_outputs).
            "product_mention": _mean(
                product_mention(r.brief["brief"], r.brief["lang"], _outputs(r)) for r in mine
            ),
            # The same for the first drafts, before best-of-n and the redraws: the model alone.
            "product_mention_first_draw": _mean(
                product_mention(r.brief["brief"], r.brief["lang"], r.drafts) for r in mine
            ),
            # Outputs that name another category's product, as delivered and as first drawn.
            "drift": _mean(drift(r.brief["brief"], r.brief["lang"], _outputs(r)) for r in mine),
            "drift_first_draw": _mean(
                drift(r.brief["brief"], r.brief["lang"], r.drafts) for r in mine
            ),
            "redrawn_share": _mean(r.redrawn / len(r.drafts) for r in mine),
            "keyword_coverage": _mean(keyword_coverage(r.brief["brief"], r.variants) for r in mine),
            "distinct_1": _mean(distinct(r.variants, 1) for r in mine),
            "distinct_2": _mean(distinct(r.variants, 2) for r in mine),
            "repeated_4gram_rate": _mean(repeated_4grams(c) for r in mine for c in r.completions),
            "adlaw_flagged_share": _mean(bool(f) for r in mine for f in r.flags),
            "empty_replies": sum(not r.variants for r in mine),
        } | {key: _mean(float(s[key]) for s in structures if key in s) for key in structures[0]}
    return by_task


def _outputs(reply: Reply) -> list[str]:
    """What the copy metrics count as outputs: each ad variant; a tagline reply (five lines)
    as one."""
    return reply.variants if reply.brief["task"] == "ad" else ["\n".join(reply.variants)]


def _structure_by_task(replies: Iterable[Reply]) -> dict[str, Any]:
    """Share of replies per task whose every completion has its skill's structure."""
    followed: dict[str, list[float]] = defaultdict(list)
    for r in replies:
        b = r.brief
        report = structure_report(b["task"], r.completions, r.variants, b["lang"], b.get("format"))
        followed[b["task"]].append(float(report["followed"]))
    return {task: {"replies": len(v), "followed": _mean(v)} for task, v in sorted(followed.items())}


def _structure_by_format(replies: Iterable[Reply]) -> dict[str, Any]:
    """Per platform format (ad and tagline alike): replies, the share whose every completion
    has the format's shape, and the share of variants within all its hard limits."""
    reports: dict[str, list[dict[str, float | bool]]] = defaultdict(list)
    for r in replies:
        if fmt := r.brief.get("format"):
            b = r.brief
            reports[fmt].append(
                structure_report(b["task"], r.completions, r.variants, b["lang"], fmt)
            )
    return {
        fmt: {
            "replies": len(found),
            "followed": _mean(float(x["followed"]) for x in found),
            "limits_kept": _mean(float(x["limits_kept"]) for x in found),
        }
        for fmt, found in sorted(reports.items())
    }


def _memorisation(corpus: Path, replies: Iterable[Reply]) -> dict[str, Any]:
    """Longest verbatim overlap with the training text, for outputs and for the references."""
    texts = [r["text"] for r in read_jsonl(corpus / "pretrain.jsonl")]
    texts += [d["messages"][-1]["content"] for d in read_jsonl(corpus / "sft-train.jsonl")]
    index = TrainingText(dict.fromkeys(texts))
    replies = list(replies)
    generated = [index.longest_overlap(v) for r in replies for v in r.variants]
    reference = [index.longest_overlap(r.brief["output"]) for r in replies]
    return {
        "outputs": len(generated),
        "longest_overlap_mean": _mean(generated),
        "longest_overlap_max": max(generated, default=0),
        "reference_overlap_mean": _mean(reference),
        "reference_overlap_max": max(reference, default=0),
    }
