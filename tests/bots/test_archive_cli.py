"""`muse export` / `muse import` on a real database: one team's data only, and a round trip of
a team's past copy through its library."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from muse.bots.cli import app
from muse.core.config import Settings
from muse.core.messages import Action, Done, Incoming, Kind
from muse.core.service import MuseCore
from tests.fake_model import FakeModel


async def liked_ad(url: str, workspace: str) -> None:
    settings = Settings(MUSE_DATABASE_URL=url, MUSE_MODEL_PATH=Path("/no/model"))
    async with MuseCore(settings, model=FakeModel()) as core:
        ask = Incoming(
            "test", workspace, "c1", "u1", f"/ad 「{workspace}」桂花乌龙茶", Kind.COMMAND
        )
        (*_, done) = [e async for e in core.assistant.handle(ask)]
        assert isinstance(done, Done)
        like = Incoming(
            "test", workspace, "c1", "u1", "", Kind.ACTION,
            action=Action.LIKE, target_message_id=done.message_id,
        )  # fmt: skip
        [e async for e in core.assistant.handle(like)]
        voice = Incoming("test", workspace, "u1", "u1", f"/voice must 「{workspace}」", Kind.DIRECT)
        [e async for e in core.assistant.handle(voice)]


def test_export_is_one_teams_and_import_round_trips(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}"
    asyncio.run(liked_ad(url, "w1"))
    asyncio.run(liked_ad(url, "w2"))
    runner = CliRunner(env={"MUSE_DATABASE_URL": url})
    archive = tmp_path / "archive.csv"
    with archive.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["brief", "text"])
        writer.writeheader()
        writer.writerow({"brief": "去年中秋", "text": "月亮升起来\n桂花乌龙，配一块月饼。"})
    imported = runner.invoke(app, ["import", "--scope", "test:w1:c1", str(archive)])
    assert imported.exit_code == 0 and "1 pieces" in imported.output, imported.output

    out = tmp_path / "w1.jsonl"
    result = runner.invoke(app, ["export", "--scope", "test:w1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    kinds = [r["kind"] for r in rows]
    assert kinds.count("library") == 4 and kinds.count("vote") == 1  # 3 kept + 1 imported
    assert [(r["level"], r["channel_id"], r["must"]) for r in rows if r["kind"] == "voice"] == [
        ("person", "u1", "「w1」")
    ]
    assert all("w2" not in json.dumps(r, ensure_ascii=False) for r in rows)
    assert any(r.get("text") == "月亮升起来\n桂花乌龙，配一块月饼。" for r in rows)

    as_csv = tmp_path / "w1.csv"
    runner.invoke(app, ["export", "--scope", "test:w1", "--out", str(as_csv), "--format", "csv"])
    with as_csv.open(encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == len(rows)


def test_bad_scopes_and_files_say_what_is_wrong(tmp_path: Path) -> None:
    runner = CliRunner(env={"MUSE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"})
    bad = runner.invoke(app, ["export", "--scope", "slack", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "platform:workspace" in bad.output
    empty = tmp_path / "copy.jsonl"
    empty.write_text(json.dumps({"brief": "无文案"}) + "\n", encoding="utf-8")
    refused = runner.invoke(app, ["import", "--scope", "slack:T1:C1", str(empty)])
    assert refused.exit_code == 2 and "has no `text`" in refused.output
