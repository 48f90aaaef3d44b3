"""`muse train eval --baseline`: metrics side by side, judged by each metric's direction."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from muse.cli import app
from muse.training.compare import COMPARISON, compare, flatten, render
from muse.training.pipeline import Layout


def test_flatten_keeps_measures_and_drops_counts() -> None:
    metrics = {
        "model": "m",
        "heldout_replies": {"bits_per_char": 5.0, "tokens": 100, "perplexity": 30.0},
        "copy": {"ad": {"briefs": 4, "product_mention": 0.5, "followed": True}},
    }
    assert dict(flatten(metrics)) == {
        "heldout_replies.bits_per_char": 5.0,
        "copy.ad.product_mention": 0.5,
    }


def test_each_metric_is_judged_by_its_direction() -> None:
    base = {"a": {"bits_per_char": 6.0, "product_mention": 0.8, "drift": 0.1, "distinct_2": 0.7}}
    model = {"a": {"bits_per_char": 5.5, "product_mention": 0.7, "drift": 0.1, "keyword": 0.3}}
    verdicts = {r.metric: r.verdict for r in compare(model, base)}
    assert verdicts == {
        "a.bits_per_char": "better",
        "a.product_mention": "worse",
        "a.drift": "same",
        "a.keyword": "—",
        "a.distinct_2": "—",
    }
    table = render(compare(model, base), "dpo", "base")
    assert "1 metrics better, 1 worse" in table
    assert "| a.bits_per_char | 6 | 5.5 | -0.5 | better |" in table


def test_eval_with_a_baseline_writes_both_and_the_comparison(
    tiny_run: Path, tmp_path: Path
) -> None:
    layout = Layout(tiny_run)
    out = tmp_path / "eval"
    result = CliRunner().invoke(
        app,
        [
            "train", "eval", str(tiny_run), "--corpus", str(layout.corpus), "--preset", "tiny",
            "--out", str(out), "--baseline", str(layout.pretrain / "model"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ours = json.loads((out / "metrics.json").read_text("utf-8"))
    theirs = json.loads((out / "baseline" / "metrics.json").read_text("utf-8"))
    assert ours["model"] == str(tiny_run) and theirs["model"] == str(layout.pretrain / "model")
    report = (out / COMPARISON).read_text("utf-8")
    assert report in result.output
    assert "| heldout_replies.bits_per_char |" in report
    # SFT taught the replies: the fine-tuned model scores them better than its pretrained base.
    row = next(line for line in report.splitlines() if "heldout_replies.bits_per_char" in line)
    assert row.endswith("| better |"), row
