"""Preference pairs from a real feedback record: replies written by the core on a scripted
model, votes and a regenerate through the assistant, then `muse train preferences`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from typer.testing import CliRunner

from muse.core.config import Settings
from muse.core.llm.client import ChatRequest
from muse.core.messages import Action, Done, Kind
from muse.core.service import MuseCore
from muse.training.cli import app
from muse.training.jsonl import read_jsonl
from muse.training.preferences import read
from tests.conversation import incoming
from tests.fake_model import FakeModel


def writer() -> FakeModel:
    def write(request: ChatRequest, index: int) -> str:
        round_ = len(model.requests)  # each reply's drafts differ from the last one's
        return f"川味坊火锅底料{round_}-{index}\n牛油麻辣，第{round_}锅的第{index}种吃法。"

    model = FakeModel(write, logprob=lambda index: -float(index))
    return model


async def done(core: MuseCore, text: str = "", user: str = "u1", **extra: object) -> Done:
    events = [e async for e in core.assistant.handle(incoming(text, user, **extra))]
    assert isinstance(events[-1], Done), events[-1]
    return events[-1]


async def press(
    core: MuseCore, action: Action, reply: Done, user: str = "u1", **extra: object
) -> Done:
    return await done(
        core,
        "",
        user,
        kind=Kind.ACTION,
        action=action,
        target_message_id=reply.message_id,
        **extra,
    )


async def record(url: str) -> None:
    """Four /ad replies: one kept, one regenerated into a kept one, one disliked, one with a
    👍 beside its second variant."""
    settings = Settings(MUSE_DATABASE_URL=url, MUSE_MODEL_PATH=Path("/no/model"))
    async with MuseCore(settings, model=writer()) as core:
        kept = await done(core, "/ad 「川味坊」火锅底料，牛油麻辣")
        await press(core, Action.LIKE, kept)
        first = await done(core, "/ad 「川味坊」火锅底料，清油版")
        second = await press(core, Action.REGENERATE, first)
        await press(core, Action.LIKE, second, user="u2")
        disliked = await done(core, "/ad 「川味坊」火锅底料，番茄锅")
        await press(core, Action.DISLIKE, disliked)
        await press(core, Action.SHORTER, disliked)  # a rework: no pair
        one = await done(core, "/ad 「川味坊」火锅底料，菌汤锅", user="u3")  # its own history
        await press(core, Action.LIKE, one, user="u3", variant=2)


def test_each_rule_gives_its_pairs_for_the_same_prompt(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}"
    asyncio.run(record(url))  # the command runs its own event loop, so the test has none
    out = tmp_path / "prefs"
    result = CliRunner().invoke(
        app,
        [
            "preferences",
            "--out",
            str(out),
            "--database",
            url,
            "--platform",
            "test",
            "--workspace",
            "w1",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    # The kept reply and the kept regeneration each pair 3 shown drafts with passed-over ones,
    # the reply liked at variant 2 only that draft; the regeneration pairs its 3 shown drafts
    # with the 3 of the reply it replaced; the liked variant beats the 2 shown beside it.
    assert summary == {
        "replies": 6,
        "pairs": 12,
        "by_kind": {"kept_over_passed": 7, "regenerated_then_kept": 3, "liked_over_shown": 2},
    }
    pairs = list(read_jsonl(out / "preferences.jsonl"))
    for pair in pairs:
        assert pair["prompt"][0]["role"] == "system" and pair["prompt"][-1]["role"] == "user"
        assert pair["chosen"][0]["content"] != pair["rejected"][0]["content"]
        assert pair["skill"] == "ad" and pair["lang"] == "zh"
    regenerated = [p for p in pairs if p["kind"] == "regenerated_then_kept"]
    assert all("清油版" in p["prompt"][-1]["content"] for p in regenerated)
    # Rejected: the replaced reply's drafts (the second request); chosen: the third's.
    assert all(p["rejected"][0]["content"].startswith("川味坊火锅底料2-") for p in regenerated)
    assert all(p["chosen"][0]["content"].startswith("川味坊火锅底料3-") for p in regenerated)
    assert "番茄锅" not in json.dumps(pairs, ensure_ascii=False)  # 👎 and a rework give none
    liked = [p for p in pairs if "菌汤锅" in p["prompt"][-1]["content"]]
    second = {p["chosen"][0]["content"] for p in liked}
    assert len(second) == 1 and all(p["rejected"][0]["content"] not in second for p in liked)


def test_one_team_only_unless_the_operator_asks_for_all(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}"
    asyncio.run(record(url))
    runner = CliRunner()
    refused = runner.invoke(app, ["preferences", "--out", str(tmp_path / "x"), "--database", url])
    assert refused.exit_code == 2 and "--all-workspaces" in refused.output
    other = runner.invoke(
        app,
        [
            "preferences",
            "--out",
            str(tmp_path / "o"),
            "--database",
            url,
            "--platform",
            "test",
            "--workspace",
            "w2",
        ],
    )
    assert other.exit_code == 0 and "0 pairs" in other.output
    everyone = runner.invoke(
        app, ["preferences", "--out", str(tmp_path / "a"), "--database", url, "--all-workspaces"]
    )
    assert everyone.exit_code == 0 and "12 pairs" in everyone.output


async def test_forget_removes_the_record_of_a_persons_replies(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}"
    await record(url)
    settings = Settings(MUSE_DATABASE_URL=url, MUSE_MODEL_PATH=Path("/no/model"))
    async with MuseCore(settings, model=writer()) as core:
        await done(core, "/forget")
        await done(core, "/forget", user="u3")
    replies, regenerations = await read(url, None, None)
    assert replies == {} and regenerations == []
