"""`muse train dpo` on the tiny model with synthetic preferences: the preferred replies'
log-probability margin over the rejected ones grows, and the result exports like any stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muse.training.cli import app
from muse.training.dpo import load_pairs
from muse.training.jsonl import write_jsonl
from tests.tiny_model import build_tiny_model


def synthetic(out: Path, count: int = 8) -> Path:
    """A preferences directory: one chosen and one rejected tagline per prompt."""
    pairs = [
        {
            "prompt": [
                {"role": "system", "content": "你是缪斯，写广告语。"},
                {"role": "user", "content": f"写一句咖啡的广告语，第{i}版"},
            ],
            "chosen": [{"role": "assistant", "content": "咖啡，温暖每一天。"}],
            "rejected": [{"role": "assistant", "content": "手机，灵感无限！"}],
            "kind": "kept_over_passed",
        }
        for i in range(count)
    ]
    out.mkdir(parents=True)
    write_jsonl(out / "preferences.jsonl", pairs)
    return out


def test_the_margin_grows_and_the_model_exports(tmp_path: Path) -> None:
    base = build_tiny_model(tmp_path / "base")
    prefs = synthetic(tmp_path / "prefs")
    out = tmp_path / "dpo"
    args = ["dpo", "--base", str(base), "--preferences", str(prefs), "--out", str(out)]
    result = CliRunner().invoke(
        app, [*args, "--steps", "8", "--batch-size", "2", "--learning-rate", "1e-3"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "dpo-summary.json").read_text("utf-8"))
    assert summary["pairs"] == 8 and summary["steps"] == 8
    # The reference is the base itself, so the first step's margin is 0 by construction.
    assert summary["first_margin"] == pytest.approx(0.0, abs=1e-3)
    assert summary["last_margin"] > 0.5
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "tokenizer_config.json", "README.md", "generation_config.json"} <= names
    assert any(name.endswith(".safetensors") for name in names)
    assert "dpo" in (out / "README.md").read_text("utf-8")


def test_missing_or_empty_preferences_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="muse train preferences"):
        load_pairs(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    write_jsonl(tmp_path / "empty" / "preferences.jsonl", [])
    with pytest.raises(ValueError, match="no preference pairs"):
        load_pairs(tmp_path / "empty")
