"""`muse train all --preset tiny`, run in-process once per test session (fixture `tiny_run`)."""

from __future__ import annotations

from pathlib import Path

from muse.training.pipeline import Options, run_all
from muse.training.presets import get_preset
from muse.training.runtime import start


def run_tiny(out: Path) -> Path:
    """Run every stage with the tiny preset into `out`; return `out` (the exported model)."""
    preset = get_preset("tiny")
    run_all(out, Options(preset), start(preset.precision, preset.threads), say=lambda line: None)
    return out
