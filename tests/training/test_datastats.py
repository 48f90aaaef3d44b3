"""datastats counts records (briefs), outputs and follow-ups per task, language and sector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from muse.training import datastats
from muse.training.authored import Example, FollowUp


def _ad(brief: str, output: str, lang: str = "zh", follow_ups: int = 0) -> Example:
    extra = tuple(FollowUp("再短一点", f"{output}短") for _ in range(follow_ups))
    return Example("ad", lang, "零食", brief, output, extra)  # type: ignore[arg-type]


def test_counts_records_outputs_and_follow_ups() -> None:
    examples = [
        _ad("海苔脆片", "薄到能透光", follow_ups=1),
        _ad("海苔脆片", "嘴馋，但不想吃太撑"),
        _ad("seaweed crisps", "Thin enough to read through", lang="en"),
        Example("tagline", "zh", "咖啡", "挂耳咖啡", "一\n二\n三\n四\n五"),
    ]
    figures = datastats.stats(examples)
    assert figures["tasks"]["ad"] == {
        "records": 2,
        "records_en": 1,
        "outputs": 3,
        "follow_ups": 1,
    }
    assert figures["tasks"]["tagline"]["records"] == 1
    assert figures["examples"] == 5
    assert figures["english_share"] == 0.25
    assert figures["categories_covered"] == 2
    assert figures["sectors"]["食品"]["covered"] == 1
    assert figures["sectors"]["食品"]["records"] == 2
    assert figures["sectors"]["饮品"]["records"] == 1


def test_main_prints_tables_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "stats.json"
    assert datastats.main(["--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| ad |" in printed and "| 食品 | food |" in printed
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["examples"] == figures["outputs"] + figures["follow_ups"]
    assert figures["tasks"]["ad"]["records"] > 0
