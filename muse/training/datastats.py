"""How much authored data there is: counts per task and language, and per sector of the index.

    python -m muse.training.datastats [--json FILE]

Prints Markdown tables (the data README quotes them) and, with --json, writes the same figures.
A record is one brief with its outputs (an ad record has 3 variants, a tagline record 5 lines);
"outputs" counts each variant, which is what the loader turns into one training example.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from muse.training.authored import TASKS, Example, load_examples
from muse.training.card import markdown_table
from muse.training.categories import load_index, sector_of


def stats(examples: list[Example]) -> dict[str, Any]:
    """The figures of `examples`: per task/language records, outputs and follow-ups; per sector."""
    records = {(e.task, e.lang, e.category, e.brief) for e in examples}
    per_task: dict[str, dict[str, int]] = {}
    for task in TASKS:
        mine = [e for e in examples if e.task == task]
        per_task[task] = {
            "records": sum(1 for r in records if r[0] == task),
            "records_en": sum(1 for r in records if r[0] == task and r[1] == "en"),
            "outputs": len(mine),
            "follow_ups": sum(len(e.follow_ups) for e in mine),
        }
    sectors = sector_of()
    used = Counter(sectors.get(r[2], "—") for r in records)
    covered = {e.category for e in examples}
    per_sector = {
        s.name: {
            "slug": s.slug,
            "categories": len(s.categories),
            "covered": sum(c in covered for c in s.categories),
            "records": used[s.name],
        }
        for s in load_index()
    }
    follow_ups = sum(len(e.follow_ups) for e in examples)
    return {
        "records": len(records),
        "outputs": len(examples),
        "follow_ups": follow_ups,
        "examples": len(examples) + follow_ups,
        "english_share": round(sum(e.lang == "en" for e in examples) / max(len(examples), 1), 3),
        "categories_covered": len(covered),
        "categories_indexed": len(sectors),
        "tasks": per_task,
        "sectors": per_sector,
    }


def render(figures: dict[str, Any]) -> str:
    """Markdown tables of `figures` (as `stats` returns them)."""
    tasks = [
        [task, t["records"], t["records_en"], t["outputs"], t["follow_ups"]]
        for task, t in figures["tasks"].items()
    ]
    sectors = [
        [name, s["slug"], f"{s['covered']}/{s['categories']}", s["records"]]
        for name, s in figures["sectors"].items()
    ]
    lines = [
        *markdown_table(["task", "records", "of them English", "outputs", "follow-ups"], tasks),
        "",
        *markdown_table(["sector", "slug", "categories with data", "records"], sectors),
        "",
        f"{figures['records']:,} records, {figures['outputs']:,} outputs and "
        f"{figures['follow_ups']:,} follow-ups: {figures['examples']:,} training examples; "
        f"{figures['english_share']:.0%} English; {figures['categories_covered']} of "
        f"{figures['categories_indexed']} indexed categories have data.",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Print the tables; write the figures as JSON when asked."""
    parser = argparse.ArgumentParser(prog="python -m muse.training.datastats")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    figures = stats(load_examples())
    print(render(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
