"""`muse train` on the command line: its commands, and clear errors."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from muse.cli import app


def test_train_lists_every_stage() -> None:
    result = CliRunner().invoke(app, ["train", "--help"])
    assert result.exit_code == 0
    for command in ("corpus", "tokenizer", "pretrain", "sft", "eval", "all"):
        assert command in result.output


def test_a_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["train", "tokenizer", "--corpus", str(tmp_path / "none"), "--out", str(tmp_path / "t")],
    )
    assert result.exit_code == 2
    assert "muse train:" in result.output and "pretrain.jsonl" in result.output


def test_an_unknown_preset_names_the_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["train", "all", "--preset", "huge", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "huge" in result.output and "tiny" in result.output
