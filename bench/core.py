"""What the core adds to a turn: turns/s and per-turn latency with a model that answers instantly.

Runs the real MuseCore (migrations, SQLite file on disk, history, prompt assembly, skills, lint)
with a model client that returns at once, for 1 and 50 concurrent conversations, side by side in
one run. Prints a table and writes JSON (default bench/results/core.json).

    .venv/bin/python bench/core.py [--turns 400] [--out bench/results/core.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from muse.core.config import Settings
from muse.core.llm.client import ChatRequest, Chunk
from muse.core.messages import Done, Incoming, Kind
from muse.core.service import MuseCore

AD = "轻薄防风的秋季风衣\n通勤出游都合适，一件搞定早晚温差。"
CHAT = "可以从通勤场景切入，强调轻、薄、好搭配。"


class InstantModel:
    """A ModelClient that answers at once, so only the core's own work is timed."""

    async def start(self) -> None:
        """Nothing to load."""

    async def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        """Every completion in one chunk."""
        reply = AD if request.n > 1 else CHAT
        for index in range(request.n):
            yield Chunk(index, reply, "stop")

    async def complete(self, request: ChatRequest) -> list[str]:
        """The same text for each of the n completions."""
        return [AD if request.n > 1 else CHAT] * request.n

    async def aclose(self) -> None:
        """Nothing to release."""


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run(concurrency: int, turns: int, db_dir: Path) -> dict[str, float]:
    """`turns` turns spread over `concurrency` conversations driven at the same time."""
    url = f"sqlite+aiosqlite:///{db_dir / f'c{concurrency}.db'}"
    # The core's own cost: no per-person quota, a generation slot for every conversation.
    settings = Settings(MUSE_DATABASE_URL=url, MUSE_USER_RPM=0, MUSE_MAX_CONCURRENT=concurrency)
    latencies: list[float] = []
    async with MuseCore(settings, model=InstantModel()) as core:

        async def conversation(user: int) -> None:
            for turn in range(turns // concurrency):
                text = f"/ad 新款秋季风衣 {turn}" if turn % 4 == 0 else f"聊聊卖点 {turn}"
                msg = Incoming("bench", "w", "c", f"user{user}", text, Kind.DIRECT)
                started = time.perf_counter()
                events = [e async for e in core.assistant.handle(msg)]
                latencies.append(time.perf_counter() - started)
                if not isinstance(events[-1], Done):
                    raise RuntimeError(f"turn failed: {events[-1]}")

        started = time.perf_counter()
        await asyncio.gather(*(conversation(u) for u in range(concurrency)))
        wall = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "turns": len(latencies),
        "turns_per_s": len(latencies) / wall,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=400, help="turns per concurrency level")
    parser.add_argument("--out", type=Path, default=Path("bench/results/core.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [await run(c, args.turns, Path(tmp)) for c in (1, 50)]
    print(f"{'conversations':>13} {'turns':>6} {'turns/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for r in rows:
        print(
            f"{r['concurrency']:>13} {r['turns']:>6} {r['turns_per_s']:>8.1f}"
            f" {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"python": sys.version, "rows": rows}, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
