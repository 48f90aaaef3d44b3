"""What a person waits for with the shipped model: `muse ask` as a process, timed per request.

Runs `muse ask --json` (a fresh process each time, on a temp database, the default model or
`--model`) for each brief, `--repeat` times, and reports the turn's own timings (time to first
token, whole turn: from the request entering the core to its last chunk) next to the process
wall time (which adds Python start-up, importing torch and loading the model). Prints a table
and writes JSON (default bench/results/ask.json).

    .venv/bin/python bench/ask.py [--model models/default] [--repeat 3]
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


def ask(model: Path, text: str, db: Path) -> dict[str, float]:
    """One `muse ask --json TEXT` process; its timings and wall time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSE_")}
    env |= {"MUSE_MODEL_PATH": str(model), "MUSE_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
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
    parser.add_argument("--out", type=Path, default=Path("bench/results/ask.json"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for text in BRIEFS:
            runs = [ask(args.model, text, Path(tmp) / f"{i}.db") for i in range(args.repeat)]
            rows.append(
                {"request": text}
                | {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                | {"runs": runs}
            )
    print(f"{'request':<48} {'TTFT s':>8} {'turn s':>8} {'process s':>10}   (medians)")
    for row in rows:
        print(
            f"{row['request']:<48} {row['first_token_s']:>8.3f} {row['total_s']:>8.3f} "
            f"{row['wall_s']:>10.2f}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"model": str(args.model), "rows": rows}, indent=2, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
