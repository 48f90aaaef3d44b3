"""The `muse` command end to end, as separate processes, against a real SQLite file and either a
local fake OpenAI-compatible server (real HTTP/SSE) or the tiny in-process model."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sqlite3
from pathlib import Path

from sqlalchemy import select

from muse.core.config import Settings
from muse.core.history.db import Database
from muse.core.history.models import Message
from muse.core.service import MuseCore
from muse.core.texts import text
from tests.fake_openai import fake_openai_server
from tests.muse_process import MUSE, environment, muse


async def test_ask_writes_three_ad_variants_and_keeps_history(tmp_path: Path) -> None:
    async with fake_openai_server() as server:
        env = environment(tmp_path, MUSE_MODEL_URL=server.url)
        code, out, err = await muse(env, "ask", "--json", "/ad 新款服装", cwd=tmp_path)
        assert code == 0, err
        result = json.loads(out)
        assert result["skill"] == "ad" and len(result["variants"]) == 3
        assert result["timings"]["total_s"] > 0 and result["timings"]["first_token_s"] > 0
        # Best-of-n: eight drafts with their log-probs for the three shown.
        first = server.bodies[0]
        assert first["n"] == 8 and first["stream"] is True and first["logprobs"] is True
        # The fake server's copy never names 新款服装, so the core drew more (REDRAWS rounds).
        assert len(server.bodies) == 3 and all(b["n"] == 3 for b in server.bodies[1:])

        code, out, err = await muse(env, "ask", "-", stdin="再活泼一点", cwd=tmp_path)
        assert code == 0, err
        contents = [m["content"] for m in server.bodies[-1]["messages"]]
        assert any("新款服装" in c for c in contents) and contents[-1] == "再活泼一点"

        # Another user has a history of their own.
        code, _, err = await muse(env, "ask", "--user", "someone-else", "你好", cwd=tmp_path)
        assert code == 0, err
        assert not any("新款服装" in m["content"] for m in server.bodies[-1]["messages"])


async def test_ask_json_gives_a_formatted_ad_and_the_parts_of_a_release(tmp_path: Path) -> None:
    async with fake_openai_server() as server:
        env = environment(tmp_path, MUSE_MODEL_URL=server.url)
        code, out, err = await muse(env, "ask", "--json", "/ad weibo 桂花乌龙茶", cwd=tmp_path)
        assert code == 0, err
        result = json.loads(out)
        assert result["format"] == "weibo" and len(result["variants"]) == 3
        assert all("limits" in v for v in result["variants"])
        assert server.bodies[0]["messages"][-1]["content"].startswith("平台：微博\n")
        code, out, err = await muse(env, "ask", "--json", "/press 青禾开第二家店", cwd=tmp_path)
        assert code == 0, err
        result = json.loads(out)
        assert result["skill"] == "press" and result["format"] is None
        assert result["text"] == "\n\n".join(v["text"] for v in result["variants"])


async def test_ask_with_the_model_down_exits_nonzero_with_a_human_message(tmp_path: Path) -> None:
    env = environment(tmp_path, MUSE_MODEL_URL="http://127.0.0.1:9/v1")
    code, out, err = await muse(env, "ask", "/tagline 山野咖啡", cwd=tmp_path)
    assert code == 1 and out == ""
    assert "模型服务暂时不可用，请稍后再试" in err and "Traceback" not in err


async def test_ask_without_a_model_says_how_to_get_one(tmp_path: Path) -> None:
    code, _, err = await muse(environment(tmp_path), "ask", "/ad 新款服装", cwd=tmp_path)
    assert code == 1 and "muse train all" in err and "Traceback" not in err
    code, out, _ = await muse(environment(tmp_path), "ask", "/help", cwd=tmp_path)
    assert code == 0 and "/brainstorm" in out


async def test_ask_runs_the_in_process_model(tmp_path: Path, tiny_model_dir: Path) -> None:
    env = environment(tmp_path, MUSE_MODEL_PATH=str(tiny_model_dir))
    code, out, err = await muse(env, "ask", "--json", "你好", cwd=tmp_path)
    assert code == 0, err
    result = json.loads(out)
    assert result["skill"] == "chat" and result["text"].strip()
    assert result["timings"]["first_token_s"] < result["timings"]["total_s"]


async def test_chat_streams_replies_and_shares_history_with_ask(tmp_path: Path) -> None:
    async with fake_openai_server() as server:
        env = environment(tmp_path, MUSE_MODEL_URL=server.url)
        code, out, err = await muse(
            env, "chat", stdin="/help\n我们在做秋季风衣\n/quit\n", cwd=tmp_path
        )
        assert code == 0, err
        assert "/brainstorm" in out and "Autumn" in out and "再见" in out
        code, _, err = await muse(env, "ask", "接着说", cwd=tmp_path)
        assert code == 0, err
        assert any("我们在做秋季风衣" in m["content"] for m in server.bodies[-1]["messages"])


async def test_bytes_that_are_not_utf8_are_stored_and_answered(tmp_path: Path) -> None:
    async with fake_openai_server() as server:
        env = environment(tmp_path, MUSE_MODEL_URL=server.url)
        code, _, err = await muse(env, "ask", b"\xff\xfe hello \x01world", cwd=tmp_path)
        assert code == 0, err
        code, _, err = await muse(env, "ask", "-", stdin=b"caf\xe9 \x1b[1m\x00ok", cwd=tmp_path)
        assert code == 0, err
        code, out, err = await muse(env, "chat", stdin=b"\xc3 chat line\n/quit\n", cwd=tmp_path)
        assert code == 0 and "Autumn" in out, err
    users = [m["content"] for m in server.bodies[-1]["messages"] if m["role"] == "user"]
    # Each turn was stored (the history carries it) with undecodable bytes as U+FFFD and the
    # control characters gone.
    assert users == ["\ufffd\ufffd hello world", "caf\ufffd [1mok", "\ufffd chat line"]


async def test_kill_9_mid_generation_leaves_no_dangling_turn(tmp_path: Path) -> None:
    async with fake_openai_server("endless") as server:
        env = environment(tmp_path, MUSE_MODEL_URL=server.url)
        proc = await asyncio.create_subprocess_exec(
            *MUSE,
            "ask",
            "写一首很长的诗",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        for _ in range(600):
            if server.bodies:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # let it stream for a moment
        proc.send_signal(signal.SIGKILL)
        await proc.wait()

    url = env["MUSE_DATABASE_URL"]

    async def statuses() -> list[str]:
        async with Database(url) as db, db.sessionmaker() as session:
            return [str(s) for s in await session.scalars(select(Message.status))]

    assert await statuses() == ["pending"]
    with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///"))) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    settings = Settings(_env_file=None, MUSE_DATABASE_URL=url, MUSE_MODEL_URL=server.url)
    async with MuseCore(settings):
        pass
    assert await statuses() == ["failed"]
    # The next message in that conversation works and says, once, that the reply was lost.
    async with fake_openai_server() as server:
        env["MUSE_MODEL_URL"] = server.url
        code, out, err = await muse(env, "ask", "--json", "还在吗", cwd=tmp_path)
        assert code == 0, err
        assert json.loads(out)["notices"] == [text("reply_interrupted", "zh")]
        code, out, err = await muse(env, "ask", "--json", "再来", cwd=tmp_path)
        assert code == 0 and json.loads(out)["notices"] == [], err
        # The lost turn is not in the history the model sees.
        assert "写一首很长的诗" not in str(server.bodies[-1]["messages"])


async def test_db_upgrade_creates_the_database(tmp_path: Path) -> None:
    env = environment(tmp_path)
    env["MUSE_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'new' / 'muse.db'}"
    code, out, err = await muse(env, "db", "upgrade", cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "new" / "muse.db").is_file() and "head" in out
