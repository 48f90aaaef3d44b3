"""Crash safety, measured: kill `muse chat` with SIGKILL in the middle of a reply, again and
again, and check what is left each time.

Each round starts `muse chat`, types a request into it, against a local OpenAI-compatible
server that streams without end,
kills the process once text is flowing, then checks SQLite's `PRAGMA integrity_check`, that no
turn is stored as finished without its reply, and that the next message in the conversation is
answered and says, once, that the interrupted reply was lost. Prints a table and writes JSON
(default bench/results/crash.json).

    .venv/bin/python bench/crash.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from muse.core.texts import text
from tests.fake_openai import fake_openai_server
from tests.muse_process import MUSE, environment, muse


async def one_round(tmp: Path, index: int) -> dict[str, object]:
    """Kill `muse chat` mid-reply, then check the database and the next message."""
    async with fake_openai_server("endless") as server:
        env = environment(tmp, MUSE_MODEL_URL=server.url)
        proc = await asyncio.create_subprocess_exec(
            *MUSE,
            "chat",
            env=env,
            cwd=tmp,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert proc.stdin is not None
        proc.stdin.write(f"写一首很长的诗，第 {index} 次\n".encode())  # and the session stays open
        await proc.stdin.drain()
        for _ in range(3000):  # until the request reaches the server (at most a minute)
            if server.bodies:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1 + 0.05 * index)  # a different point of the stream each round
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    db_path = env["MUSE_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        # A finished user turn always has its reply right after it in the conversation.
        orphans = db.execute(
            "SELECT count(*) FROM messages u WHERE u.role = 'user' AND u.status = 'ok' "
            "AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.conversation_id = u.conversation_id"
            " AND r.role = 'assistant' AND r.id > u.id)"
        ).fetchone()[0]
    async with fake_openai_server() as server:
        env["MUSE_MODEL_URL"] = server.url
        started = time.perf_counter()
        code, out, _ = await muse(env, "ask", "--json", "还在吗", cwd=tmp)
        wall = time.perf_counter() - started
    notices = json.loads(out)["notices"] if code == 0 else []
    return {
        "integrity": integrity,
        "finished_without_reply": orphans,
        "next_message_ok": code == 0,
        "told": notices == [text("reply_interrupted", "zh")],
        "next_message_s": round(wall, 2),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("bench/results/crash.json"))
    args = parser.parse_args()
    # The fake server logs every write the killed client no longer reads.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            rows.append(await one_round(Path(tmp), i))
    print(f"{'round':>5} {'integrity':>10} {'orphans':>8} {'next ok':>8} {'told':>5} {'next s':>7}")
    for i, row in enumerate(rows):
        print(
            f"{i:>5} {row['integrity']!s:>10} {row['finished_without_reply']!s:>8} "
            f"{row['next_message_ok']!s:>8} {row['told']!s:>5} {row['next_message_s']!s:>7}"
        )
    good = sum(
        r["integrity"] == "ok"
        and not r["finished_without_reply"]
        and r["next_message_ok"]
        and r["told"]
        for r in rows
    )
    print(f"{good} of {len(rows)} rounds left a sound database and a working, told next turn")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"rounds": rows}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
