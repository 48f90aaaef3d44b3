"""`muse train eval --baseline`: a model's held-out metrics beside its base's, in one table.

Both models are evaluated by `evaluate.evaluate` on the same held-out briefs with the same
seed, so a difference is the models'. Each numeric metric of metrics.json is one row: the
baseline, the model, the change and whether it is better — by the metric's direction (bits per
character, drift, repeats, ad-law hits and overlap with the training text are better lower;
mention, coverage, distinct-n, structure and copy gain higher). Counts (briefs, tokens) are left
out: they say what was measured, not how well.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

COMPARISON = "comparison.md"

# Metric names (the last part of a dotted path) that describe the sample, not the model.
_COUNTS = {"briefs", "replies", "tokens", "chars", "outputs", "perplexity", "first", "repeat"}
# Parts of a metric's name that mean lower is better; every other metric is better higher.
_LOWER = ("bits_per_char", "repeated", "adlaw", "empty", "drift", "overlap", "redrawn")


@dataclass(frozen=True, slots=True)
class Row:
    """One metric of both models."""

    metric: str
    baseline: float | None
    model: float | None

    @property
    def change(self) -> float | None:
        if self.baseline is None or self.model is None:
            return None
        return self.model - self.baseline

    @property
    def verdict(self) -> str:
        """ "better", "worse" or "same" by the metric's direction; "—" when one side lacks it."""
        change = self.change
        if change is None:
            return "—"
        if abs(change) < 1e-9:
            return "same"
        lower = any(part in self.metric for part in _LOWER)
        return "better" if (change < 0) == lower else "worse"


def flatten(metrics: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, float]]:
    """The numeric leaves of `metrics` as (dotted path, value), counts left out."""
    for key, value in metrics.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from flatten(value, f"{path}.")
        elif isinstance(value, int | float) and not isinstance(value, bool) and key not in _COUNTS:
            yield path, float(value)


def compare(model: dict[str, Any], baseline: dict[str, Any]) -> list[Row]:
    """One row per metric either model has, in the model's order, then the baseline's extras."""
    ours, theirs = dict(flatten(model)), dict(flatten(baseline))
    names = list(ours) + [n for n in theirs if n not in ours]
    return [Row(n, theirs.get(n), ours.get(n)) for n in names]


def render(rows: list[Row], model_name: str, baseline_name: str) -> str:
    """A Markdown table with a count of better and worse metrics above it."""
    better = sum(r.verdict == "better" for r in rows)
    worse = sum(r.verdict == "worse" for r in rows)
    lines = [
        f"# {model_name} against {baseline_name}",
        "",
        f"Held-out categories, same briefs and seed: {better} metrics better, {worse} worse.",
        "",
        "| metric | baseline | model | change | |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.metric} | {_number(r.baseline)} | {_number(r.model)} | "
        f"{_number(r.change, signed=True)} | {r.verdict} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def _number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.4g}" if signed else f"{value:.4g}"
