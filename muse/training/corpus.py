"""`muse train corpus`: gather, clean, deduplicate and split the training text.

Pretraining text = package text (sources.py) + composed creative dialogues rendered in ChatML;
copy drills made from the package text (drills.py) are a split of their own, mixed into
pretraining batches at the stage's `drill_share`.
SFT data = composed dialogues (plus a team's `--extra` dialogues). The creative categories are
split first: held-out categories feed only evaluation, so its numbers describe products the
model never saw. Writes into DIR:

    pretrain.jsonl        {"source", "text"}, weighted and shuffled
    drills.jsonl          {"source", "text"}: copy drills
    pretrain-val.jsonl    package documents kept out for the validation loss
    sft-train.jsonl       {"source", "category", "task", "lang", "messages", "only_last"}
    sft-heldout.jsonl     the same, held-out categories only
    heldout-briefs.jsonl  authored examples of the held-out categories (briefs to generate for)
    manifest.json         per source: origin, license, weight, counts; the category split
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tqdm import tqdm

from muse.training import authored, compose, phrasebook
from muse.training.chatml import render
from muse.training.dedup import deduplicate
from muse.training.drills import copy_drills
from muse.training.jsonl import write_jsonl
from muse.training.presets import CorpusConfig
from muse.training.sources import SourceText, read_sources
from muse.training.textclean import Filters, normalize

MANIFEST = "manifest.json"


def build_corpus(out: Path, config: CorpusConfig, seed: int, extra: list[Path]) -> dict[str, Any]:
    """Write the corpus files into `out` and return the manifest (also written)."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("tokens-*"):  # shards packed from an earlier corpus
        shutil.rmtree(stale)
    rng = random.Random(seed)
    examples = authored.load_examples()
    categories = compose.categories(examples)
    heldout = _heldout_categories(categories, config.heldout_share, rng)
    trained = [c for c in categories if c not in heldout]

    pretrain: list[dict[str, str]] = []
    val: list[dict[str, str]] = []
    sft: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    notes: list[str] = []
    for found in read_sources(config.poetry, config.poetry_limit, extra, seed):
        if isinstance(found, str):
            notes.append(found)
            continue
        docs, report = _clean(found, config, seed)
        rng.shuffle(docs)
        n_val = round(len(docs) * config.val_share)
        val += [{"source": found.name, "text": d} for d in docs[:n_val]]
        mixed = list(_weighted(docs[n_val:], found.weight, rng))
        pretrain += [{"source": found.name, "text": d} for d in mixed]
        sft += [_sft_record(found.name, "", "chat", "", d, False) for d in found.dialogues]
        sources.append(report | {"val": n_val, "in_mix": len(mixed), "sft": len(found.dialogues)})

    drills = [
        {"source": "drills", "text": d}
        for d in copy_drills([r["text"] for r in pretrain], config.copy_drills, seed + 5)
    ]

    # The composer draws fresh ad/tagline requests from the authored and the grounded examples
    # alike; held-out categories get neither (they stay the hand-written briefs only).
    grounded = phrasebook.generate(examples, trained, config.phrasebook_briefs, seed + 4)
    mixed_examples = [*examples, *grounded]
    composed_text = [
        {"source": "composed", "text": render(d.messages)}
        for d in _composed(mixed_examples, config.pretrain_dialogues, seed + 1, trained, "pretrain")
    ]
    pretrain += composed_text
    rng.shuffle(pretrain)
    sft += [
        _sft_record("composed", d.category, d.task, d.lang, d.messages, True)
        for d in _composed(mixed_examples, config.sft_dialogues, seed + 2, trained, "SFT")
    ]
    rng.shuffle(sft)
    heldout_sft = [
        _sft_record("composed", d.category, d.task, d.lang, d.messages, True)
        for d in _composed(examples, config.heldout_dialogues, seed + 3, heldout, "held-out")
    ]
    briefs = [
        {
            "task": e.task,
            "format": e.format,
            "lang": e.lang,
            "category": e.category,
            "brief": e.brief,
            "output": e.output,
        }
        for e in examples
        if e.category in heldout
    ]

    write_jsonl(out / "pretrain.jsonl", pretrain)
    write_jsonl(out / "pretrain-val.jsonl", val)
    write_jsonl(out / "drills.jsonl", drills)
    write_jsonl(out / "sft-train.jsonl", sft)
    write_jsonl(out / "sft-heldout.jsonl", heldout_sft)
    write_jsonl(out / "heldout-briefs.jsonl", briefs)
    manifest = {
        "seed": seed,
        "config": asdict(config),
        "sources": sources,
        "notes": notes,
        "authored": {
            "examples": len(examples),
            "grounded_examples": len(grounded),
            "license": "project-written for Muse (MIT, as the repository)",
            "categories": len(categories),
            "trained_categories": trained,
            "heldout_categories": heldout,
            "tasks": dict(Counter(e.task for e in examples)),
            "languages": dict(Counter(e.lang for e in examples)),
        },
        "pretrain": _counts(pretrain) | {"composed_dialogues": len(composed_text)},
        "pretrain_val": _counts(val),
        "drills": _counts(drills),
        "sft_train": {"dialogues": len(sft), "by_task": dict(Counter(r["task"] for r in sft))},
        "sft_heldout": {"dialogues": len(heldout_sft)},
        "heldout_briefs": len(briefs),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    return manifest


def _heldout_categories(categories: list[str], share: float, rng: random.Random) -> list[str]:
    """A fixed-seed sample of the categories, at least one, leaving at least one to train on."""
    if len(categories) < 2:
        raise ValueError(
            f"the authored data has {len(categories)} category; a held-out split needs two or more"
        )
    count = min(len(categories) - 1, max(1, round(len(categories) * share)))
    return sorted(rng.sample(categories, count))


def _clean(found: SourceText, config: CorpusConfig, seed: int) -> tuple[list[str], dict[str, Any]]:
    """Normalized, filtered, deduplicated documents of one source and what happened to them."""
    documents = found.documents
    if config.max_docs_per_source is not None:
        documents = random.Random(seed).sample(
            documents, min(len(documents), config.max_docs_per_source)
        )
    filters = Filters()
    dropped: Counter[str] = Counter()
    candidates: list[str] = []
    for text in tqdm(documents, desc=f"clean {found.name}", unit="doc", leave=False):
        text = normalize(text)
        problem = filters.problem(text)
        if problem:
            dropped[problem] += 1
        else:
            candidates.append(text)
    kept: list[str] = []
    for index, duplicate in deduplicate(candidates, config.near_duplicate, seed, found.name):
        if duplicate:
            dropped[duplicate] += 1
        else:
            kept.append(candidates[index])
    report = {
        "name": found.name,
        "origin": found.origin,
        "license": found.license,
        "weight": found.weight,
        "read": len(documents),
        "dropped": dict(dropped),
        "kept": len(kept),
        "chars": sum(len(d) for d in kept),
    }
    return kept, report


def _weighted(docs: list[str], weight: float, rng: random.Random) -> Iterator[str]:
    """Each document int(weight) times, plus once more with probability frac(weight)."""
    whole, fraction = int(weight), weight - int(weight)
    for doc in docs:
        for _ in range(whole + (rng.random() < fraction)):
            yield doc


def _composed(
    examples: list[authored.Example], count: int, seed: int, categories: list[str], what: str
) -> Iterable[compose.Dialogue]:
    """`count` composed dialogues from `categories`, with a progress bar."""
    if count <= 0:
        return []
    dialogues = compose.compose(examples, count, seed, categories=categories)
    return tqdm(dialogues, total=count, desc=f"compose {what}", unit="dialogue", leave=False)


def _sft_record(
    source: str, category: str, task: str, lang: str, messages: Iterable[Any], only_last: bool
) -> dict[str, Any]:
    return {
        "source": source,
        "category": category,
        "task": task,
        "lang": lang,
        "messages": [dict(m) for m in messages],
        "only_last": only_last,
    }


def _counts(records: list[dict[str, str]]) -> dict[str, Any]:
    """Documents and characters in all and per source."""
    docs: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    for record in records:
        docs[record["source"]] += 1
        chars[record["source"]] += len(record["text"])
    return {
        "documents": sum(docs.values()),
        "chars": sum(chars.values()),
        "by_source": {s: {"documents": docs[s], "chars": chars[s]} for s in sorted(docs)},
    }
