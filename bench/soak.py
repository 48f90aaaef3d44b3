"""Soak: many turns through the real core, watching for errors, memory growth and leaked files.

Phase 1 drives `--turns` turns over `--conversations` concurrent conversations through MuseCore
(SQLite on disk, history, prompts, best-of-n, lint) with a model that answers at once. Phase 2
starts `muse serve-model` on the default model and drives `--model-turns` turns through the
core over HTTP, as `muse run` would. For each phase: errors (goal 0), resident memory after
start-up, after the first tenth of the turns (warm) and at the end (goal: growth from warm
under 10%), open file descriptors, and turns/s. Prints a table and writes JSON (default
bench/results/soak.json).

    .venv/bin/python bench/soak.py [--turns 10000] [--model-turns 2000] [--conversations 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.core import InstantModel
from muse.core.config import Settings
from muse.core.llm.client import ModelClient
from muse.core.messages import Done, Incoming, Kind
from muse.core.service import MuseCore

MESSAGES = ("/ad 新款秋季风衣，轻薄防风", "聊聊卖点", "/tagline 桂花乌龙茶", "再短一点")


def rss_mib(pid: int | str = "self") -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def open_fds(pid: int | str = "self") -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def drive(
    settings: Settings, model: ModelClient | None, turns: int, conversations: int, pids: list[int]
) -> dict[str, object]:
    """`turns` turns over `conversations` conversations at once; errors, memory, files, rate."""
    errors: dict[str, int] = {}
    done = 0
    memory: dict[str, list[float]] = {}

    def sample(when: str) -> None:
        memory[when] = [rss_mib(), *(rss_mib(p) for p in pids)]

    async with MuseCore(settings, model=model) as core:
        sample("start")
        fds_start = open_fds()

        async def conversation(user: int) -> None:
            nonlocal done
            for turn in range(turns // conversations):
                text = f"{MESSAGES[turn % len(MESSAGES)]} {turn}"
                msg = Incoming("soak", "w", "c", f"user{user}", text, Kind.DIRECT)
                events = [e async for e in core.assistant.handle(msg)]
                last = events[-1]
                if not isinstance(last, Done):
                    key = getattr(last, "code", type(last).__name__)
                    errors[key] = errors.get(key, 0) + 1
                done += 1
                if done == turns // 10:
                    sample("warm")

        started = time.perf_counter()
        await asyncio.gather(*(conversation(u) for u in range(conversations)))
        wall = time.perf_counter() - started
        sample("end")
        fds_end = open_fds()
    warm = memory.get("warm", memory["start"])
    return {
        "turns": done,
        "errors": errors,
        "turns_per_s": done / wall,
        "rss_mib": memory,
        "rss_growth_from_warm": memory["end"][0] / warm[0] - 1,
        "server_rss_growth_from_warm": (memory["end"][1] / warm[1] - 1) if pids else None,
        "fds": [fds_start, fds_end],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def serve_model(model_dir: Path, port: int) -> asyncio.subprocess.Process:
    """`muse serve-model` on `port`, once it answers /health."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "muse", "serve-model", "--model", str(model_dir), "--port", str(port),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    import aiohttp

    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            try:
                async with http.get(f"http://127.0.0.1:{port}/health") as r:
                    if r.status == 200:
                        return proc
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    proc.kill()
    raise SystemExit("muse serve-model did not start within two minutes")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=10_000)
    parser.add_argument("--model-turns", type=int, default=2_000)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/soak.json"))
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite+aiosqlite:///{Path(tmp) / 'instant.db'}"
        # No per-person quota, and a slot for every conversation: this measures the core, not
        # the limits (core/quota.py).
        limits = {"MUSE_USER_RPM": 0, "MUSE_MAX_CONCURRENT": args.conversations}
        settings = Settings(_env_file=None, MUSE_DATABASE_URL=db, **limits)
        rows["instant model"] = await drive(
            settings, InstantModel(), args.turns, args.conversations, []
        )
        if args.model_turns:
            port = free_port()
            server = await serve_model(args.model, port)
            try:
                settings = Settings(
                    _env_file=None,
                    MUSE_DATABASE_URL=f"sqlite+aiosqlite:///{Path(tmp) / 'served.db'}",
                    MUSE_MODEL_URL=f"http://127.0.0.1:{port}/v1",
                    **limits,
                )
                rows["muse serve-model"] = await drive(
                    settings, None, args.model_turns, args.conversations, [server.pid]
                )
            finally:
                server.terminate()
                await server.wait()
    print(
        f"{'phase':<17} {'turns':>6} {'errors':>6} {'turns/s':>8} "
        f"{'RSS MiB start/warm/end':>24} {'growth':>7} {'fds':>9}"
    )
    for name, r in rows.items():
        mem = r["rss_mib"]
        rss = "/".join(f"{mem[k][0]:.0f}" for k in ("start", "warm", "end") if k in mem)
        errors = sum(r["errors"].values())
        print(
            f"{name:<17} {r['turns']:>6} {errors:>6} {r['turns_per_s']:>8.1f} {rss:>24} "
            f"{r['rss_growth_from_warm']:>7.1%} {r['fds'][0]:>4}→{r['fds'][1]:<4}"
        )
        if r["server_rss_growth_from_warm"] is not None:
            server = "/".join(f"{mem[k][1]:.0f}" for k in ("start", "warm", "end") if k in mem)
            print(f"{'  model server':<17} {'':>6} {'':>6} {'':>8} {server:>24} "
                  f"{r['server_rss_growth_from_warm']:>7.1%}")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
