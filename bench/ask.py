"""What a person waits for with the shipped model: `muse ask` as a process, timed per request.

Runs `muse ask --json` (a fresh process each time, on a temp database, the default model or
`--model`) for each brief, `--repeat` times, and reports the turn's own timings (time to first
token, whole turn: from the request entering the core to its last chunk) next to the process
wall time (which adds Python start-up, importing torch and loading the model), and the time
from starting `muse chat` to the end of its first reply. Each `--candidates` value
(MUSE_CANDIDATES: best-of-n's drafts per three shown) and, with `--baseline DIR`, another
source tree of Muse (e.g. `git worktree add /tmp/before <commit>`) run side by side,
interleaved, so their ratios are measured under the same load. Prints a table and writes JSON
(default bench/results/ask.json).

    .venv/bin/python bench/ask.py [--model models/default] [--repeat 3] [--candidates 3,8]
                                  [--baseline /tmp/before]
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
from dataclasses import dataclass
from pathlib import Path

BRIEFS = (
    "/ad 新款服装",
    "/ad 氨基酸洗面奶，温和清洁",
    "/tagline 「松间」沐浴露，木质香调",
    "/ad Electric toothbrush with a two-minute timer",
)


CHAT_BRIEF = BRIEFS[0]
BYE = "再见 / Bye."  # what `muse chat` prints when its input ends, after the last reply


@dataclass(frozen=True)
class Setup:
    """One column of the comparison: a source tree of Muse and a MUSE_CANDIDATES value."""

    tree: Path
    candidates: int

    @property
    def label(self) -> str:
        return "this tree" if self.tree == HERE else f"{self.tree}"


HERE = Path(__file__).resolve().parent.parent


def environment(setup: Setup, model: Path, db: Path) -> dict[str, str]:
    """The process environment: no MUSE_ settings but these, and `setup.tree` on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSE_")}
    env |= {"MUSE_MODEL_PATH": str(model), "MUSE_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    env |= {"MUSE_CANDIDATES": str(setup.candidates), "PYTHONPATH": str(setup.tree)}
    return env


def ask(setup: Setup, model: Path, text: str, db: Path) -> dict[str, float]:
    """One `muse ask --json TEXT` process; its timings and wall time."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "muse", "ask", "--json", text],
        env=environment(setup, model, db),
        cwd=setup.tree,
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


def chat(setup: Setup, model: Path, db: Path) -> float:
    """Seconds from starting `muse chat` to the end of its reply to one typed brief."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "muse", "chat"],
        env=environment(setup, model, db),
        cwd=setup.tree,
        input=CHAT_BRIEF + "\n",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0 or BYE not in done.stdout:
        raise SystemExit(f"muse chat failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--candidates", default="3,8", help="MUSE_CANDIDATES values, a,b,…")
    parser.add_argument("--baseline", type=Path, help="Another Muse source tree to compare.")
    parser.add_argument("--out", type=Path, default=Path("bench/results/ask.json"))
    args = parser.parse_args()
    model = args.model.resolve()
    trees = [HERE, *([args.baseline.resolve()] if args.baseline else [])]
    setups = [Setup(t, int(v)) for t in trees for v in args.candidates.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for text in BRIEFS:
            runs: dict[Setup, list[dict[str, float]]] = {s: [] for s in setups}
            for i in range(args.repeat):
                for n, s in enumerate(setups):  # interleaved: all see the same machine load
                    runs[s].append(ask(s, model, text, Path(tmp) / f"{n}-{i}.db"))
            for s in setups:
                rows.append(
                    {"request": text, "tree": s.label, "candidates": s.candidates}
                    | {k: statistics.median(r[k] for r in runs[s]) for k in runs[s][0]}
                    | {"runs": runs[s]}
                )
        chats: dict[Setup, list[float]] = {s: [] for s in setups}
        for i in range(args.repeat):
            for n, s in enumerate(setups):
                chats[s].append(chat(s, model, Path(tmp) / f"chat-{n}-{i}.db"))
    print(
        f"{'request':<44} {'tree':<12} {'cand.':>5} {'TTFT s':>7} {'turn s':>7} "
        f"{'process s':>9}   (medians)"
    )
    for row in rows:
        print(
            f"{row['request']:<44} {row['tree'][:12]:<12} {row['candidates']:>5} "
            f"{row['first_token_s']:>7.3f} {row['total_s']:>7.3f} {row['wall_s']:>9.2f}"
        )
    for s in setups:
        print(
            f"{'muse chat: start to end of first reply':<44} {s.label[:12]:<12} "
            f"{s.candidates:>5} {'':>7} {'':>7} {statistics.median(chats[s]):>9.2f}"
        )
    first = setups[0]
    for s in setups[1:]:
        mine = [r for r in rows if (r["tree"], r["candidates"]) == (s.label, s.candidates)]
        base = [r for r in rows if (r["tree"], r["candidates"]) == (first.label, first.candidates)]
        for key in ("total_s", "wall_s"):
            ratio = statistics.median(m[key] / b[key] for m, b in zip(mine, base, strict=True))
            print(
                f"{key}, {s.label} ({s.candidates} cand.) / {first.label} "
                f"({first.candidates} cand.): ×{ratio:.2f} (median over requests)"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out = {
        "model": str(args.model),
        "rows": rows,
        "chat_first_reply_s": [
            {"tree": s.label, "candidates": s.candidates, "runs": chats[s]} for s in setups
        ],
    }
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
