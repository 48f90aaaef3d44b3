"""What a person waits for with the shipped model: `muse ask` as a process, timed per request.

Runs `muse ask --json` (a fresh process each time, on a temp database, the default model or
`--model`) for each brief, `--repeat` times, and reports the turn's own timings (time to first
token, whole turn: from the request entering the core to its last chunk) next to the process
wall time (which adds Python start-up, importing torch and loading the model). Each
`--candidates` value (MUSE_CANDIDATES: best-of-n's drafts per three shown) runs side by side,
interleaved, so their ratio is measured under the same load. Prints a table and writes JSON
(default bench/results/ask.json).

    .venv/bin/python bench/ask.py [--model models/default] [--repeat 3] [--candidates 3,8]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BRIEFS = (
    "/ad 新款服装",
    "/ad 氨基酸洗面奶，温和清洁",
    "/tagline 「松间」沐浴露，木质香调",
    "/ad Electric toothbrush with a two-minute timer",
)


def ask(model: Path, text: str, db: Path, candidates: int) -> dict[str, float]:
    """One `muse ask --json TEXT` process; its timings and wall time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSE_")}
    env |= {"MUSE_MODEL_PATH": str(model), "MUSE_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    env["MUSE_CANDIDATES"] = str(candidates)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "muse", "ask", "--json", text],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"muse ask failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    timings = json.loads(done.stdout)["timings"]
    return {
        "first_token_s": timings["first_token_s"],
        "total_s": timings["total_s"],
        "wall_s": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--candidates", default="3,8", help="MUSE_CANDIDATES values, a,b,…")
    parser.add_argument("--out", type=Path, default=Path("bench/results/ask.json"))
    args = parser.parse_args()
    values = [int(v) for v in args.candidates.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for text in BRIEFS:
            runs: dict[int, list[dict[str, float]]] = {v: [] for v in values}
            for i in range(args.repeat):
                for v in values:  # interleaved: every value sees the same machine load
                    runs[v].append(ask(args.model, text, Path(tmp) / f"{v}-{i}.db", v))
            for v in values:
                rows.append(
                    {"request": text, "candidates": v}
                    | {k: statistics.median(r[k] for r in runs[v]) for k in runs[v][0]}
                    | {"runs": runs[v]}
                )
    print(f"{'request':<48} {'cand.':>5} {'TTFT s':>8} {'turn s':>8} {'process s':>10}   (medians)")
    for row in rows:
        print(
            f"{row['request']:<48} {row['candidates']:>5} {row['first_token_s']:>8.3f} "
            f"{row['total_s']:>8.3f} {row['wall_s']:>10.2f}"
        )
    base = [r for r in rows if r["candidates"] == values[0]]
    for v in values[1:]:
        mine = [r for r in rows if r["candidates"] == v]
        pairs = zip(mine, base, strict=True)
        ratio = statistics.median(m["total_s"] / b["total_s"] for m, b in pairs)
        print(f"turn time, {v} candidates / {values[0]}: ×{ratio:.2f} (median over requests)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"model": str(args.model), "rows": rows}, indent=2, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
